import Core
import Foundation

/// How questions look: on screen (a form that works without JavaScript) and on paper.
enum QuestionView {
    static func ordinal(_ n: Int, lang: Lang) -> String {
        lang == .fr
            ? (n == 1 ? "1er choix" : "\(n)e choix")
            : (n == 1 ? "1st choice" : n == 2 ? "2nd choice" : n == 3 ? "3rd choice" : "\(n)th choice")
    }

    static func conditionHint(_ q: Question, definition: Definition, visit: Visit) -> String? {
        guard let condition = q.condition, let target = definition.question(condition.question) else { return nil }
        let value =
            ConditionValues.of(target, lang: visit.lang).first { $0.0 == condition.equals }?.1 ?? condition.equals
        return visit.t(
            "Seulement si vous avez répondu « \(value) » à « \(target.label) ».",
            "Only if you answered “\(value)” to “\(target.label)”.")
    }

    /// The whole answering form's questions, without the `<form>` tag (cached per version and language).
    static func fields(
        _ definition: Definition, communes: [CommuneInfo], typed: TypedAnswers, errors: FormErrors, visit: Visit
    ) -> HTML {
        var out = HTML.empty
        var number = 0
        for section in definition.sections where !section.questions.isEmpty {
            var body = HTML.empty
            for q in section.questions {
                number += 1
                body.append(
                    field(
                        q, number: number, definition: definition, communes: communes, typed: typed, errors: errors,
                        visit: visit))
            }
            out.append(
                "<section class=\"q-section\" aria-labelledby=\"section-\(section.key)\"><h2 id=\"section-\(section.key)\">\(section.title)</h2>\(body)</section>"
            )
        }
        return out
    }

