import Core
import Foundation

/// Optional profile facts, used only in aggregate for equity statistics. INSEE's bands.
public enum AgeBand: String, CaseIterable, Sendable {
    case from15to29 = "15-29", from30to44 = "30-44", from45to59 = "45-59", from60to74 = "60-74", from75 = "75+"
    public var label: Text {
        switch self {
        case .from15to29: Text("15 à 29 ans", "15 to 29")
        case .from30to44: Text("30 à 44 ans", "30 to 44")
        case .from45to59: Text("45 à 59 ans", "45 to 59")
        case .from60to74: Text("60 à 74 ans", "60 to 74")
        case .from75: Text("75 ans ou plus", "75 or older")
        }
    }
}

/// Versions of the documents people accept; a new version is asked for again.
public enum LegalDocument: String, CaseIterable, Sendable {
    case terms, privacy
    public var currentVersion: String { "2026-11" }
}

/// What a consent record says was agreed to.
public enum ConsentKind: String, Sendable {
    case terms, privacy
    /// Oral agreement of a person without e-mail, collected by a patient partner or coordinator.
    case assistedOral = "assisted_oral"
}

/// Password rules (CNIL recommendation of 2022 for a password alone: at least 12 characters
/// mixing kinds, or longer passphrases; we ask 12 characters and refuse the obvious).
public enum PasswordRules {
    public static let minimumLength = 12
    public static let maximumLength = 128
    static let obvious: Set<String> = [
        "motdepasse123", "motdepasse1234", "password1234", "123456789012", "azertyuiopqs", "azertyuiop123",
        "qwertyuiop123", "000000000000", "111111111111", "abcdefghijkl", "agorasante123",
    ]

    /// Nil when the password is acceptable, otherwise the French and English message.
    public static func problem(_ password: String, email: String?) -> Text? {
        if password.count < minimumLength {
            return Text(
                "Le mot de passe doit contenir au moins 12 caractères.",
                "The password must have at least 12 characters.")
        }
        if password.count > maximumLength {
            return Text(
                "Le mot de passe doit contenir au plus 128 caractères.",
                "The password must have at most 128 characters.")
        }
        let lowered = password.lowercased()
        if obvious.contains(lowered) || Set(lowered).count <= 2 {
            return Text(
                "Ce mot de passe est trop facile à deviner. Choisissez une phrase de plusieurs mots.",
                "This password is too easy to guess. Choose a phrase of several words.")
        }
        if let email, !email.isEmpty,
            lowered.contains(email.lowercased()) || lowered == email.split(separator: "@").first?.lowercased()
        {
            return Text(
                "Le mot de passe ne doit pas contenir votre adresse e-mail.",
                "The password must not contain your e-mail address.")
        }
        return nil
    }
}

/// Who may do what in the accounts room: the one rule, used by the use cases and by the pages
/// to show or hide a link or a button. Pure: tested as a table.
public enum AccountsPolicy {
    public enum Action: CaseIterable, Sendable {
        case createAssistedProfile, manageAssistedProfiles, manageMembers, editThemes, joinTerritory
        /// Export or erase one assisted profile of the territory (`on: .profile`).
        case actForProfile
        /// Grant a role to a person of the territory, or withdraw it (`on: .role`).
        case grantRole, revokeRole
        /// Change, export or erase one's own account (`on: .profile`).
        case manageOwnAccount
        /// Set the territory's disclosure threshold (5, or 11 as health-data bodies do).
        case setDisclosure
    }

    /// What an action is done to.
    public enum Subject: Sendable, Equatable {
        /// A person's profile: who, whether it is an assisted profile, whether they are a member
        /// of the territory where the action happens.
        case profile(personID: Int, isAssisted: Bool, memberHere: Bool)
        /// A role of a person in the territory.
        case role(personID: Int, role: Role)
    }

    public static func roles(for action: Action) -> Set<Role> {
        switch action {
        case .createAssistedProfile, .manageAssistedProfiles, .actForProfile: [.patientPartner, .coordinator, .admin]
        case .manageMembers, .grantRole, .revokeRole: [.admin]
        case .editThemes, .setDisclosure: [.coordinator, .admin]
        case .joinTerritory, .manageOwnAccount: Set(Role.allCases)
        }
    }

    public static func can(_ roles: Set<Role>, _ action: Action) -> Bool {
        !roles.isDisjoint(with: Self.roles(for: action))
    }

