import Core
import Foundation

/// What a registration form says, parsed and checked field by field (nothing is looked up here:
/// whether an assisted profile exists is the use case's question).
public struct RegistrationForm: Sendable, Equatable {
    public enum Person: Sendable, Equatable {
        /// The signed-in person, for themselves.
        case myself
        /// An assisted profile of the territory, chosen in the list.
        case assisted(profileID: Int)
        /// Someone without a profile, by name and (optionally) phone.
        case named(name: String, phone: String?)
    }

    public var person: Person
    public var needs: String?
    /// A commune of the territory, or nil.
    public var communeCode: String?

    public init(person: Person, needs: String? = nil, communeCode: String? = nil) {
        self.person = person
        self.needs = needs
        self.communeCode = communeCode
    }

    /// The field an error about the person is shown next to.
    public var personField: String {
        switch person {
        case .myself: "needs"
        case .assisted: "assisted"
        case .named: "name"
        }
    }

    /// The form to register oneself: only the needs shared with the organisers.
    public static func parseMyself(_ fields: [String: String], lang: Lang) -> (RegistrationForm?, FormErrors) {
        var errors = FormErrors()
        let needs = TextRule.optional(fields, "needs", maxLength: 500, errors: &errors, lang: lang)
        return (errors.isEmpty ? RegistrationForm(person: .myself, needs: needs) : nil, errors)
    }

    /// The form to register someone else: an assisted profile, or a name and a phone number; a
    /// commune of the territory (anything else is ignored); their needs.
    public static func parseSomeoneElse(
        _ fields: [String: String], territory: TerritoryInfo, lang: Lang
    ) -> (RegistrationForm?, FormErrors) {
        var errors = FormErrors()
        let needs = TextRule.optional(fields, "needs", maxLength: 500, errors: &errors, lang: lang)
        let commune = fields["commune"].flatMap { territory.commune(code: $0)?.code }
        let person: Person
        if let assisted = fields["assisted"], !assisted.isEmpty {
            guard let id = PathID.parse(assisted) else {
                errors.add(
                    "assisted", Text("Choisissez une personne de la liste.", "Choose a person from the list.").in(lang))
                return (nil, errors)
            }
            person = .assisted(profileID: id)
        } else {
            let name = TextRule.required(
                fields, "name", maxLength: 120, errors: &errors, lang: lang,
                missing: Text(
                    "Indiquez le nom de la personne, ou choisissez une personne accompagnée.",
                    "Give the person's name, or choose an assisted person."))
            let phone = TextRule.optional(fields, "phone", maxLength: 30, errors: &errors, lang: lang)
            if let phone, !PhoneRule.looksValid(phone) {
                errors.add(
                    "phone",
                    Text(
                        "Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.",
                        "Enter a phone number, e.g. 06 12 34 56 78."
                    ).in(lang))
            }
            person = .named(name: name, phone: phone)
        }
        return (errors.isEmpty ? RegistrationForm(person: person, needs: needs, communeCode: commune) : nil, errors)
    }
}

/// A walk-in typed at the door: a name and, if given, a commune of the territory.
public struct WalkInForm: Sendable, Equatable {
    public var name: String
    public var communeCode: String?

    public static func parse(
        _ fields: [String: String], territory: TerritoryInfo, lang: Lang
    ) -> (WalkInForm?, FormErrors) {
        var errors = FormErrors()
        let name = TextRule.required(
            fields, "name", maxLength: 120, errors: &errors, lang: lang,
            missing: Text("Indiquez le nom de la personne.", "Give the person's name."))
        let commune = fields["commune"].flatMap { territory.commune(code: $0)?.code }
        return (errors.isEmpty ? WalkInForm(name: name, communeCode: commune) : nil, errors)
    }
}

/// A phone number as people type it: at least ten digits, and only digits, spaces and + . - ( ).
public enum PhoneRule {
    public static func looksValid(_ text: String) -> Bool {
        text.filter(\.isNumber).count >= 10 && text.allSatisfy { $0.isNumber || " +.-()".contains($0) }
    }
}
