import Core

/// Who may do what with questionnaires: the roles a person holds in the questionnaire's
/// territory, and the questionnaire (its status). Pure: the use cases check it on the object, and
/// the pages use it to show or hide a link.
public enum QuestionnairesPolicy {
    /// The builder, raw answers, free text, imports and raw exports.
    public static let builders: Set<Role> = [.coordinator, .admin]
    /// Typing answers collected on paper, by phone or in person.
    public static let assistants: Set<Role> = [.coordinator, .admin, .patientPartner]
    /// Aggregated results (with the small-cell rule), participation and the cross-analysis.
    public static let readers: Set<Role> = [.coordinator, .admin, .decisionMaker]

    /// What a person does with a questionnaire (or in the list, for `build`).
    public enum Action: Sendable, CaseIterable {
        /// See it: everyone once published (or closed), a draft only its builders.
        case see
        /// Answer it online (anonymous by default): while it is published.
        case answer
        /// Build it, publish and close it, plan its waves, import paper answers, read free text and raw exports.
        case build
        /// Type answers collected on paper, by phone or in person.
        case assist
        /// Read its aggregated results, participation and the cross-analysis.
        case readResults
    }

    /// The one rule of who may do what with a questionnaire (nil: one not made yet).
    public static func allows(_ actor: Actor, _ action: Action, on questionnaire: QuestionnaireRecord?) -> Bool {
        switch action {
        case .see: return questionnaire.map { sees($0.status, roles: actor.roles) } ?? false
        case .answer: return questionnaire?.status == .published
        case .build: return builds(actor.roles)
        case .assist: return assists(actor.roles) && questionnaire.map { $0.status != .draft } ?? true
        case .readResults: return readsResults(actor.roles)
        }
    }

    public static func builds(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: builders) }
    public static func assists(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: assistants) }
    public static func readsResults(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: readers) }
    /// Everyone sees a questionnaire once published; a draft only its builders.
    public static func sees(_ status: QStatus, roles: Set<Role>) -> Bool { status != .draft || builds(roles) }
}
