import Core

/// Every path of the experiences room. A national call has no territory in its path; a call's
/// pages live under /appels/ID whatever its scope, so its address never changes.
public enum ExperiencesPaths {
    public static let calls = RoutePattern("/appels")
    public static let newNationalCall = RoutePattern("/appels/nouveau")
    public static let territoryCalls = RoutePattern("/:territory/appels")
    public static let newLocalCall = RoutePattern("/:territory/appels/nouveau")
    public static let call = RoutePattern("/appels/:call")
    public static let editCall = RoutePattern("/appels/:call/modifier")
    public static let contribute = RoutePattern("/appels/:call/contribuer")
    public static let rescue = RoutePattern("/appels/:call/reprise/:token")
    public static let review = RoutePattern("/appels/:call/evaluation")
    public static let figures = RoutePattern("/appels/:call/chiffres")
    public static let reviewers = RoutePattern("/appels/:call/relecteurs")
    public static let submission = RoutePattern("/appels/:call/contributions/:submission")
    public static let edit = RoutePattern("/appels/:call/contributions/:submission/modifier")
    public static let invite = RoutePattern("/appels/:call/contributions/:submission/coauteurs")
    public static let answer = RoutePattern("/appels/:call/contributions/:submission/reponse")
    public static let score = RoutePattern("/appels/:call/contributions/:submission/notation")
    public static let status = RoutePattern("/appels/:call/contributions/:submission/etat")
    public static let attachment = RoutePattern("/appels/:call/contributions/:submission/pieces/:attachment")
    public static let invitation = RoutePattern("/coauteurs/:token")
    public static let catalogue = RoutePattern("/experiences")
    public static let experience = RoutePattern("/experiences/:experience")
    public static let exportCSV = RoutePattern("/experiences.csv")
    public static let exportJSON = RoutePattern("/experiences.json")
}
