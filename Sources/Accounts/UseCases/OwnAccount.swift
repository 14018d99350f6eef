import Core
import Fluent
import Foundation
import Vapor

/// What became of the profile form.
public enum UpdateProfileOutcome: Sendable, Equatable {
    case saved
    case invalid(FormErrors)
    /// Nobody signed in, or the account is gone.
    case notFound
}

/// Changing one's profile facts: the name, and (optional) the commune, among those of one's
/// territories, and the age band.
public enum UpdateProfile {
    public static func run(
        _ fields: [String: String], territories: [TerritoryInfo], actor: Actor, env: UseCaseEnvironment
    ) async throws -> UpdateProfileOutcome {
        guard let personID = actor.personID,
            let snapshot = try await AccountSnapshot.load(personID: personID, on: env.db)
        else { return .notFound }
        let choices = ProfileInput.communeChoices(
            territoryIDs: Set(snapshot.memberships.map(\.territoryID)), among: territories)
        let allowed = Set(choices.flatMap { $0.communes.map(\.code) })
        switch ProfileInput.validate(fields: fields, allowedCommunes: allowed, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let input):
            try await AccountStore.updateProfile(input, personID: personID, on: env.db)
            return .saved
        }
    }
}

/// Joining a territory as a resident (a person who holds a role there already keeps theirs).
public enum JoinTerritory {
    public enum Outcome: Sendable, Equatable {
        case joined
        case alreadyMember
        case forbidden
    }

    public static func run(territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment) async throws -> Outcome {
        guard let personID = actor.personID, AccountsPolicy.allows(actor, .joinTerritory) else { return .forbidden }
        let held = try await AccountStore.roles(personID: personID, territoryID: territory.id, on: env.db)
        guard held.isEmpty else { return .alreadyMember }
        try await AccountStore.addRole(
            .resident, personID: personID, territoryID: territory.id, now: env.now, on: env.db)
        return .joined
    }
}

/// What became of a request for the personal data of an account.
public enum ExportOutcome: Sendable, Equatable {
    /// Everything the platform holds about the person, every room included.
    case exported([String: PersonalData])
    case forbidden
    case notFound
}

/// Everything the platform holds about a person, as a document (the page writes it as JSON).
public enum PersonalDataExport {
    static func document(
        personID: Int, modules: [any FeatureModule], territories: [TerritoryInfo], now: Date, on db: any Database
    ) async throws -> [String: PersonalData]? {
        guard let snapshot = try await AccountSnapshot.load(personID: personID, on: db) else { return nil }
        let person = snapshot.person
        let names = Dictionary(territories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var document: [String: PersonalData] = [
            "exported_at": .date(now),
            "account": .object([
                "email": .string(person.email),
                "display_name": .string(person.displayName),
                "email_confirmed_at": .date(person.emailConfirmedAt),
                "assisted_profile": .bool(person.isAssisted),
                "phone": .string(person.phone),
                "commune_code": .string(person.communeCode),
                "age_band": .string(person.ageBand),
                "created_at": .date(person.createdAt),
            ]),
            "memberships": .list(
                snapshot.memberships.map { membership in
                    .object([
                        "territory": .string(names[membership.territoryID]),
                        "role": .string(membership.role),
                        "profession_code": .string(membership.professionCode),
                        "since": .date(membership.createdAt),
                    ])
                }),
            "consents": .list(
                snapshot.consents.map { consent in
                    .object([
                        "kind": .string(consent.kind), "version": .string(consent.version),
                        "accepted_at": .date(consent.acceptedAt),
                    ])
                }),
        ]
        for module in modules {
            for (key, value) in try await module.personalData(of: personID, on: db) { document[key] = value }
        }
        return document
    }
}

/// Downloading one's own data.
public enum ExportOwnData {
    public static func run(
        modules: [any FeatureModule], territories: [TerritoryInfo], actor: Actor, env: UseCaseEnvironment
    ) async throws -> ExportOutcome {
        guard let personID = actor.personID else { return .forbidden }
        guard
            let document = try await PersonalDataExport.document(
                personID: personID, modules: modules, territories: territories, now: env.now, on: env.db)
        else { return .notFound }
        return .exported(document)
    }
}

/// What became of a request to erase an account.
public enum EraseOutcome: Sendable, Equatable {
    case erased
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Erasing one's own account, with one's password and a ticked box: every room first, then the
/// account. The audit trail records that an account was erased, not whose.
public enum EraseAccount {
    public static func run(
        password: String, confirmed: Bool, modules: [any FeatureModule], hasher: AsyncPasswordHasher, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> EraseOutcome {
        guard let personID = actor.personID, let person = try await AccountStore.person(personID, on: env.db) else {
            return .notFound
        }
        let subject = AccountsPolicy.Subject.profile(
            personID: personID, isAssisted: person.isAssisted, memberHere: true)
        guard AccountsPolicy.allows(actor, .manageOwnAccount, on: subject) else { return .forbidden }
        var errors = FormErrors()
        var matches = false
        if let hash = person.passwordHash { matches = try await hasher.verify(password, created: hash) }
        if !matches { errors.add("password", actor.t(Text("Mot de passe incorrect.", "Wrong password."))) }
        if !confirmed {
            errors.add(
                "confirm",
                actor.t(
                    Text("Cochez la case pour confirmer la suppression.", "Tick the box to confirm the deletion.")))
        }
        guard errors.isEmpty else { return .invalid(errors) }
        let now = env.now
        try await env.db.transaction { db in
            try await AccountStore.erase(personID: personID, modules: modules, env: env, on: db)
            try await AuditEntry(
                actorID: nil, territoryID: nil, action: "account.erased", subject: "own account", at: now
            ).create(on: db)
        }
        return .erased
    }
}
