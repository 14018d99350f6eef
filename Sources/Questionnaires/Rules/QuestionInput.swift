import Core
import Foundation

/// The builder's question form, read and checked. Pure: unit-tested without a server.
public enum QuestionInput {
    /// Reads the form into `question` (a new one has a fresh key already; `fields["section"]` is
    /// where it will be saved, so that its display condition tests an earlier question). Choice keys are kept
    /// for labels that did not change, so answers already given keep their meaning.
    public static func read(
        _ fields: [String: String], into question: Question, definition: Definition, themes: ThemeList = .builtin,
        lang: Lang
    ) -> (question: Question, errors: FormErrors) {
        var q = question
        var errors = FormErrors()
        let t = { (fr: String, en: String) in lang == .fr ? fr : en }
        q.label = TextRule.required(
            fields, "label", maxLength: 300, errors: &errors, lang: lang,
            missing: Text("Écrivez la question.", "Write the question."))
        q.help = TextRule.optional(fields, "help", maxLength: 500, errors: &errors, lang: lang) ?? ""
        q.required = fields["required"] == "on"
        q.profile = fields["profile"] == "on"
        q.reverseScored = q.kind.canBeReverseScored && fields["reverse_scored"] == "on" ? true : nil
        let theme = fields["theme"] ?? ""
        if theme.isEmpty {
            q.theme = nil
        } else if themes.find(theme) != nil {
            q.theme = theme
        } else {
            errors.add("theme", t("Choisissez un thème de la liste.", "Choose a theme from the list."))
        }

        func lines(_ key: String) -> [String] {
            (fields[key] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        func keyed(_ labels: [String], old: [Choice], prefix: String) -> [Choice] {
            var used = Set(old.map(\.key))
            var next = (old.compactMap { Int($0.key.dropFirst(prefix.count)) }.max() ?? 0) + 1
            return labels.map { label in
                if let same = old.first(where: { $0.label == label }) { return same }
                while used.contains(prefix + String(next)) { next += 1 }
                let key = prefix + String(next)
                used.insert(key)
                return Choice(key: key, label: label)
            }
        }

        if q.kind.hasChoices {
            if q.kind == .ranking && fields["themed_choices"] == "on" {
                q.choices = themes.visible.map {
                    Choice(key: $0.rawValue, label: $0.label.in(lang), theme: $0.rawValue)
                }
            } else {
                let labels = lines("choices")
                if labels.count < 2 {
                    errors.add(
                        "choices",
                        t("Écrivez au moins deux choix, un par ligne.", "Write at least two choices, one a line."))
                } else if Set(labels).count != labels.count {
                    errors.add("choices", t("Deux choix portent le même texte.", "Two choices have the same text."))
                } else if labels.count > 60 {
                    errors.add("choices", t("60 choix au plus.", "60 choices at most."))
                } else if labels.contains(where: { $0.count > 200 }) {
                    errors.add(
                        "choices", t("Un choix fait plus de 200 caractères.", "A choice is longer than 200 characters.")
                    )
                } else {
                    q.choices = keyed(labels, old: q.choices.filter { $0.theme == nil }, prefix: "")
                }
            }
        } else {
            q.choices = []
        }
        if q.kind == .matrix {
            let labels = lines("rows")
            if labels.isEmpty {
                errors.add("rows", t("Écrivez au moins une ligne du tableau.", "Write at least one row."))
            } else if Set(labels).count != labels.count {
                errors.add("rows", t("Deux lignes portent le même texte.", "Two rows have the same text."))
            } else if labels.count > 30 {
                errors.add("rows", t("30 lignes au plus.", "30 rows at most."))
            } else {
                q.rows = keyed(labels, old: q.rows, prefix: "r")
            }
        } else {
            q.rows = []
        }
        q.maxChoices = nil
        if q.kind == .multiple || q.kind == .ranking,
            let raw = fields["max_choices"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty
        {
            if let n = Int(raw), n >= 1, n <= max(1, q.choices.count) {
                q.maxChoices = n
            } else {
                errors.add(
                    "max_choices",
                    t(
                        "Indiquez un nombre entre 1 et le nombre de choix.",
                        "Enter a number between 1 and the number of choices."))
            }
        }
        q.minValue = nil; q.maxValue = nil
        if q.kind == .number {
            for (field, path) in [("min_value", \Question.minValue), ("max_value", \Question.maxValue)] {
                let raw = (fields[field] ?? "").trimmingCharacters(in: .whitespaces)
                if raw.isEmpty { continue }
                if let value = NumberText.parse(raw) {
                    q[keyPath: path] = value
                } else {
                    errors.add(field, t("Indiquez un nombre.", "Enter a number."))
                }
            }
            if let min = q.minValue, let max = q.maxValue, min > max {
                errors.add(
                    "max_value",
                    t("Le maximum doit être supérieur ou égal au minimum.", "The maximum must be at least the minimum.")
                )
            }
        }
        q.condition = nil
        let condition = fields["condition"] ?? ""
        if !condition.isEmpty {
            let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
            // Only a question asked before this one, where it will stand once saved (its section may change).
            let earlier = definition.questions(before: question.key, inSection: fields["section"])
            if parts.count == 2, let target = earlier.first(where: { $0.key == parts[0] }), target.key != q.key,
                ConditionValues.of(target, lang: lang).contains(where: { $0.0 == parts[1] })
            {
                q.condition = Condition(question: parts[0], equals: parts[1])
            } else {
                errors.add(
                    "condition",
                    t(
                        "La condition doit porter sur une réponse d'une question posée avant.",
                        "The condition must test an answer to an earlier question."))
            }
        }
        return (q, errors)
    }

    /// The form's fields for an existing question.
    public static func fields(of q: Question) -> [String: String] {
        var out: [String: String] = [
            "label": q.label, "help": q.help, "theme": q.theme ?? "",
            "choices": q.choices.filter { $0.theme == nil }.map(\.label).joined(separator: "\n"),
            "rows": q.rows.map(\.label).joined(separator: "\n"),
            "max_choices": q.maxChoices.map(String.init) ?? "",
            "min_value": q.minValue.map(NumberText.plain) ?? "", "max_value": q.maxValue.map(NumberText.plain) ?? "",
            "condition": q.condition.map { "\($0.question)=\($0.equals)" } ?? "",
        ]
        if q.required { out["required"] = "on" }
        if q.profile { out["profile"] = "on" }
        if q.isReverseScored { out["reverse_scored"] = "on" }
        if q.choices.contains(where: { $0.theme != nil }) { out["themed_choices"] = "on" }
        return out
    }
}

extension QuestionInput {
    /// Why a question's form is not saved.
    enum SaveProblem: Error, Equatable, Sendable {
        /// The question edited is not, or no longer, in the questionnaire.
        case unknownQuestion
        /// Something typed is wrong, said next to its field.
        case invalid(FormErrors)
    }

    /// The outline once the question typed in `fields` is saved (`key` nil: a new one, of the kind
    /// chosen, at the end of its section), and the question's key; or why not. A question moved to
    /// another section goes to its end: refused when a question that depends on it would then
    /// come first (its own condition is checked by `read`).
    static func save(
        _ fields: [String: String], key: String?, in definition: Definition, themes: ThemeList, lang: Lang
    ) throws(SaveProblem) -> (definition: Definition, key: String) {
        var definition = definition  // a new question's key is drawn from it
        var errors = FormErrors()
        let base: Question
        if let key {
            guard let existing = definition.question(key) else { throw .unknownQuestion }
            base = existing
        } else {
            guard let kind = QuestionKind(rawValue: fields["kind"] ?? "") else {
                errors.add("kind", Text("Choisissez le type de question.", "Choose the question type.").in(lang))
                throw .invalid(errors)
            }
            base = Question(key: definition.newKey("q"), kind: kind, label: "")
        }
        let section = fields["section"] ?? ""
        if !definition.sections.contains(where: { $0.key == section }) {
            errors.add("section", Text("Choisissez une section.", "Choose a section.").in(lang))
        }
        let typed = Self.read(fields, into: base, definition: definition, themes: themes, lang: lang)
        for item in typed.errors.items { errors.add(item.field, item.message) }
        guard errors.isEmpty else { throw .invalid(errors) }
        let saved = definition.saving(typed.question, inSection: section)
        if let conflict = saved.brokenConditions().first(where: { $0.dependsOn == base.key }) {
            let other = saved.question(conflict.question)?.label ?? conflict.question
            let message = Text(
                "Dans cette section, la question viendrait après « \(other) », qui n'est posée que selon sa réponse. Choisissez une section plus haut, ou changez d'abord cette condition.",
                "In this section the question would come after “\(other)”, which is asked only depending on its answer. Choose a section higher up, or change that condition first."
            )
            errors.add("section", message.in(lang))
            throw .invalid(errors)
        }
        return (saved, base.key)
    }
}
