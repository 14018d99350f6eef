import Core
import Fluent
import Foundation

/// What became of an assisted profile asked for.
public enum CreateAssistedProfileOutcome: Sendable, Equatable {
    case created(personID: Int, alias: String)
    case invalid(FormErrors)
    case forbidden
}

/// A patient partner or the staff register someone who has no e-mail (alias, commune, optional
/// phone) with their oral agreement: the profile, its role of resident and the consent are
/// written with the audit entry in one transaction.
public enum CreateAssistedProfile {
    public static func run(
        _ fields: [String: String], territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> CreateAssistedProfileOutcome {
        guard let actorID = actor.personID, AccountsPolicy.allows(actor, .createAssistedProfile) else {
            return .forbidden
        }
        let input: AssistedProfileInput
        switch AssistedProfileInput.validate(
            fields: fields, allowedCommunes: Set(territory.communes.map(\.code)), lang: actor.lang)
        {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): input = value
        }
        let now = env.now
        let id = try await env.db.transaction { db -> Int in
            let id = try await AccountStore.createAssisted(
                input, by: actorID, territoryID: territory.id, now: now, on: db)
            try await AuditEntry(
                actorID: actorID, territoryID: territory.id, action: "assisted.created", subject: "person \(id)",
                at: now
            ).create(on: db)
            return id
        }
        return .created(personID: id, alias: input.alias)
    }
}

/// The staff download an assisted profile's data (in the audit trail).
public enum ExportAssistedProfile {
    public static func run(
        personID: Int, territory: TerritoryInfo, modules: [any FeatureModule], territories: [TerritoryInfo],
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> ExportOutcome {
        guard
            let subject = try await AccountStore.profileFacts(personID: personID, territoryID: territory.id, on: env.db)
        else { return .notFound }
        guard AccountsPolicy.allows(actor, .actForProfile, on: subject) else {
            // Someone else's account, or a person of another territory: not a profile of this place.
            return AccountsPolicy.can(actor.roles, .actForProfile) ? .notFound : .forbidden
        }
        let now = env.now
        try await AuditEntry(
            actorID: actor.personID, territoryID: territory.id, action: "assisted.exported",
            subject: "person \(personID)", at: now
        ).create(on: env.db)
        guard
            let document = try await PersonalDataExport.document(
                personID: personID, modules: modules, territories: territories, now: now, on: env.db)
        else { return .notFound }
        return .exported(document)
    }
}

/// The staff erase an assisted profile of their territory: every room first, then the profile,
/// in the audit trail.
public enum EraseAssistedProfile {
    public static func run(
        personID: Int, territory: TerritoryInfo, modules: [any FeatureModule], actor: Actor, env: UseCaseEnvironment
    ) async throws -> EraseOutcome {
        guard
            let subject = try await AccountStore.profileFacts(personID: personID, territoryID: territory.id, on: env.db)
        else { return .notFound }
        guard AccountsPolicy.allows(actor, .actForProfile, on: subject) else {
            return AccountsPolicy.can(actor.roles, .actForProfile) ? .notFound : .forbidden
        }
        let now = env.now
        try await env.db.transaction { db in
            try await AccountStore.erase(personID: personID, modules: modules, env: env, on: db)
            try await AuditEntry(
                actorID: actor.personID, territoryID: territory.id, action: "account.erased",
                subject: "assisted profile", at: now
            ).create(on: db)
        }
        return .erased
    }
}

/// What became of a role granted or withdrawn.
public enum RoleChangeOutcome: Sendable, Equatable {
    /// Granted (or held already) to the person of this name.
    case granted(name: String, role: Role)
    /// Withdrawn (or not held) from the person of this name.
    case withdrawn(name: String, role: Role)
    /// No account with this address, no role, no choice, or one's own administrator role.
    case invalid(FormErrors)
    case forbidden
}

/// An administrator grants a role to an account of their territory, or withdraws it
/// (`GrantRole` and `RevokeRole` are this use case with the form's choice), in the audit trail.
public enum ChangeRole {
    public static func run(
        _ form: RoleChangeForm, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> RoleChangeOutcome {
        guard AccountsPolicy.allows(actor, .manageMembers) else { return .forbidden }
        var errors = FormErrors()
        let person = try await AccountStore.person(email: form.email, on: env.db)
        if person == nil {
            errors.add(
                "email",
                actor.t(Text("Aucun compte n'a cette adresse e-mail.", "No account has this e-mail address.")))
        }
        if form.role == nil { errors.add("role", actor.t(Text("Choisissez un rôle.", "Choose a role."))) }
        if form.kind == nil {
            errors.add("role", actor.t(Text("Choisissez d'attribuer ou de retirer.", "Choose to grant or withdraw.")))
        }
        if let person, let personID = person.id, let role = form.role, let kind = form.kind {
            let action: AccountsPolicy.Action = kind == .grant ? .grantRole : .revokeRole
            if !AccountsPolicy.allows(actor, action, on: .role(personID: personID, role: role)) {
                errors.add(
                    "role",
                    actor.t(
                        Text(
                            "Vous ne pouvez pas retirer votre propre rôle d'administrateur.",
                            "You cannot withdraw your own administrator role.")))
            }
        }
        guard errors.isEmpty, let person, let personID = person.id, let role = form.role, let kind = form.kind else {
            return .invalid(errors)
        }
        let now = env.now
        try await env.db.transaction { db in
            switch kind {
            case .grant:
                try await AccountStore.addRole(role, personID: personID, territoryID: territory.id, now: now, on: db)
            case .revoke: try await AccountStore.removeRole(role, personID: personID, territoryID: territory.id, on: db)
            }
            try await AuditEntry(
                actorID: actor.personID, territoryID: territory.id,
                action: kind == .grant ? "role.granted" : "role.revoked",
                subject: "person \(personID) \(role.rawValue)", at: now
            ).create(on: db)
        }
        return kind == .grant
            ? .granted(name: person.displayName, role: role) : .withdrawn(name: person.displayName, role: role)
    }
}
