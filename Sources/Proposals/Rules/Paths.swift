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

/// What the policy needs to know of a proposal to decide (its row says it all).
public struct ProposalFacts: Sendable, Equatable {
    public let status: ProposalStatus
    public let hidden: Bool
    public let authorID: Int?
    public let submittedByID: Int?

    public init(status: ProposalStatus, hidden: Bool, authorID: Int?, submittedByID: Int?) {
        self.status = status
        self.hidden = hidden
        self.authorID = authorID
        self.submittedByID = submittedByID
    }

    /// The person speaks for it: its author, or the patient partner who typed it for them.
    public func isOwn(_ personID: Int?) -> Bool {
        guard let personID else { return false }
        return authorID == personID || submittedByID == personID
    }
}

extension ProposalsPolicy {
    /// What a person does with one proposal.
    public enum Deed: Sendable, CaseIterable {
        /// Read its page (a draft is its author's only; a hidden one its author's and the staff's).
        case see
        /// Change its text: its author, while it is a draft or just received.
        case edit
        /// Support it, comment on it: any member of the territory, on a public proposal not hidden.
        case support, comment
        /// Report it or one of its comments: any member who sees it.
        case report
        /// Move it to another status with the official answer: the staff who answer.
        case answer
        /// Hide or restore it, or one of its comments: the moderators.
        case moderate
        /// Link it to an action: the staff who answer, once it is accepted.
        case followUp
    }

    /// Whether `actor` may do `deed` on `proposal`: the one rule the use cases enforce and the
    /// pages follow to show a button.
    public static func allows(_ actor: Actor, _ deed: Deed, on proposal: ProposalFacts) -> Bool {
        let own = proposal.isOwn(actor.personID)
        let member = actor.isSignedIn && can(actor.roles, .takePart)
        let staff = can(actor.roles, .moderate) || can(actor.roles, .answer)
        let sees = (proposal.status.isPublic || own) && (!proposal.hidden || own || staff)
        switch deed {
        case .see: return sees
        case .edit: return own && proposal.status.authorMayEdit
        case .support, .comment: return member && proposal.status.isPublic && !proposal.hidden
        case .report: return member && sees
        case .answer: return actor.isSignedIn && can(actor.roles, .answer) && sees
        case .moderate: return actor.isSignedIn && can(actor.roles, .moderate) && sees
        case .followUp:
            return actor.isSignedIn && can(actor.roles, .answer) && sees && proposal.status.isAcceptedOrLater
        }
    }

    /// Whether `actor` may change the territory's actions (progress, milestones, links).
    public static func mayManageActions(_ actor: Actor) -> Bool { actor.isSignedIn && can(actor.roles, .answer) }
}