    /// The one rule of who may do what: the actor's roles in the territory, who they are, and
    /// the object of the action.
    public static func allows(_ actor: Actor, _ action: Action, on subject: Subject? = nil) -> Bool {
        guard let actorID = actor.personID else { return false }
        switch action {
        case .joinTerritory:
            return true
        case .manageOwnAccount:
            guard case .profile(let personID, _, _) = subject else { return false }
            return personID == actorID
        case .createAssistedProfile, .manageAssistedProfiles, .manageMembers, .editThemes, .grantRole, .setDisclosure:
            return can(actor.roles, action)
        case .actForProfile:
            guard can(actor.roles, action), case .profile(_, let isAssisted, let memberHere) = subject else {
                return false
            }
            return isAssisted && memberHere
        case .revokeRole:
            guard can(actor.roles, action) else { return false }
            // An administrator does not withdraw their own administrator role (someone must remain).
            if case .role(let personID, .admin) = subject, personID == actorID { return false }
            return true
        }
    }

    /// Roles an administrator may grant in their territory.
    public static let grantable: [Role] = Role.allCases
}

/// The role form of the members page, read: the account's address, the role, grant or withdraw.
public struct RoleChangeForm: Sendable, Equatable {
    public enum Kind: String, Sendable { case grant, revoke }
    public var email: String
    public var role: Role?
    public var kind: Kind?

    public init(email: String, role: Role?, kind: Kind?) {
        self.email = email
        self.role = role
        self.kind = kind
    }

    public static func parse(_ fields: [String: String]) -> RoleChangeForm {
        RoleChangeForm(
            email: EmailAddress.normalize(fields["email"] ?? ""), role: Role(rawValue: fields["role"] ?? ""),
            kind: Kind(rawValue: fields["action"] ?? ""))
    }
}

/// Validated values of the sign-up form.
public struct SignupInput: Sendable, Equatable {
    public var displayName: String
    public var email: String
    public var password: String
    public var territorySlug: String
    public var role: Role
    public var professionCode: String?

    /// Checks raw form values; returns the clean input or the errors, field by field, in `lang`.
    public static func validate(
        fields: [String: String], territorySlugs: Set<String>, lang: Lang
    ) -> Result<SignupInput, FormErrorsBox> {
        var errors = FormErrors()
        let name = TextRule.required(
            fields, "display_name", maxLength: 80, errors: &errors, lang: lang,
            missing: Text("Indiquez votre nom ou un pseudonyme.", "Enter your name or a nickname."))
        let email = EmailAddress.normalize(fields["email"] ?? "")
        if email.isEmpty {
            errors.add("email", Text("Indiquez votre adresse e-mail.", "Enter your e-mail address.").in(lang))
        } else if !EmailAddress.isValid(email) {
            errors.add(
                "email",
                Text(
                    "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr",
                    "This e-mail address is not valid. Example: name@example.com"
                ).in(lang))
        }
        let password = fields["password"] ?? ""
        if let problem = PasswordRules.problem(password, email: email) { errors.add("password", problem.in(lang)) }
        let slug = fields["territory"] ?? ""
        if !territorySlugs.contains(slug) {
            errors.add("territory", Text("Choisissez votre territoire.", "Choose your territory.").in(lang))
        }
        let role = Role(rawValue: fields["role"] ?? "").flatMap { Role.selfService.contains($0) ? $0 : nil }
        if role == nil {
            errors.add(
                "role",
                Text(
                    "Dites si vous êtes habitant·e ou professionnel·le de santé.",
                    "Say whether you are a resident or a health professional."
                ).in(lang))
        }
        var profession: String?
        if role == .professional {
            if let code = fields["profession"], Profession.find(code) != nil {
                profession = code
            } else {
                errors.add("profession", Text("Choisissez votre profession.", "Choose your profession.").in(lang))
            }
        }
        if fields["accept_terms"] == nil {
            errors.add(
                "accept_terms",
                Text(
                    "Vous devez accepter les conditions d'utilisation et la politique de confidentialité pour créer un compte.",
                    "You must accept the terms of use and the privacy notice to sign up."
                ).in(lang))
        }
        guard errors.isEmpty, let role else { return .failure(FormErrorsBox(errors)) }
        return .success(
            SignupInput(
                displayName: name, email: email, password: password, territorySlug: slug,
                role: role, professionCode: profession))
    }
}

/// Validated values of the profile form.
public struct ProfileInput: Sendable, Equatable {
    public var displayName: String
    public var communeCode: String?
    public var ageBand: AgeBand?

    /// The territories whose communes a person may choose: those where they hold a role, by name.
    public static func communeChoices(territoryIDs: Set<Int>, among territories: [TerritoryInfo]) -> [TerritoryInfo] {
        territories.filter { territoryIDs.contains($0.id) }.sorted { $0.name < $1.name }
    }

