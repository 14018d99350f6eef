import Accounts
import Proposals
import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// `agora bench-data --accounts N`: fills the demo territory of Vitré with N extra accounts
/// (residents and professionals spread over its communes), for `make bench`.
struct BenchDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "accounts", help: "nombre de comptes (50000 par défaut)") var accounts: Int?
        @Option(name: "proposals", help: "nombre de propositions (20000 par défaut), avec 10 soutiens et 5 commentaires chacune") var proposals: Int?
        @Option(name: "experiences", help: "nombre d'expériences publiées au catalogue (10000 par défaut)") var experiences: Int?
        @Option(name: "answers", help: "réponses au grand questionnaire de 30 questions (100000 par défaut ; 20 % de plus au questionnaire des professionnels)") var answers: Int?
        @Option(name: "events", help: "nombre de rencontres publiées dans l'agenda de /vitre (5000 par défaut)") var events: Int?
    }
    var help: String { "Charge un grand territoire pour les mesures / loads a large territory for benchmarks" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        for module in app.featureModules { _ = try await module.loadDemo(on: app) }
        try await app.agora.territories.reload()
        guard let territory = try await app.agora.territories.find(slug: "vitre"), let sql = app.db as? any SQLDatabase else {
            throw AccountsAdministration.Failure("Territoire de démonstration introuvable")
        }
        let target = signature.accounts ?? 50_000
        let existing = try await sql.raw("SELECT count(*) AS n FROM people WHERE email LIKE 'bench-%'").first()?.decode(column: "n", as: Int.self) ?? 0
        guard existing < target else {
            context.console.print("\(existing) comptes de charge déjà présents.")
            return
        }
        let hash = try await app.password.async.hash(AccountsDemo.password)
        let communes = territory.communes.map(\.code)
        let bands = AgeBand.allCases.map(\.rawValue)
        let now = Date()
        let batch = 500
        var created = existing
        while created < target {
            let lower = created, upper = min(created + batch, target)
            try await app.db.transaction { db in
                guard let sql = db as? any SQLDatabase else { return }
                for index in lower..<upper {
                    let row = try await sql.raw("""
                        INSERT INTO people (email, password_hash, display_name, email_confirmed_at, is_assisted, commune_code, age_band, created_at)
                        VALUES (\(bind: "bench-\(index)@charge.example"), \(bind: hash), \(bind: "Personne \(index)"), \(bind: now), \(bind: false),
                                \(bind: communes[index % communes.count]), \(bind: bands[index % bands.count]), \(bind: now))
                        RETURNING id
                        """).first()
                    let id = try row!.decode(column: "id", as: Int.self)
                    let role = index % 10 == 0 ? Role.professional : Role.resident
                    try await sql.raw("""
                        INSERT INTO memberships (person_id, territory_id, role, profession_code, created_at)
                        VALUES (\(bind: id), \(bind: territory.id), \(bind: role.rawValue), \(bind: role == .professional ? "10" : nil as String?), \(bind: now))
                        """).run()
                }
            }
            created = upper
        }
        context.console.print("\(target) comptes de charge dans /vitre.")
        let proposals = try await ProposalsBenchData.load(count: signature.proposals ?? 20_000, territory: territory, on: app.db)
        context.console.print("\(proposals) propositions de charge dans /vitre.")
        let experiences = try await ExperiencesBenchData.load(count: signature.experiences ?? 10_000, on: app.db)
        context.console.print("\(experiences) expériences de charge publiées au catalogue.")
        let questionnaires = try await QuestionnairesBenchData.load(count: signature.answers ?? 100_000, territory: territory,
                                                                    dataDirectory: app.agora.config.dataDirectory, on: app.db)
        context.console.print("Questionnaires de charge : \(questionnaires.users) (usagers) et \(questionnaires.professionals) (professionnels).")
        let events = try await EventsBenchData.load(count: signature.events ?? 5_000, territory: territory, on: app.db)
        context.console.print("\(events) rencontres de charge dans l'agenda de /vitre.")
    }
}
