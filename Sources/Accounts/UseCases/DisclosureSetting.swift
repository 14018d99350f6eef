import Core
import Fluent
import Foundation
import SQLKit

/// The disclosure thresholds a territory may choose (docs/PRIVACY.md, section 4): the platform's
/// 5, or 11 as French health-data bodies use. Never lower than 5. Pure.
public enum DisclosureChoice {
    public static let standard = Disclosure.standard.threshold
    public static let healthData = Disclosure.healthData.threshold
    public static let choices = [standard, healthData]

    /// The threshold chosen in the form (`seuil`), or the French message next to the field.
    public static func parse(_ fields: [String: String], lang: Lang) -> Result<Int, FormErrorsBox> {
        guard let value = Int(fields["seuil"] ?? ""), choices.contains(value) else {
            var errors = FormErrors()
            errors.add(
                "seuil",
                Text(
                    "Choisissez l'un des deux seuils proposés : 5 ou 11.",
                    "Choose one of the two thresholds offered: 5 or 11."
                ).in(lang))
            return .failure(FormErrorsBox(errors))
        }
        return .success(value)
    }
}

public enum DisclosureSettingOutcome: Sendable, Equatable {
    /// Saved (the territory directory is to be reloaded).
    case saved(threshold: Int)
    case invalid(FormErrors)
    case forbidden
}

/// A coordinator or administrator sets the territory's disclosure threshold, in the audit trail.
/// Every figure of the territory follows it at once.
public enum SetDisclosureThreshold {
    public static func run(
        _ fields: [String: String], territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> DisclosureSettingOutcome {
        guard AccountsPolicy.allows(actor, .setDisclosure) else { return .forbidden }
        let threshold: Int
        switch DisclosureChoice.parse(fields, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): threshold = value
        }
        let now = env.now
        try await env.db.transaction { db in
            try await db.sql.raw(
                "UPDATE territories SET disclosure_threshold = \(bind: threshold) WHERE id = \(bind: territory.id)"
            ).run()
            try await AuditEntry(
                actorID: actor.personID, territoryID: territory.id, action: "territory.disclosure",
                subject: "threshold \(threshold)", at: now
            ).create(on: db)
        }
        return .saved(threshold: threshold)
    }
}
