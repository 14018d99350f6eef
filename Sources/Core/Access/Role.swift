/// A role a person holds in one territory. A person may hold several, in several territories.
public enum Role: String, CaseIterable, Sendable, Codable, Hashable {
    case resident
    case professional
    case patientPartner = "patient_partner"
    case coordinator
    case decisionMaker = "decision_maker"
    case admin

    public var label: Text {
        switch self {
        case .resident: Text("Habitant·e", "Resident")
        case .professional: Text("Professionnel·le de santé", "Health professional")
        case .patientPartner: Text("Patient·e partenaire", "Patient partner")
        case .coordinator: Text("Coordinateur·rice", "Coordinator")
        case .decisionMaker: Text("Décideur·euse", "Decision maker")
        case .admin: Text("Administrateur·rice", "Administrator")
        }
    }

    /// Roles a person may choose alone at sign-up; the others are granted by a territory's administrators.
    public static let selfService: [Role] = [.resident, .professional]
    /// Staff of a territory: they run its activities and see its non-public data.
    public static let staff: Set<Role> = [.coordinator, .admin]
}

/// What a route requires of the person asking. Every route declares one; the authorization
/// matrix test walks them all.
public enum Access: Sendable, Equatable, Hashable {
    /// Anyone, signed in or not.
    case everyone
    /// Only people who are not signed in (login, sign-up); signed-in people are sent to their account.
    case guestsOnly
    /// Any signed-in person.
    case signedIn
    /// A signed-in person holding at least one of these roles in the territory named by the path.
    case territory(Set<Role>)
    /// Development helpers (the outbox page); absent in production or when SMTP is set.
    case devOnly

    /// Whether a person with `roles` in the route's territory (nil when not signed in) may pass.
    /// `devAllowed` says whether development helpers exist in this configuration.
    public func allows(signedIn: Bool, rolesHere: Set<Role>, devAllowed: Bool) -> Bool {
        switch self {
        case .everyone: true
        case .guestsOnly: true  // signed-in people are redirected, not refused
        case .signedIn: signedIn
        case .territory(let roles): signedIn && !roles.isDisjoint(with: rolesHere)
        case .devOnly: devAllowed
        }
    }
}

/// The public a person speaks for, in the figures and filters of every room (who registers, who
/// proposes, who answers): one rule for the whole platform. An assisted person is a resident;
/// otherwise the first role held among professional, decision maker, patient partner,
/// coordinator and administrator; a person with none of these is a resident. Stored by its raw
/// value (the role's), so a stored audience keeps its meaning.
public enum Audience: String, CaseIterable, Sendable, Codable {
    case resident
    case professional
    case patientPartner = "patient_partner"
    case decisionMaker = "decision_maker"
    case coordinator
    case admin

    /// The order in which roles name a person's audience (the first one held wins).
    static let precedence: [Audience] = [.professional, .decisionMaker, .patientPartner, .coordinator, .admin]

    public static func of(_ roles: Set<Role>, assisted: Bool = false) -> Audience {
        if assisted { return .resident }
        return precedence.first { roles.contains($0.role) } ?? .resident
    }

    public var role: Role {
        switch self {
        case .resident: .resident
        case .professional: .professional
        case .patientPartner: .patientPartner
        case .decisionMaker: .decisionMaker
        case .coordinator: .coordinator
        case .admin: .admin
        }
    }

    public var label: Text { role.label }
}
