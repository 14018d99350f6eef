/// Errors of a submitted form, field by field, in the order the fields appear.
public struct FormErrors: Sendable, Equatable {
    public private(set) var items: [(field: String, message: String)] = []
    public init() {}

    public static func == (lhs: FormErrors, rhs: FormErrors) -> Bool {
        lhs.items.map { $0.field + "\u{0}" + $0.message } == rhs.items.map { $0.field + "\u{0}" + $0.message }
    }

    public mutating func add(_ field: String, _ message: String) {
        guard self[field] == nil else { return }  // one message per field: the first problem found
        items.append((field, message))
    }
    public subscript(field: String) -> String? { items.first { $0.field == field }?.message }
    public var isEmpty: Bool { items.isEmpty }
    public var fields: [String] { items.map(\.field) }
}

/// `Result` needs an `Error`; this box carries form errors through it.
public struct FormErrorsBox: Error, Equatable {
    public let errors: FormErrors
    public init(_ errors: FormErrors) { self.errors = errors }
}

/// Form components. Every field has a visible label, an optional hint, its error right above the
/// input (announced through aria-describedby), and keeps the value that was typed.
public enum Form {
    public static func fieldID(_ name: String) -> String { "champ-" + name }
    static let textTypes: Set<String> = ["text", "email", "password", "tel", "url", "search", "number"]

    /// The opening tag of a form: POST, no browser validation (the server's French messages are
    /// shown instead), and the CSRF token.
    public static func open(action: String, visit: Visit, multipart: Bool = false, cssClass: String = "form") -> HTML {
        let enctype: HTML = multipart ? " enctype=\"multipart/form-data\"" : ""
        return "<form method=\"post\" action=\"\(action)\" class=\"\(cssClass)\" novalidate\(enctype)>\(csrf(visit))"
    }

