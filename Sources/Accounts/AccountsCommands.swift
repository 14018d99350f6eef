import Core
import Fluent
import Foundation
import Vapor

/// `agora import-communes FILE.csv --territory SLUG [--name NAME]`.
struct ImportCommunesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV au format INSEE (code_insee, nom, codes_postaux, population_municipale…)")
        var file: String
        @Option(name: "territory", help: "adresse du territoire, ex. vitre")
        var territory: String?
        @Option(name: "name", help: "nom du territoire, pour le créer s'il n'existe pas")
        var name: String?
    }
    var help: String { "Importe des communes dans un territoire / imports communes" }
    func run(using context: CommandContext, signature: Signature) async throws {
        guard let slug = signature.territory else {
            throw AccountsAdministration.Failure("Indiquez le territoire : --territory SLUG")
        }
        guard let data = FileManager.default.contents(atPath: signature.file),
            let text = String(data: data, encoding: .utf8)
        else {
            throw AccountsAdministration.Failure("Fichier illisible (UTF-8 attendu) : \(signature.file)")
        }
        let result = try await AccountsAdministration.importCommunes(
            csv: text, territorySlug: slug, territoryName: signature.name, on: context.application.db)
        try await context.application.agora.territories.reload()
        context.console.print(
            "\(result.created) commune(s) ajoutée(s), \(result.updated) mise(s) à jour dans /\(slug).")
    }
}

/// `agora create-admin --email E --territory SLUG [--name N]`; the password comes from
/// AGORA_ADMIN_PASSWORD or is asked without echo.
struct CreateAdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email") var email: String?
        @Option(name: "territory") var territory: String?
        @Option(name: "name") var name: String?
    }
    var help: String { "Crée un compte administrateur d'un territoire / creates a territory administrator" }
    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email, let territory = signature.territory else {
            throw AccountsAdministration.Failure(
                "Usage : agora create-admin --email ADRESSE --territory SLUG [--name NOM]")
        }
        var hash: String?
        let password =
            Environment.get("AGORA_ADMIN_PASSWORD")
            ?? context.console.ask("Mot de passe (12 caractères au moins) :", isSecure: true)
        if let problem = PasswordRules.problem(password, email: email) {
            throw AccountsAdministration.Failure(problem.fr)
        }
        hash = try await context.application.password.async.hash(password)
        let message = try await AccountsAdministration.createAdmin(
            email: email, name: signature.name ?? "Administration",
            passwordHash: hash, territorySlug: territory, on: context.application.db)
        context.console.print(message)
    }
}
