import Core

/// The settings of a questionnaire as read from its form.
struct QuestionnaireSettings: Sendable, Equatable {
    var title: String
    var intro: String
    var audience: QAudience
    var linkAccounts: Bool
}

extension QuestionnaireSettings {
    /// The settings typed in the builder's form (or the new questionnaire's), or what is wrong
    /// with them, said next to each field.
    static func read(_ fields: [String: String], lang: Lang) -> (settings: QuestionnaireSettings?, errors: FormErrors) {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "title", maxLength: 150, errors: &errors, lang: lang,
            missing: Text("Donnez un titre.", "Give a title."))
        let intro = TextRule.required(
            fields, "intro", maxLength: 4000, errors: &errors, lang: lang,
            missing: Text("Écrivez une introduction.", "Write an introduction."))
        let audience = QAudience(rawValue: fields["audience"] ?? "")
        if audience == nil { errors.add("audience", Text("Choisissez le public.", "Choose the audience.").in(lang)) }
        guard errors.isEmpty, let audience else { return (nil, errors) }
        return (
            QuestionnaireSettings(
                title: title, intro: intro, audience: audience, linkAccounts: fields["link_accounts"] == "on"),
            errors
        )
    }
}

/// A builder's change to the outline of a questionnaire: its sections, and the order of its
/// questions. (A question's own content is saved by `SaveQuestion`.)
enum StructureChange: Sendable, Equatable {
    case addSection(title: String)
    case renameSection(String, title: String)
    case moveSection(String, up: Bool)
    case deleteSection(String)
    case moveQuestion(String, up: Bool)
    case deleteQuestion(String)

    /// The change the builder's form asks for: `op` names it, `target` the section or question;
    /// nil for an action the builder does not have.
    init?(op: String, target: String, fields: [String: String]) {
        func title(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        switch op {
        case "section-add": self = .addSection(title: title("new_section"))
        case "section-rename": self = .renameSection(target, title: title("section_title"))
        case "section-up", "section-down": self = .moveSection(target, up: op == "section-up")
        case "section-delete": self = .deleteSection(target)
        case "question-up", "question-down": self = .moveQuestion(target, up: op == "question-up")
        case "question-delete": self = .deleteQuestion(target)
        default: return nil
        }
    }

    /// Its name in the audit trail (`questionnaire.<name>`), the form's own.
    var name: String {
        switch self {
        case .addSection: "section-add"
        case .renameSection: "section-rename"
        case .moveSection(_, let up): up ? "section-up" : "section-down"
        case .deleteSection: "section-delete"
        case .moveQuestion(_, let up): up ? "question-up" : "question-down"
        case .deleteQuestion: "question-delete"
        }
    }

    /// The form field its error belongs beside.
    var field: String {
        switch self {
        case .addSection: "new_section"
        case .renameSection(let key, _), .moveSection(let key, _), .deleteSection(let key): "section-\(key)"
        case .moveQuestion(let key, _), .deleteQuestion(let key): "question-\(key)"
        }
    }
}

/// Why a change to the outline is refused (nothing changes).
enum StructureProblem: Error, Sendable, Equatable {
    /// The section (or question) named is not, or no longer, in the questionnaire.
    case unknownSection, unknownQuestion
    /// A section needs a title of 150 characters at most.
    case badTitle(empty: Bool)
    /// A display condition would test a question asked after the one it shows.
    case orderConflict(Definition.OrderConflict)
    /// Only an empty section is deleted, and one section always remains.
    case sectionNotEmpty
}

extension Definition {
    /// The outline once `change` is made, with the labels of the questions whose display condition
    /// went with a deleted question (they are now always asked), or why it is refused.
    func applying(_ change: StructureChange) throws(StructureProblem) -> (definition: Definition, cleared: [String]) {
        var next = self
        func checkTitle(_ title: String) throws(StructureProblem) {
            guard !title.isEmpty, title.count <= 150 else { throw .badTitle(empty: title.isEmpty) }
        }
        switch change {
        case .addSection(let title):
            try checkTitle(title)
            next.sections.append(Section(key: next.newKey("s"), title: title))
        case .renameSection(let key, let title):
            guard let s = next.sections.firstIndex(where: { $0.key == key }) else { throw .unknownSection }
            try checkTitle(title)
            next.sections[s].title = title
        case .moveSection(let key, let up):
            guard next.sections.contains(where: { $0.key == key }) else { throw .unknownSection }
            if let conflict = next.move(section: key, up: up) { throw .orderConflict(conflict) }
        case .deleteSection(let key):
            guard let s = next.sections.firstIndex(where: { $0.key == key }) else { throw .unknownSection }
            guard next.sections[s].questions.isEmpty, next.sections.count > 1 else { throw .sectionNotEmpty }
            next.sections.remove(at: s)
        case .moveQuestion(let key, let up):
            guard question(key) != nil else { throw .unknownQuestion }
            if let conflict = next.move(question: key, up: up) { throw .orderConflict(conflict) }
        case .deleteQuestion(let key):
            guard question(key) != nil else { throw .unknownQuestion }
            // Said aloud: the display conditions that tested this question go with it.
            let cleared = dependents(of: key).map(\.label)
            next.remove(question: key)
            return (next, cleared)
        }
        return (next, [])
    }
}