    public static func csrf(_ visit: Visit) -> HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(visit.csrfToken)\">"
    }

    public static func errorSummary(_ errors: FormErrors, visit: Visit) -> HTML {
        guard !errors.isEmpty else { return .empty }
        let items = errors.items.map { item -> HTML in
            "<li><a href=\"#\(fieldID(item.field))\">\(item.message)</a></li>"
        }
        return """
            <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">\
            <h2 id="error-summary-title">\(visit.t("Le formulaire contient des erreurs", "There is a problem with the form"))</h2>\
            <ul>\(each: items)</ul></div>
            """
    }

    private static func describedBy(
        _ name: String, hint: String?, error: String?
    ) -> (attr: HTML, hintHTML: HTML, errorHTML: HTML, visitLabel: Bool) {
        var ids: [String] = []
        var hintHTML = HTML.empty, errorHTML = HTML.empty
        if let hint {
            ids.append(fieldID(name) + "-aide")
            hintHTML = "<p class=\"hint\" id=\"\(fieldID(name))-aide\">\(hint)</p>"
        }
        if let error {
            ids.append(fieldID(name) + "-erreur")
            errorHTML = "<p class=\"field-error\" id=\"\(fieldID(name))-erreur\">\(error)</p>"
        }
        let attr: HTML = ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
        return (attr, hintHTML, errorHTML, true)
    }

    private static func labelText(_ label: String, required: Bool, visit: Visit) -> HTML {
        required ? "\(label) <span class=\"required\">(\(visit.t("obligatoire", "required")))</span>" : "\(label)"
    }

    public static func input(
        name: String, label: String, value: String?, errors: FormErrors, visit: Visit,
        type: String = "text", hint: String? = nil, required: Bool = false, autocomplete: String? = nil,
        inputmode: String? = nil, maxLength: Int? = nil, cssClass: String? = nil, accept: String? = nil,
        field: String? = nil
    ) -> HTML {
        let key = field ?? name
        let error = errors[key]
        let described = describedBy(key, hint: hint, error: error)
        var attrs = HTML.empty
        if let autocomplete { attrs.append(" autocomplete=\"\(autocomplete)\"") }
        if let inputmode { attrs.append(" inputmode=\"\(inputmode)\"") }
        if let maxLength { attrs.append(" maxlength=\"\(maxLength)\"") }
        if let cssClass { attrs.append(" class=\"\(cssClass)\"") }
        if let accept { attrs.append(" accept=\"\(accept)\"") }
        // aria-required is allowed (and useful to older readers) on text boxes only; the validator
        // refuses it on date, time and file inputs, which `required` alone describes.
        if required { attrs.append(Self.textTypes.contains(type) ? " required aria-required=\"true\"" : " required") }
        if error != nil { attrs.append(" aria-invalid=\"true\"") }
        // Passwords are never sent back to the browser; a file input has no value.
        let valueAttr: HTML = type == "file" ? .empty : " value=\"\(type == "password" ? "" : (value ?? ""))\""
        return """
            <div class="field\(error == nil ? "" : " has-error")">\
            <label for="\(fieldID(key))">\(labelText(label, required: required, visit: visit))</label>\
            \(described.hintHTML)\(described.errorHTML)\
            <input id="\(fieldID(key))" name="\(name)" type="\(type)"\(valueAttr)\(described.attr)\(attrs)>\
            </div>
            """
    }

    /// `field` names the box for its id and its error when several forms of a page share a
    /// field name (a reply or report box under each comment); it defaults to `name`.
    public static func textarea(
        name: String, label: String, value: String?, errors: FormErrors, visit: Visit,
        hint: String? = nil, required: Bool = false, rows: Int = 5, maxLength: Int? = nil, field: String? = nil
    ) -> HTML {
        let key = field ?? name
        let error = errors[key]
        let described = describedBy(key, hint: hint, error: error)
        var attrs = HTML.empty
        if let maxLength { attrs.append(" maxlength=\"\(maxLength)\"") }
        if required { attrs.append(" required aria-required=\"true\"") }
        if error != nil { attrs.append(" aria-invalid=\"true\"") }
        return """
            <div class="field\(error == nil ? "" : " has-error")">\
            <label for="\(fieldID(key))">\(labelText(label, required: required, visit: visit))</label>\
            \(described.hintHTML)\(described.errorHTML)\
            <textarea id="\(fieldID(key))" name="\(name)" rows="\(rows)"\(described.attr)\(attrs)>\(value ?? "")</textarea>\
            </div>
            """
    }

    public struct Option: Sendable {
        public let value: String
        public let label: String
        public init(_ value: String, _ label: String) { self.value = value; self.label = label }
    }

    public struct OptionGroup: Sendable {
        public let label: String
        public let options: [Option]
        public init(_ label: String, _ options: [Option]) { self.label = label; self.options = options }
    }

    public static func select(
        name: String, label: String, options: [Option], selected: String?, errors: FormErrors, visit: Visit,
        hint: String? = nil, required: Bool = false, placeholder: String? = nil, groups: [OptionGroup] = [],
        field: String? = nil
    ) -> HTML {
        let key = field ?? name
        let error = errors[key]
        let described = describedBy(key, hint: hint, error: error)
        var attrs = HTML.empty
        if required { attrs.append(" required aria-required=\"true\"") }
        if error != nil { attrs.append(" aria-invalid=\"true\"") }
        func render(_ option: Option) -> HTML {
            "<option value=\"\(option.value)\"\(attr: "selected", when: option.value == selected)>\(option.label)</option>"
        }
        var body = HTML.empty
        // A required list starts with an empty choice, so nobody submits the first option by mistake.
        if let placeholder = placeholder ?? (required ? visit.t("— Choisir —", "— Choose —") : nil) {
            body.append("<option value=\"\">\(placeholder)</option>")
        }
        for option in options { body.append(render(option)) }
        for group in groups {
            body.append("<optgroup label=\"\(group.label)\">\(each: group.options.map(render))</optgroup>")
        }
        return """
            <div class="field\(error == nil ? "" : " has-error")">\
            <label for="\(fieldID(key))">\(labelText(label, required: required, visit: visit))</label>\
            \(described.hintHTML)\(described.errorHTML)\
            <select id="\(fieldID(key))" name="\(name)"\(described.attr)\(attrs)>\(body)</select>\
            </div>
            """
    }

    /// Options rendered once (and kept) with one of them marked as chosen, per request: the
    /// option lists of filters are the same for every visitor in a language.
    public static func selecting(_ selected: String?, in options: HTML) -> HTML {
        guard let selected, !selected.isEmpty else { return options }
        // A byte search (Foundation's replacingOccurrences was a third of the proposals list's time).
        let needle = "<option value=\"\(HTML.escaped(selected))\""
        let text = options.rendered
        guard let end = ByteSearch.end(of: needle, in: text) else { return options }
        let bytes = Array(text.utf8)
        return HTML(
            unsafeRaw: String(decoding: bytes[..<end], as: UTF8.self) + " selected"
                + String(decoding: bytes[end...], as: UTF8.self))
    }

    public static func checkbox(
        name: String, label: HTML, checked: Bool, errors: FormErrors, visit: Visit, hint: String? = nil,
        value: String = "on"
    ) -> HTML {
        let error = errors[name]
        let described = describedBy(name, hint: hint, error: error)
        return """
            <div class="field checkbox\(error == nil ? "" : " has-error")">\
            \(described.errorHTML)\
            <input id="\(fieldID(name))" name="\(name)" type="checkbox" value="\(value)"\(attr: "checked", when: checked)\(described.attr)\(error == nil ? HTML.empty : " aria-invalid=\"true\"")>\
            <label for="\(fieldID(name))">\(label)</label>\(described.hintHTML)\
            </div>
            """
    }

    public static func radios(
        name: String, legend: String, options: [Option], selected: String?, errors: FormErrors, visit: Visit,
        hint: String? = nil, required: Bool = false, field: String? = nil
    ) -> HTML {
        choiceGroup(
            type: "radio", name: field ?? name, inputName: name, legend: legend, options: options,
            selected: selected.map { [$0] } ?? [],
            errors: errors, visit: visit, hint: hint, required: required)
    }

    /// A group of checkboxes sending `NAME[]` (zero, one or several values), in a fieldset.
    public static func checkboxes(
        name: String, legend: String, options: [Option], selected: Set<String>, errors: FormErrors, visit: Visit,
        hint: String? = nil, required: Bool = false
    ) -> HTML {
        choiceGroup(
            type: "checkbox", name: name, inputName: name + "[]", legend: legend, options: options, selected: selected,
            errors: errors, visit: visit, hint: hint, required: required, wrapper: "choices")
    }

    /// Radios or checkboxes in a fieldset; the first carries the field's id so the error summary can link to it.
    static func choiceGroup(
        type: String, name: String, inputName: String, legend: String, options: [Option], selected: Set<String>,
        errors: FormErrors, visit: Visit, hint: String?, required: Bool, wrapper: String? = nil
    ) -> HTML {
        let error = errors[name]
        let described = describedBy(name, hint: hint, error: error)
        let items = options.enumerated().map { index, option -> HTML in
            let id = index == 0 ? fieldID(name) : fieldID(name) + "-\(index)"
            return
                "<div class=\"\(type)\"><input id=\"\(id)\" name=\"\(inputName)\" type=\"\(type)\" value=\"\(option.value)\"\(attr: "checked", when: selected.contains(option.value))><label for=\"\(id)\">\(option.label)</label></div>"
        }
        let list: HTML = wrapper.map { "<div class=\"\($0)\">\(each: items)</div>" } ?? "\(each: items)"
        return """
            <fieldset class="field\(error == nil ? "" : " has-error")"\(described.attr)>\
            <legend>\(labelText(legend, required: required, visit: visit))</legend>\
            \(described.hintHTML)\(described.errorHTML)\(list)\
            </fieldset>
            """
    }

    public static func submit(
        _ label: String, secondary: Bool = false, name: String? = nil, value: String? = nil
    ) -> HTML {
        let nameAttr: HTML = name.map { " name=\"\($0)\" value=\"\(value ?? "")\"" } ?? ""
        return "<button type=\"submit\" class=\"button\(secondary ? " secondary" : "")\"\(nameAttr)>\(label)</button>"
    }

    /// A form holding a single button: for actions such as logging out.
    public static func button(action: String, label: String, visit: Visit, cssClass: String = "button") -> HTML {
        "<form method=\"post\" action=\"\(action)\" class=\"inline-form\">\(csrf(visit))<button type=\"submit\" class=\"\(cssClass)\">\(label)</button></form>"
    }
}
