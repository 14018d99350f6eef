import Core
import Vapor

/// `agora bench-data`: loads the demo, then asks every room to fill its tables for `make bench`
/// in the territory of Vitré (each room writes only its own tables: `FeatureModule.loadBenchData`).
struct BenchDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "accounts", help: "nombre de comptes (50000 par défaut)") var accounts: Int?
        @Option(
            name: "proposals",
            help: "nombre de propositions (20000 par défaut), avec 10 soutiens et 5 commentaires chacune")
        var proposals: Int?
        @Option(name: "experiences", help: "nombre d'expériences publiées au catalogue (10000 par défaut)")
        var experiences: Int?
        @Option(
            name: "answers",
            help:
                "réponses au grand questionnaire de 30 questions (100000 par défaut ; 20 % de plus au questionnaire des professionnels)"
        ) var answers: Int?
        @Option(name: "events", help: "nombre de rencontres publiées dans l'agenda de /vitre (5000 par défaut)")
        var events: Int?
    }
    var help: String { "Charge un grand territoire pour les mesures / loads a large territory for benchmarks" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        for module in app.featureModules { _ = try await module.loadDemo(on: app) }
        try await app.agora.territories.reload()
        guard let territory = try await app.agora.territories.find(slug: "vitre") else {
            throw StartupFailure("territoire de démonstration introuvable", "demo territory not found")
        }
        var asked: [String: Int] = [:]
        asked["accounts"] = signature.accounts
        asked["proposals"] = signature.proposals
        asked["experiences"] = signature.experiences
        asked["answers"] = signature.answers
        asked["events"] = signature.events
        let sizes = BenchSizes(asked)
        for module in app.featureModules {
            for line in try await module.loadBenchData(sizes, territory: territory, on: app) {
                context.console.print(line)
            }
        }
    }
}
