import Core

/// The checked values of an action's form (its title, who carries it, what it is, how far it is).
public struct ActionInput: Sendable, Equatable {
    public var title: String
    public var lead: String
    public var description: String
    public var progress: Int

    public static let titleMax = 160
    public static let leadMax = 160
    public static let descriptionMax = 5000

    public static func validate(fields: [String: String], lang: Lang) -> Result<ActionInput, FormErrorsBox> {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "title", maxLength: titleMax, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à l'action.", "Give the action a title."))
        let lead = TextRule.optional(fields, "lead", maxLength: leadMax, errors: &errors, lang: lang) ?? ""
        let description =
            TextRule.optional(fields, "description", maxLength: descriptionMax, errors: &errors, lang: lang) ?? ""
        let progress = Progress.parse(fields["progress"] ?? "0")
        if progress == nil {
            errors.add(
                "progress",
                Text("Indiquez un nombre entier entre 0 et 100.", "Enter a whole number between 0 and 100.").in(lang))
        }
        guard errors.isEmpty, let progress else { return .failure(FormErrorsBox(errors)) }
        return .success(ActionInput(title: title, lead: lead, description: description, progress: progress))
    }

    /// A progress in percent, typed by a person ("40", " 40 % "): nil unless a whole number in 0…100.
    public enum Progress {
        public static func parse(_ text: String) -> Int? {
            var value = text.trimmingCharacters(in: .whitespaces)
            if value.hasSuffix("%") { value = String(value.dropLast()).trimmingCharacters(in: .whitespaces) }
            guard let number = Int(value), (0...100).contains(number) else { return nil }
            return number
        }
    }
}

/// A new milestone of an action: a title and an optional due day.
public struct MilestoneInput: Sendable, Equatable {
    public var title: String
    public var dueOn: String?

    public static func validate(fields: [String: String], lang: Lang) -> Result<MilestoneInput, FormErrorsBox> {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "milestone", maxLength: 200, errors: &errors, lang: lang,
            missing: Text("Décrivez l'étape en quelques mots.", "Describe the milestone in a few words."))
        let due = TextRule.optionalDay(fields, "due_on", errors: &errors, lang: lang)
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(MilestoneInput(title: title, dueOn: due))
    }
}

/// Linking a proposal to the follow-up: an existing action (the handler checks it is the
/// territory's), or a new one.
public enum ActionChoice: Sendable, Equatable {
    case existing(Int)
    case new(title: String)

    public static func validate(fields: [String: String], lang: Lang) -> Result<ActionChoice, FormErrorsBox> {
        var errors = FormErrors()
        let raw = fields["action"] ?? ""
        if raw == "new" {
            let title = TextRule.required(
                fields, "new_title", maxLength: ActionInput.titleMax, errors: &errors, lang: lang,
                missing: Text("Donnez un titre à la nouvelle action.", "Give the new action a title."))
            guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
            return .success(.new(title: title))
        }
        guard let id = Int(raw), id > 0 else {
            errors.add(
                "action",
                Text(
                    "Choisissez une action dans la liste, ou « nouvelle action ».",
                    "Choose an action from the list, or “new action”."
                ).in(lang))
            return .failure(FormErrorsBox(errors))
        }
        return .success(.existing(id))
    }
}
