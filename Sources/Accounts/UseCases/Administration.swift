import Core
import Fluent
import Foundation

/// What the command line does to accounts and territories.
public enum AccountsAdministration {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Imports communes into a territory, creating it when a name is given. All or nothing.
    public static func importCommunes(
        csv text: String, territorySlug: String, territoryName: String?, on db: any Database
    ) async throws -> (created: Int, updated: Int) {
        let rows: [CommuneImport.Row]
        switch CommuneImport.parse(text) {
        case .failure(let list): throw Failure("Fichier refusé, rien n'a été importé :\n" + list.description)
        case .success(let parsed): rows = parsed
        }
        return try await db.transaction { db in
            let territory: Territory
            if let existing = try await Territory.query(on: db).filter(\.$slug == territorySlug).first() {
                territory = existing
            } else if let territoryName {
                guard ReservedSlugs.isAcceptable(territorySlug) else {
                    throw Failure(
                        "« \(territorySlug) » ne peut pas servir d'adresse de territoire (minuscules, chiffres et tirets ; pas un mot réservé)."
                    )
                }
                territory = Territory(slug: territorySlug, name: territoryName, epciSiren: nil)
                try await territory.create(on: db)
            } else {
                throw Failure("Territoire « \(territorySlug) » inconnu. Donnez --name pour le créer.")
            }
            return try await upsertCommunes(rows, territoryID: territory.requireID(), on: db)
        }
    }

    static func upsertCommunes(
        _ rows: [CommuneImport.Row], territoryID: Int, on db: any Database
    ) async throws -> (created: Int, updated: Int) {
        let existing = try await Commune.query(on: db).filter(\.$territoryID == territoryID).all()
        let byCode = Dictionary(existing.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var created = 0, updated = 0
        for row in rows {
            if let commune = byCode[row.code] {
                commune.name = row.name
                commune.population = row.population
                commune.postalCodes = row.postalCodes.joined(separator: "|")
                if commune.hasChanges { try await commune.update(on: db); updated += 1 }
            } else {
                try await Commune(
                    territoryID: territoryID, code: row.code, name: row.name, postalCodes: row.postalCodes,
                    population: row.population
                ).create(on: db)
                created += 1
            }
        }
        return (created, updated)
    }

    /// Creates (or finds) an account and makes it an administrator of a territory.
    public static func createAdmin(
        email rawEmail: String, name: String, passwordHash: String?, territorySlug: String, on db: any Database
    ) async throws -> String {
        let email = EmailAddress.normalize(rawEmail)
        guard EmailAddress.isValid(email) else { throw Failure("Adresse e-mail invalide : \(rawEmail)") }
        guard let territory = try await Territory.query(on: db).filter(\.$slug == territorySlug).first(),
            let territoryID = territory.id
        else {
            throw Failure(
                "Territoire « \(territorySlug) » inconnu. Chargez la démo (agora demo) ou importez des communes avec --name."
            )
        }
        return try await db.transaction { db in
            var message: String
            let person: Person
            if let existing = try await Person.query(on: db).filter(\.$email == email).first() {
                person = existing
                message = "Compte existant \(email)"
            } else {
                guard let passwordHash else { throw Failure("Mot de passe requis pour créer le compte.") }
                person = try await confirmedAccount(email: email, name: name, passwordHash: passwordHash, on: db)
                message = "Compte créé \(email)"
            }
            let personID = try person.requireID()
            if try await Membership.query(on: db).filter(\.$personID == personID).filter(\.$territoryID == territoryID)
                .filter(\.$role == Role.admin.rawValue).first() == nil
            {
                try await Membership(personID: personID, territoryID: territoryID, role: .admin).create(on: db)
                message += ", administrateur·rice de \(territory.name)"
            } else {
                message += ", déjà administrateur·rice de \(territory.name)"
            }
            try await AuditEntry.record(
                actor: nil, territory: territoryID, action: "admin.created", subject: "person \(personID)", on: db)
            return message
        }
    }

    /// A new account made by an operator or by the demo (not by signing up): its address
    /// confirmed, the current terms and privacy notice accepted.
    static func confirmedAccount(
        email: String, name: String, passwordHash: String, on db: any Database
    ) async throws -> Person {
        let person = Person(email: email, passwordHash: passwordHash, displayName: name)
        person.emailConfirmedAt = Date()
        try await person.create(on: db)
        for document in LegalDocument.allCases {
            try await Consent(
                personID: person.requireID(), kind: document == .terms ? .terms : .privacy,
                version: document.currentVersion
            ).create(on: db)
        }
        return person
    }
}
