import Core
import Fluent
import Foundation

/// What became of a theme added, renamed, hidden or offered again.
public enum ThemeOutcome: Sendable, Equatable {
    /// Saved under this French name (the territory directory is to be reloaded).
    case saved(label: String)
    case invalid(FormErrors)
    case forbidden
}

/// A coordinator or administrator adds a theme of the territory's own, in the audit trail.
public enum AddTheme {
    public static func run(
        _ fields: [String: String], territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> ThemeOutcome {
        guard AccountsPolicy.allows(actor, .editThemes) else { return .forbidden }
        let addition: ThemeAddition
        switch ThemeAddition.parse(fields, themes: territory.themes, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): addition = value
        }
        let now = env.now
        try await env.db.transaction { db in
            try await TerritoryThemes.add(
                territoryID: territory.id, slug: addition.slug, labelFR: addition.labelFR, labelEN: addition.labelEN,
                bitIndex: addition.bit, now: now, on: db)
            try await AuditEntry(
                actorID: actor.personID, territoryID: territory.id, action: "theme.added",
                subject: "theme \(addition.slug)", at: now
            ).create(on: db)
        }
        return .saved(label: addition.labelFR)
    }
}

/// A coordinator or administrator renames a theme, hides it or offers it again, in the audit trail.
public enum ChangeTheme {
    public static func run(
        _ fields: [String: String], territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> ThemeOutcome {
        guard AccountsPolicy.allows(actor, .editThemes) else { return .forbidden }
        let change: ThemeChange
        switch ThemeChange.parse(fields, themes: territory.themes, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): change = value
        }
        let now = env.now
        try await env.db.transaction { db in
            try await TerritoryThemes.change(
                territoryID: territory.id, theme: change.theme, labelFR: change.labelFR, labelEN: change.labelEN,
                hidden: change.hidden, now: now, on: db)
            try await AuditEntry(
                actorID: actor.personID, territoryID: territory.id,
                action: change.hidden ? "theme.hidden" : "theme.changed", subject: "theme \(change.theme.slug)", at: now
            ).create(on: db)
        }
        return .saved(label: change.labelFR)
    }
}
