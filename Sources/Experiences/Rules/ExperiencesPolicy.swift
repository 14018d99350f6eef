import Core

/// Who may do what with calls and submissions. Local calls are run by their territory's
/// coordinators and administrators; national calls by the platform's national organisers
/// (`experience_organisers`). Reviewers are named per call; a submission belongs to its authors.
/// Pure: the use cases check it on the object, and the pages use it to show or hide a button.
public enum ExperiencesPolicy {
    public static let localOrganisers: Set<Role> = [.coordinator, .admin]

    /// What a person does with a call or one of its submissions.
    public enum Action: Sendable, CaseIterable {
        /// Open a call (national, or of the territory of the subject).
        case openCall
        /// Change a call (its text, dates, grid) and choose its reviewers.
        case manageCall
        /// Write a submission to the call.
        case answerCall
        /// See the ranking of the call's submissions.
        case seeReview
        /// See the call's figures.
        case seeFigures
        /// See a submission.
        case see
        /// Change a submission's text, invite its co-authors.
        case edit
        /// Answer the organisers' question on a submission.
        case answerQuestion
        /// Score a submission on the call's grid.
        case score
        /// Decide a submission's status (ask for information, publish, refuse…).
        case decide
    }

    /// The facts of a call (and of one of its submissions) that decide what the actor may do with
    /// it. The actor's roles are those they hold in the call's territory (none for a national call).
    public struct Subject: Sendable, Equatable {
        public var national: Bool
        public var audience: CallAudience
        /// The actor is one of the platform's national organisers.
        public var isNationalOrganiser: Bool
        /// The actor is a reviewer of this call.
        public var isReviewerOfCall: Bool
        /// The authors of the submission (empty for a call).
        public var authorIDs: [Int]
        /// The status of the submission (nil for a call).
        public var status: ExperienceStatus?

        public init(
            national: Bool, audience: CallAudience = .anyone, isNationalOrganiser: Bool = false,
            isReviewerOfCall: Bool = false, authorIDs: [Int] = [], status: ExperienceStatus? = nil
        ) {
            self.national = national
            self.audience = audience
            self.isNationalOrganiser = isNationalOrganiser
            self.isReviewerOfCall = isReviewerOfCall
            self.authorIDs = authorIDs
            self.status = status
        }

        /// The same call, with one of its submissions.
        public func with(authorIDs: [Int], status: ExperienceStatus) -> Subject {
            var copy = self
            copy.authorIDs = authorIDs
            copy.status = status
            return copy
        }
    }

    /// The one rule of who may do what with a call or a submission.
    public static func allows(_ actor: Actor, _ action: Action, on subject: Subject) -> Bool {
        guard let personID = actor.personID else { return false }
        let organises = organises(
            national: subject.national, isNationalOrganiser: subject.isNationalOrganiser,
            rolesInCallTerritory: actor.roles)
        let isAuthor = subject.authorIDs.contains(personID)
        switch action {
        case .openCall, .manageCall: return organises
        case .answerCall:
            return mayAnswer(audience: subject.audience, national: subject.national, rolesInCallTerritory: actor.roles)
        case .seeReview: return organises || subject.isReviewerOfCall
        case .seeFigures: return seesFigures(organises: organises, rolesInCallTerritory: actor.roles)
        case .see:
            return isAuthor || ((organises || subject.isReviewerOfCall) && subject.status.map { $0 != .draft } == true)
        case .edit, .answerQuestion: return isAuthor
        case .score: return subject.isReviewerOfCall && !isAuthor
        case .decide: return organises && !isAuthor
        }
    }

    public static func organises(national: Bool, isNationalOrganiser: Bool, rolesInCallTerritory: Set<Role>) -> Bool {
        national ? isNationalOrganiser : !rolesInCallTerritory.isDisjoint(with: localOrganisers)
    }

    /// Whether a signed-in person may answer a call ("who may answer").
    public static func mayAnswer(audience: CallAudience, national: Bool, rolesInCallTerritory: Set<Role>) -> Bool {
        national || audience == .anyone || !rolesInCallTerritory.isEmpty
    }

    /// Figures of a call: its organisers, and the decision makers of its territory (the evaluation room).
    public static func seesFigures(organises: Bool, rolesInCallTerritory: Set<Role>) -> Bool {
        organises || rolesInCallTerritory.contains(.decisionMaker)
    }
}
