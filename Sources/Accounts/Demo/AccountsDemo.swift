import Core
import Fluent
import Foundation

/// The demo: the two pilot territories with their real communes, and one account per role.
public enum AccountsDemo {
    public static let password = "demo-agora-2026"

    public struct Account: Sendable {
        public let email: String
        public let name: String
        public let territory: String
        public let roles: [Role]
        public let profession: String?
    }

    public static let accounts: [Account] = [
        Account(
            email: "habitant@vitre.example", name: "Jeanne Lemoine", territory: "vitre", roles: [.resident],
            profession: nil),
        Account(
            email: "pro@vitre.example", name: "Karim Benali", territory: "vitre", roles: [.professional],
            profession: "60"),
        Account(
            email: "partenaire@vitre.example", name: "Monique Hamon", territory: "vitre",
            roles: [.patientPartner, .resident], profession: nil),
        Account(
            email: "coordination@vitre.example", name: "Coordination CPTS du Pays de Vitré", territory: "vitre",
            roles: [.coordinator], profession: nil),
        Account(
            email: "decideur@vitre.example", name: "Élu·e santé de Vitré Communauté", territory: "vitre",
            roles: [.decisionMaker], profession: nil),
        Account(
            email: "admin@vitre.example", name: "Administration Vitré", territory: "vitre", roles: [.admin],
            profession: nil),
        Account(
            email: "coordination@broceliande.example", name: "Coordination CPTS de Brocéliande",
            territory: "broceliande", roles: [.coordinator], profession: nil),
        Account(
            email: "partenaire@broceliande.example", name: "Yannick Le Gall", territory: "broceliande",
            roles: [.patientPartner, .resident], profession: nil),
    ]

    static let territories: [(slug: String, name: String, siren: String, rows: [DemoCommunes.Row])] = [
        ("vitre", "Vitré Communauté", "200039022", DemoCommunes.vitre),
        ("broceliande", "CC de Brocéliande", "243500618", DemoCommunes.broceliande),
    ]

    /// Loads (or completes) the demo; running it twice changes nothing.
    public static func load(passwordHash: String, on db: any Database) async throws -> [String] {
        try await db.transaction { db in
            var lines: [String] = []
            var territoryIDs: [String: Int] = [:]
            for spec in territories {
                let territory: Territory
                if let existing = try await Territory.query(on: db).filter(\.$slug == spec.slug).first() {
                    territory = existing
                } else {
                    territory = Territory(slug: spec.slug, name: spec.name, epciSiren: spec.siren)
                    try await territory.create(on: db)
                }
                let rows = spec.rows.map {
                    CommuneImport.Row(
                        code: $0.code, name: $0.name, postalCodes: $0.postalCodes, population: $0.population)
                }
                _ = try await AccountsAdministration.upsertCommunes(rows, territoryID: territory.requireID(), on: db)
                territoryIDs[spec.slug] = try territory.requireID()
                lines.append(
                    "Territoire /\(spec.slug) : \(spec.name), \(rows.count) communes, \(rows.reduce(0) { $0 + $1.population }) habitants"
                )
            }
            for account in accounts {
                guard let territoryID = territoryIDs[account.territory] else { continue }
                let person: Person
                if let existing = try await Person.query(on: db).filter(\.$email == account.email).first() {
                    person = existing
                } else {
                    person = try await AccountsAdministration.confirmedAccount(
                        email: account.email, name: account.name, passwordHash: passwordHash, on: db)
                }
                let personID = try person.requireID()
                let held = Set(
                    try await Membership.query(on: db).filter(\.$personID == personID).filter(
                        \.$territoryID == territoryID
                    ).all().map(\.role))
                for role in account.roles where !held.contains(role.rawValue) {
                    try await Membership(
                        personID: personID, territoryID: territoryID, role: role,
                        professionCode: role == .professional ? account.profession : nil
                    ).create(on: db)
                }
                lines.append(
                    "  \(account.email) / \(password) — \(account.roles.map(\.label.fr).joined(separator: ", ")) (\(account.territory))"
                )
            }
            // One assisted profile, created by the Vitré patient partner.
            if let partner = try await Person.query(on: db).filter(\.$email == "partenaire@vitre.example").first(),
                let vitre = territoryIDs["vitre"],
                try await Person.query(on: db).filter(\.$createdByID == partner.id).first() == nil
            {
                let marcel = Person(email: nil, passwordHash: nil, displayName: "Marcel (Taillis)", isAssisted: true)
                marcel.communeCode = "35330"
                marcel.createdByID = partner.id
                try await marcel.create(on: db)
                try await Membership(personID: marcel.requireID(), territoryID: vitre, role: .resident).create(on: db)
                try await Consent(
                    personID: marcel.requireID(), kind: .assistedOral, version: LegalDocument.privacy.currentVersion,
                    collectedByID: partner.id
                ).create(on: db)
            }
            return lines
        }
    }
}
