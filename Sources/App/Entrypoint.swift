import Core
import Events
import Foundation
import Logging
import Questionnaires
import Vapor

/// Starts the platform: reads the configuration once, configures, runs the command. Whatever
/// stops it early (a bad setting, a missing file, a database that cannot be opened, a command's
/// refusal) is printed as one line on standard error with a non-zero exit status: never a
/// backtrace.
public enum Entrypoint {
    public static func main() async {
        let config: AppConfig
        do {
            config = try AppConfig.load(from: ProcessInfo.processInfo.environment)
        } catch {
            fail(error, status: 78)  // EX_CONFIG
        }
        let vaporName =
            config.mode == .production ? "production" : (config.mode == .testing ? "testing" : "development")
        var env = Environment(name: vaporName, arguments: ProcessInfo.processInfo.arguments)
        let app: Application
        do {
            try LoggingSystem.bootstrap(from: &env)
            app = try await Application.make(env)
        } catch {
            fail(error, status: 64)  // EX_USAGE: a bad --log or argument
        }
        do {
            try await configure(app, config: config)
            if isServing(arguments: env.arguments) { MailDelivery.start(app) }
            // `app.execute()` without its own error log: the one line below says it.
            try await app.startup()
            try await app.running?.onStop.get()
        } catch {
            try? await app.asyncShutdown()
            fail(error, status: error is StartupFailure ? 78 : 1)
        }
        try? await app.asyncShutdown()
    }

    /// The one line that says why the platform stopped.
    static func line(for error: any Error) -> String {
        let text: String =
            switch error {
            case let failure as StartupFailure: failure.description
            case let invalid as AppConfig.Invalid:
                "agora : configuration invalide / invalid configuration — " + invalid.problems.joined(separator: " ; ")
            case let abort as any AbortError: "agora : " + abort.reason
            default: "agora : " + String(describing: error)
            }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }

    static func fail(_ error: any Error, status: Int32) -> Never {
        FileHandle.standardError.write(Data((line(for: error) + "\n").utf8))
        exit(status)
    }

    /// `agora` alone or `agora serve …` runs the server (and then the mail worker).
    static func isServing(arguments: [String]) -> Bool {
        guard let command = arguments.dropFirst().first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }
}

/// Runs the outbox delivery worker and the periodic territory reload beside the server.
enum MailDelivery {
    struct TaskKey: StorageKey { typealias Value = [Task<Void, Never>] }

    static func start(_ app: Application) {
        app.lifecycle.use(Handler())
    }

    struct Handler: LifecycleHandler {
        func didBootAsync(_ app: Application) async throws {
            var tasks: [Task<Void, Never>] = []
            let config = app.agora.config
            if let smtp = config.smtp {
                let worker = MailWorker(
                    db: app.db, transport: SMTPClient(settings: smtp, group: app.eventLoopGroup), logger: app.logger,
                    clock: app.agora.clock)
                tasks.append(Task { await worker.run(every: config.mailPollInterval) })
            } else {
                app.logger.notice(
                    "No SMTP_HOST: mail stays in the outbox\(config.showsDevOutbox ? " (see /dev/outbox)" : "").")
            }
            let directory = app.agora.territories
            tasks.append(
                Task {
                    while !Task.isCancelled {
                        do { try await Task.sleep(nanoseconds: 60_000_000_000) } catch { return }
                        try? await directory.reload()
                    }
                })
            // Every ten minutes: the reminders of tomorrow's events (idempotent: `reminded_at`), and
            // the questionnaires' expired form tokens forgotten.
            let reminders = app
            tasks.append(
                Task {
                    while !Task.isCancelled {
                        do { _ = try await EventsModule.sendReminders(reminders) } catch {
                            reminders.logger.warning("event reminders: \(error)")
                        }
                        do {
                            _ = try await QuestionnairesModule.purgeExpiredFormTokens(now: Date(), on: reminders.db)
                        } catch {
                            reminders.logger.warning("questionnaire form tokens: \(error)")
                        }
                        do { try await Task.sleep(nanoseconds: 600_000_000_000) } catch { return }
                    }
                })
            app.storage[TaskKey.self] = tasks
        }

        /// Stops the background tasks and waits for them, before the databases close.
        func shutdownAsync(_ app: Application) async {
            let tasks = app.storage[TaskKey.self] ?? []
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
        }
    }
}