    static func field(
        _ q: Question, number: Int, definition: Definition, communes: [CommuneInfo], typed: TypedAnswers,
        errors: FormErrors, visit: Visit
    ) -> HTML {
        let label = "\(number). \(q.label)"
        var hints: [String] = []
        if !q.help.isEmpty { hints.append(q.help) }
        if let condition = conditionHint(q, definition: definition, visit: visit) { hints.append(condition) }
        let key = q.key
        let required = q.required
        var inner: HTML
        switch q.kind {
        case .single:
            inner = choices(
                "radio", key: key, legend: label, options: q.choices.map { ($0.key, $0.label) },
                selected: [typed.fields[key] ?? ""],
                hints: hints, errors: errors, visit: visit, required: required)
        case .multiple:
            if let max = q.maxChoices { hints.append(visit.t("\(max) réponses au plus.", "\(max) answers at most.")) }
            inner = choices(
                "checkbox", key: key, legend: label, options: q.choices.map { ($0.key, $0.label) },
                selected: Set(typed.list(key)),
                hints: hints, errors: errors, visit: visit, required: required)
        case .agreement:
            inner = choices(
                "radio", key: key, legend: label,
                options: Agreement.points.enumerated().map { (String($0.offset + 1), visit.t($0.element)) },
                selected: [typed.fields[key] ?? ""], hints: hints, errors: errors, visit: visit, required: required)
        case .scale:
            hints.append(visit.t("0 = pas du tout, 10 = tout à fait.", "0 = not at all, 10 = completely."))
            inner = choices(
                "radio", key: key, legend: label, options: (0...10).map { (String($0), String($0)) },
                selected: [typed.fields[key] ?? ""],
                hints: hints, errors: errors, visit: visit, required: required, inline: true)
        case .ranking:
            hints.append(
                visit.t(
                    "Classez jusqu'à \(q.rankCount) choix, du plus important au moins important. Chaque choix une seule fois.",
                    "Rank up to \(q.rankCount) choices, most important first. Each choice once."))
            let options = q.choices.map { Form.Option($0.key, $0.label) }
            var selects = HTML.empty
            for place in 1...q.rankCount {
                selects.append(
                    Form.select(
                        name: "\(key)-\(place)", label: ordinal(place, lang: visit.lang), options: options,
                        selected: typed.fields["\(key)-\(place)"],
                        errors: FormErrors(), visit: visit, placeholder: visit.t("— Aucun —", "— None —"),
                        field: place == 1 ? key : "\(key)-\(place)"))
            }
            inner = group(
                key: key, legend: label, hints: hints, errors: errors, visit: visit, required: required, body: selects)
        case .number:
            var bounds: [String] = []
            if let min = q.minValue {
                bounds.append(visit.t("au moins \(NumberText.plain(min))", "at least \(NumberText.plain(min))"))
            }
            if let max = q.maxValue {
                bounds.append(visit.t("au plus \(NumberText.plain(max))", "at most \(NumberText.plain(max))"))
            }
            if !bounds.isEmpty {
                hints.append(
                    visit.t("Un nombre, ", "A number, ") + bounds.joined(separator: visit.t(" et ", " and ")) + ".")
            }
            inner = Form.input(
                name: key, label: label, value: typed.fields[key], errors: errors, visit: visit,
                hint: hints.joined(separator: " ").nilIfEmpty,
                required: required, inputmode: "decimal", maxLength: 20, cssClass: "short")
        case .shortText:
            inner = Form.input(
                name: key, label: label, value: typed.fields[key], errors: errors, visit: visit,
                hint: hints.joined(separator: " ").nilIfEmpty,
                required: required, maxLength: 200)
        case .longText:
            inner = Form.textarea(
                name: key, label: label, value: typed.fields[key], errors: errors, visit: visit,
                hint: hints.joined(separator: " ").nilIfEmpty,
                required: required, rows: 5, maxLength: 4000)
        case .date:
            inner = Form.input(
                name: key, label: label + (required ? visit.t(" (obligatoire)", " (required)") : ""),
                value: typed.fields[key], errors: errors,
                visit: visit, type: "date", hint: hints.joined(separator: " ").nilIfEmpty)
        case .commune:
            inner = Form.select(
                name: key, label: label, options: communes.map { Form.Option($0.code, $0.name) },
                selected: typed.fields[key], errors: errors,
                visit: visit, hint: hints.joined(separator: " ").nilIfEmpty, required: required,
                placeholder: visit.t("— Choisir une commune —", "— Choose a commune —"))
        case .matrix:
            var rows = HTML.empty
            let points = Agreement.points.enumerated().map { (String($0.offset + 1), visit.t($0.element)) }
            for (i, row) in q.rows.enumerated() {
                rows.append(
                    choices(
                        "radio", key: "\(key)-\(row.key)", legend: row.label, options: points,
                        selected: [typed.fields["\(key)-\(row.key)"] ?? ""],
                        hints: [], errors: FormErrors(), visit: visit, required: false, inline: true,
                        id: i == 0 ? key : nil))
            }
            inner = group(
                key: key, legend: label, hints: hints, errors: errors, visit: visit, required: required, body: rows)
        }
        let condition: HTML = q.condition.map { " data-si=\"\($0.question)\" data-egal=\"\($0.equals)\"" } ?? .empty
        return "<div class=\"question\" id=\"question-\(key)\"\(condition)>\(inner)</div>"
    }

    /// Radios or checkboxes in a fieldset, each input inside its label (short HTML: a 30-question
    /// form stays light on a slow phone); the first input carries the id the error summary links to.
    static func choices(
        _ type: String, key: String, legend: String, options: [(String, String)], selected: Set<String>,
        hints: [String],
        errors: FormErrors, visit: Visit, required: Bool, inline: Bool = false, id: String? = nil
    ) -> HTML {
        let name: HTML = type == "checkbox" ? "\(key)[]" : "\(key)"
        var body = HTML.empty
        for (index, option) in options.enumerated() {
            let idAttr: HTML = index == 0 ? " id=\"\(Form.fieldID(id ?? key))\"" : .empty
            body.append(
                "<label class=\"choice\"><input\(idAttr) type=\"\(type)\" name=\"\(name)\" value=\"\(option.0)\"\(attr: "checked", when: selected.contains(option.0))> \(option.1)</label>"
            )
        }
        return group(
            key: key, legend: legend, hints: hints, errors: errors, visit: visit, required: required,
            body: "<div class=\"\(inline ? "choices inline" : "choices")\">\(body)</div>")
    }

