import Vapor

/// `agora national-organiser --email E [--remove]`: names the platform's national organisers of
/// calls for experiences (they open national calls and run their review).
struct NationalOrganiserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "adresse e-mail d'un compte existant") var email: String?
        @Flag(name: "remove", help: "retire ce rôle") var remove: Bool
    }
    var help: String {
        "Nomme un organisateur national des appels à expériences / names a national organiser of calls for experiences"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email else {
            throw NationalOrganisers.Failure(description: "Usage : agora national-organiser --email ADRESSE [--remove]")
        }
        context.console.print(
            try await NationalOrganisers.set(email: email, remove: signature.remove, on: context.application.db))
    }
}