    public static func validate(
        fields: [String: String], allowedCommunes: Set<String>, lang: Lang
    ) -> Result<ProfileInput, FormErrorsBox> {
        var errors = FormErrors()
        let name = TextRule.required(
            fields, "display_name", maxLength: 80, errors: &errors, lang: lang,
            missing: Text("Indiquez votre nom ou un pseudonyme.", "Enter your name or a nickname."))
        let commune = fields["commune"].flatMap { $0.isEmpty ? nil : $0 }
        if let commune, !allowedCommunes.contains(commune) {
            errors.add(
                "commune", Text("Choisissez une commune de la liste.", "Choose a municipality from the list.").in(lang))
        }
        let band = fields["age_band"].flatMap { $0.isEmpty ? nil : $0 }
        if let band, AgeBand(rawValue: band) == nil {
            errors.add(
                "age_band",
                Text("Choisissez une tranche d'âge de la liste.", "Choose an age band from the list.").in(lang))
        }
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(
            ProfileInput(displayName: name, communeCode: commune, ageBand: band.flatMap(AgeBand.init(rawValue:))))
    }
}

/// Validated values of the assisted-profile form.
public struct AssistedProfileInput: Sendable, Equatable {
    public var alias: String
    public var communeCode: String
    public var phone: String?

    public static func validate(
        fields: [String: String], allowedCommunes: Set<String>, lang: Lang
    ) -> Result<AssistedProfileInput, FormErrorsBox> {
        var errors = FormErrors()
        let alias = TextRule.required(
            fields, "alias", maxLength: 60, errors: &errors, lang: lang,
            missing: Text("Indiquez un prénom ou un surnom.", "Enter a first name or a nickname."))
        let commune = fields["commune"] ?? ""
        if !allowedCommunes.contains(commune) {
            errors.add(
                "commune", Text("Choisissez la commune de la personne.", "Choose the person's municipality.").in(lang))
        }
        let phoneRaw = (fields["phone"] ?? "").trimmingCharacters(in: .whitespaces)
        var phone: String?
        if !phoneRaw.isEmpty {
            if let normalized = PhoneNumber.normalizeFrench(phoneRaw) {
                phone = normalized
            } else {
                errors.add(
                    "phone",
                    Text(
                        "Ce numéro n'est pas valide. Exemple : 06 12 34 56 78",
                        "This number is not valid. Example: 06 12 34 56 78"
                    ).in(lang))
            }
        }
        if fields["consent"] == nil {
            errors.add(
                "consent",
                Text(
                    "Cochez la case pour confirmer que la personne est d'accord.",
                    "Tick the box to confirm that the person agrees."
                ).in(lang))
        }
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(AssistedProfileInput(alias: alias, communeCode: commune, phone: phone))
    }
}

public enum PhoneNumber {
    /// "06 12 34 56 78", "+33 6 12 34 56 78", "0612345678" → "06 12 34 56 78"; nil when not a French number.
    public static func normalizeFrench(_ raw: String) -> String? {
        var digits = raw.filter { $0.isNumber || $0 == "+" }
        if digits.hasPrefix("+33") {
            digits = "0" + digits.dropFirst(3)
        } else if digits.hasPrefix("0033") {
            digits = "0" + digits.dropFirst(4)
        }
        guard digits.count == 10, digits.hasPrefix("0"), digits.dropFirst().first != "0", digits.allSatisfy(\.isNumber)
        else { return nil }
        let chars = Array(digits)
        return stride(from: 0, to: 10, by: 2).map { String(chars[$0...$0 + 1]) }.joined(separator: " ")
    }
}

/// Where to go after logging in: only a path on this site.
public enum SafeRedirect {
    /// A path of this site to go back to after logging in, or nil. Browsers skip tabs, line ends
    /// and other control characters inside a URL and read `\` as `/`, so `/\t/evil.example` or
    /// `/\\evil.example` would lead to another site: any control character, white space or
    /// backslash refuses the value, and what is left must parse as a path with no scheme and no host.
    public static func path(_ raw: String?) -> String? {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.utf8.count <= 2000 else { return nil }
        let refused = raw.unicodeScalars.contains { scalar in
            scalar.value < 0x21 || scalar.value == 0x7F || scalar == "\\"
                || scalar.properties.isWhitespace || (0x80...0x9F).contains(scalar.value)
        }
        guard !refused, let parsed = URLComponents(string: raw), parsed.scheme == nil, parsed.host == nil,
            parsed.path.hasPrefix("/"), !parsed.path.hasPrefix("//")
        else { return nil }
        return raw
    }
}