    /// A fieldset around several controls, with the question's error.
    static func group(
        key: String, legend: String, hints: [String], errors: FormErrors, visit: Visit, required: Bool, body: HTML
    ) -> HTML {
        let error = errors[key]
        var describedBy: [String] = []
        var extra = HTML.empty
        if !hints.isEmpty {
            describedBy.append("\(Form.fieldID(key))-aide");
            extra.append("<p class=\"hint\" id=\"\(Form.fieldID(key))-aide\">\(hints.joined(separator: " "))</p>")
        }
        if let error {
            describedBy.append("\(Form.fieldID(key))-erreur");
            extra.append("<p class=\"field-error\" id=\"\(Form.fieldID(key))-erreur\">\(error)</p>")
        }
        let attr: HTML = describedBy.isEmpty ? .empty : " aria-describedby=\"\(describedBy.joined(separator: " "))\""
        let req: HTML = required ? " <span class=\"required\">(\(visit.t("obligatoire", "required")))</span>" : .empty
        return
            "<fieldset class=\"field group\(error == nil ? "" : " has-error")\"\(attr)><legend>\(legend)\(req)</legend>\(extra)\(body)</fieldset>"
    }

    // MARK: Paper

    static func paper(_ definition: Definition, communes: [CommuneInfo], visit: Visit) -> HTML {
        var out = HTML.empty
        var number = 0
        let box: HTML = "<span class=\"box\" aria-hidden=\"true\"></span>"
        for section in definition.sections where !section.questions.isEmpty {
            var body = HTML.empty
            for q in section.questions {
                number += 1
                var hints: [String] = []
                if !q.help.isEmpty { hints.append(q.help) }
                if let c = conditionHint(q, definition: definition, visit: visit) { hints.append(c) }
                var answer: HTML
                switch q.kind {
                case .single, .multiple:
                    hints.append(
                        q.kind == .single
                            ? visit.t("Cochez une case.", "Tick one box.")
                            : visit.t("Cochez une ou plusieurs cases.", "Tick one or more boxes."))
                    answer =
                        "<ul class=\"paper-choices\">\(each: q.choices.map { "<li>\(box) \($0.label)</li>" as HTML })</ul>"
                case .agreement:
                    answer =
                        "<ul class=\"paper-choices\">\(each: Agreement.points.map { "<li>\(box) \(visit.t($0))</li>" as HTML })</ul>"
                case .scale:
                    answer =
                        "<ul class=\"paper-choices inline\">\(each: (0...10).map { "<li>\(box) \($0)</li>" as HTML })</ul>"
                case .ranking:
                    hints.append(
                        visit.t(
                            "Écrivez 1 devant votre premier choix, 2 devant le deuxième… jusqu'à \(q.rankCount).",
                            "Write 1 beside your first choice, 2 beside the second… up to \(q.rankCount)."))
                    answer =
                        "<ul class=\"paper-choices\">\(each: q.choices.map { "<li>\(box) \($0.label)</li>" as HTML })</ul>"
                case .matrix:
                    let head: HTML =
                        "<tr><th scope=\"col\">\(visit.t("Ligne", "Row"))</th>\(each: Agreement.points.map { "<th scope=\"col\">\(visit.t($0))</th>" as HTML })</tr>"
                    let rows = q.rows.map { row -> HTML in
                        "<tr><th scope=\"row\">\(row.label)</th>\(each: Agreement.points.map { _ in "<td>\(box)</td>" as HTML })</tr>"
                    }
                    answer = "<table class=\"paper-matrix\"><thead>\(head)</thead><tbody>\(each: rows)</tbody></table>"
                case .number, .date, .commune, .shortText:
                    answer = "<p class=\"paper-line\" aria-hidden=\"true\"></p>"
                case .longText:
                    answer =
                        "<p class=\"paper-line\" aria-hidden=\"true\"></p><p class=\"paper-line\" aria-hidden=\"true\"></p><p class=\"paper-line\" aria-hidden=\"true\"></p>"
                }
                let hint: HTML = hints.isEmpty ? .empty : "<p class=\"hint\">\(hints.joined(separator: " "))</p>"
                let required: HTML =
                    q.required ? " <span class=\"required\">(\(visit.t("obligatoire", "required")))</span>" : .empty
                body.append(
                    "<div class=\"paper-question\"><h3>\(number). \(q.label)\(required)</h3>\(hint)\(answer)</div>")
            }
            out.append("<section class=\"paper-section\"><h2>\(section.title)</h2>\(body)</section>")
        }
        return out
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
