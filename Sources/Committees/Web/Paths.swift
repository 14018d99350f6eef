import Core

/// Every path of the committees room ("instances de concertation").
public enum CommitteesPaths {
    public static let list = RoutePattern("/:territory/instances")
    public static let new = RoutePattern("/:territory/instances/nouvelle")
    public static let show = RoutePattern("/:territory/instances/:committee")
    public static let manage = RoutePattern("/:territory/instances/:committee/gestion")
    public static let members = RoutePattern("/:territory/instances/:committee/membres")
    public static let endMandate = RoutePattern("/:territory/instances/:committee/membres/:member/fin-de-mandat")
    public static let space = RoutePattern("/:territory/instances/:committee/espace-membres")
    public static let calls = RoutePattern("/:territory/instances/:committee/appels")
    public static let call = RoutePattern("/:territory/instances/:committee/appels/:call")
    public static let apply = RoutePattern("/:territory/instances/:committee/appels/:call/candidature")
    public static let select = RoutePattern("/:territory/instances/:committee/appels/:call/selection")
    public static let draw = RoutePattern("/:territory/instances/:committee/appels/:call/tirage-au-sort")
    public static let meetings = RoutePattern("/:territory/instances/:committee/seances")
    public static let meeting = RoutePattern("/:territory/instances/:committee/seances/:meeting")
    public static let invitation = RoutePattern("/:territory/instances/:committee/seances/:meeting/invitation.ics")
    public static let attendance = RoutePattern("/:territory/instances/:committee/seances/:meeting/presences")
    public static let openVote = RoutePattern(
        "/:territory/instances/:committee/seances/:meeting/points/:item/ouvrir-le-vote")
    public static let vote = RoutePattern("/:territory/instances/:committee/seances/:meeting/points/:item/vote")
    public static let decide = RoutePattern("/:territory/instances/:committee/seances/:meeting/points/:item/decision")
    public static let minutes = RoutePattern("/:territory/instances/:committee/seances/:meeting/compte-rendu")
    public static let approve = RoutePattern("/:territory/instances/:committee/seances/:meeting/approbation")
    public static let documents = RoutePattern("/:territory/instances/:committee/documents")
    public static let document = RoutePattern("/:territory/instances/:committee/documents/:document")
    public static let strategies = RoutePattern("/:territory/instances/:committee/strategies")
    public static let strategy = RoutePattern("/:territory/instances/:committee/strategies/:strategy")
    public static let sections = RoutePattern("/:territory/instances/:committee/strategies/:strategy/sections")
    public static let section = RoutePattern("/:territory/instances/:committee/strategies/:strategy/sections/:section")
    public static let sectionComments = RoutePattern(
        "/:territory/instances/:committee/strategies/:strategy/sections/:section/commentaires")
    public static let adopt = RoutePattern("/:territory/instances/:committee/strategies/:strategy/adoption")
}
