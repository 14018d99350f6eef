import Core
import Events
import Foundation
import Logging
import Vapor

/// Starts the platform: reads the configuration once, configures, runs the command.
public enum Entrypoint {
    public static func main() async throws {
        let config: AppConfig
        do {
            config = try AppConfig.load(from: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(78) // EX_CONFIG
        }
        let vaporName = config.mode == .production ? "production" : (config.mode == .testing ? "testing" : "development")
        var env = Environment(name: vaporName, arguments: ProcessInfo.processInfo.arguments)
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            if isServing(arguments: env.arguments) { MailDelivery.start(app) }
            try await app.execute()
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
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
                let worker = MailWorker(db: app.db, smtp: SMTPClient(settings: smtp, group: app.eventLoopGroup), logger: app.logger)
                tasks.append(Task { await worker.run(every: config.mailPollInterval) })
            } else {
                app.logger.notice("No SMTP_HOST: mail stays in the outbox\(config.showsDevOutbox ? " (see /dev/outbox)" : "").")
            }
            let directory = app.agora.territories
            tasks.append(Task {
                while !Task.isCancelled {
                    do { try await Task.sleep(nanoseconds: 60_000_000_000) } catch { return }
                    try? await directory.reload()
                }
            })
            // The reminders of tomorrow's events, every ten minutes (idempotent: `reminded_at`).
            let reminders = app
            tasks.append(Task {
                while !Task.isCancelled {
                    do { _ = try await EventsModule.sendReminders(reminders) } catch { reminders.logger.warning("event reminders: \(error)") }
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
