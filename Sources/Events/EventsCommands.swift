import Vapor

/// `agora event-reminders`: sends the reminders of tomorrow's events now (the server also does it
/// every ten minutes). Idempotent: a registration is reminded once (`reminded_at`).
struct EventRemindersCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Envoie les rappels des rencontres du lendemain / sends the reminders of tomorrow's events" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let sent = try await EventsModule.sendReminders(context.application)
        context.console.print("\(sent) rappel(s) mis dans la boîte d'envoi / reminder(s) queued")
    }
}
