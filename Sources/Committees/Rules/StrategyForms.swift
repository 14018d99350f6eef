import Core

/// A strategy's section as typed: its title and its text, both required.
struct SectionForm: Sendable, Equatable {
    let title: String
    let body: String

    /// The section typed, or the errors of `section_title` and `section_body`.
    static func parse(_ fields: [String: String], lang: Lang) -> Result<SectionForm, FormErrorsBox> {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "section_title", maxLength: 160, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à la partie.", "Give the section a title."))
        let body = TextRule.required(
            fields, "section_body", maxLength: 20000, errors: &errors, lang: lang,
            missing: Text("Écrivez le texte de la partie.", "Write the section's text."))
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(SectionForm(title: title, body: body))
    }
}
