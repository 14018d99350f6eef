import Accounts
import Core
import Fluent
import Foundation
import Vapor

/// `agora migrate`: brings the database schema up to date (it also happens at every start).
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Met le schéma de la base à jour / migrates the database" }
    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        context.console.print("Base de données à jour.")
    }
}

/// `agora demo`: loads the demo territories and accounts (idempotent).
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Charge les territoires et comptes de démonstration / loads the demo" }
    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        context.console.print("Démonstration chargée. Comptes (mot de passe commun) :")
        for module in app.featureModules {
            for line in try await module.loadDemo(on: app) { context.console.print(line) }
        }
        try await app.agora.territories.reload()
    }
}
