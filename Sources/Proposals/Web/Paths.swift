import Core

/// Every path of the proposals room.
public enum ProposalsPaths {
    public static let list = RoutePattern("/:territory/propositions")
    public static let new = RoutePattern("/:territory/propositions/nouvelle")
    public static let show = RoutePattern("/:territory/propositions/:proposal")
    public static let edit = RoutePattern("/:territory/propositions/:proposal/modifier")
    public static let support = RoutePattern("/:territory/propositions/:proposal/soutien")
    public static let comment = RoutePattern("/:territory/propositions/:proposal/commentaires")
    public static let report = RoutePattern("/:territory/propositions/:proposal/signalement")
    public static let status = RoutePattern("/:territory/propositions/:proposal/etat")
    public static let moderate = RoutePattern("/:territory/propositions/:proposal/moderation")
    public static let followUp = RoutePattern("/:territory/propositions/:proposal/suivi")
    public static let attachment = RoutePattern("/:territory/propositions/:proposal/piece-jointe")
    public static let results = RoutePattern("/:territory/suivi-des-propositions")
    public static let moderationQueue = RoutePattern("/:territory/moderation")
    public static let actions = RoutePattern("/:territory/actions")
    public static let action = RoutePattern("/:territory/actions/:action")
    public static let actionMilestones = RoutePattern("/:territory/actions/:action/etapes")
    public static let actionUnlink = RoutePattern("/:territory/actions/:action/retirer-une-proposition")
}

/// Who may do what with proposals, in a territory.
public enum ProposalsPolicy {
    public enum Action: Sendable { case propose, proposeOnBehalf, takePart, answer, moderate }

    public static func roles(for action: Action) -> Set<Role> {
        switch action {
        case .propose: [.resident, .professional, .patientPartner]
        case .proposeOnBehalf: [.patientPartner, .coordinator]
        case .takePart: Set(Role.allCases)
        case .answer: [.coordinator, .decisionMaker]
        case .moderate: [.coordinator, .admin]
        }
    }

    public static func can(_ roles: Set<Role>, _ action: Action) -> Bool {
        !roles.isDisjoint(with: Self.roles(for: action))
    }

    /// The audience a proposal is counted in: the platform's one rule (`Audience.of`), the
    /// assisted person being a resident.
    public static func audience(roles: Set<Role>, assisted: Bool) -> String {
        Audience.of(roles, assisted: assisted).rawValue
    }

    /// The audiences proposals come from, as the list filters them: the people who may propose
    /// in their own name. (Proposals stored before the one rule counted a coordinator as a
    /// resident; they keep that meaning.)
    public static let audiences: [Audience] = [.resident, .professional, .patientPartner, .coordinator]
    static let audienceValues: [String] = audiences.map(\.rawValue)

    /// The role a staff member signs a decision with (the name is not shown).
    public static func signingRole(_ roles: Set<Role>) -> Role {
        if roles.contains(.decisionMaker) { return .decisionMaker }
        if roles.contains(.coordinator) { return .coordinator }
        return roles.first ?? .resident
    }
}
