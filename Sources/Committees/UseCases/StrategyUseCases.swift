import Core
import Fluent
import Foundation

extension CommitteesPolicy {
    /// Whether the actor may write drafts in this committee: the staff, or a member seated today.
    static func mayDraft(_ actor: Actor, committeeID: Int, env: UseCaseEnvironment) async throws -> Bool {
        if allows(actor, .draft, on: .seats(holdsSeat: false)) { return true }
        guard let person = actor.personID else { return false }
        let today = Day.today(env.now)
        let seats = try await CommitteeStore.seats(of: committeeID, on: env.db)
        let holdsSeat = seats.contains { $0.person_id == person && $0.active(today: today) }
        return allows(actor, .draft, on: .seats(holdsSeat: holdsSeat))
    }
}

/// What became of a section of a draft strategy saved.
enum SectionOutcome: Sendable, Equatable {
    /// Saved; the strategy's text is kept as this new version.
    case saved(version: Int)
    /// The strategy is adopted: it can no longer be changed.
    case frozen
    /// The title or the text is missing or too long (fields `section_title`, `section_body`).
    case invalid(FormErrors)
    /// Only members in office and the staff write drafts.
    case forbidden
    case notFound
}

/// Adding a section to a draft strategy, or changing one: a new version of the whole text is
/// kept at each change, in the same transaction.
enum SaveSection {
    /// `section`: the section changed (nil: a new section at the end).
    static func run(
        _ fields: [String: String], section: StrategySection?, strategy: Strategy, committee: Committee,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> SectionOutcome {
        let committeeID = try committee.requireID()
        let strategyID = try strategy.requireID()
        guard strategy.committeeID == committeeID, section.map({ $0.strategyID == strategyID }) ?? true else {
            return .notFound
        }
        guard try await CommitteesPolicy.mayDraft(actor, committeeID: committeeID, env: env) else {
            return .forbidden
        }
        guard strategy.adoptedAt == nil else { return .frozen }
        let form: SectionForm
        switch SectionForm.parse(fields, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): form = value
        }
        let now = env.now
        try await env.db.transaction { db in
            if let section {
                try await StrategyStore.updateSection(section, title: form.title, body: form.body, now: now, on: db)
            } else {
                try await StrategyStore.appendSection(
                    strategyID: strategyID, title: form.title, body: form.body, now: now, on: db)
            }
            try await StrategyStore.snapshot(strategy, author: actor.personID, now: now, on: db)
        }
        return .saved(version: strategy.version)
    }
}

/// What became of the adoption of a strategy.
enum AdoptionOutcome: Sendable, Equatable {
    case adopted
    /// Adopted already: it can no longer be changed.
    case frozen
    /// The decision is not an adopted item of this committee, or a link is not of this territory.
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Adopting a strategy by a decision of the committee (an adopted agenda item of its meetings):
/// it becomes public and frozen, with the links to the actions that carry it out; in the audit
/// trail.
enum AdoptStrategy {
    static func run(
        _ fields: [String: String], strategy: Strategy, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> AdoptionOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        let strategyID = try strategy.requireID()
        guard strategy.committeeID == committeeID, committee.territoryID == territory.id else { return .notFound }
        guard strategy.adoptedAt == nil else { return .frozen }
        var errors = FormErrors()
        let itemID = Int(fields["item"] ?? "")
        var decision: Int?
        if let itemID, try await StrategyStore.isAdoptedDecision(itemID: itemID, committeeID: committeeID, on: env.db) {
            decision = itemID
        }
        if decision == nil {
            errors.add(
                "item",
                actor.t(
                    Text(
                        "Choisissez une décision adoptée de cette instance.",
                        "Choose an adopted decision of this committee.")))
        }
        let parsed = TerritoryLinks.parse(fields["links"] ?? "", territory: territory.slug)
        if parsed == nil {
            errors.add(
                "links",
                actor.t(
                    Text(
                        "Les liens sont des adresses de ce territoire, par exemple /\(territory.slug)/actions/3.",
                        "Links are addresses in this territory, e.g. /\(territory.slug)/actions/3.")))
        }
        guard errors.isEmpty, let decision else { return .invalid(errors) }
        let links = parsed ?? []
        let now = env.now
        try await env.db.transaction { db in
            try await StrategyStore.adopt(strategy, byItem: decision, links: links, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.strategy.adopted",
                subject: "strategy \(strategyID) by item \(decision)", on: db)
        }
        return .adopted
    }
}

/// What became of a draft strategy started.
enum StartOutcome: Sendable, Equatable {
    case started(strategyID: Int)
    /// The title is missing or too long (field `strategy_title`).
    case invalid(FormErrors)
    case forbidden
}

/// Starting a draft strategy (its first version, with only its title).
enum StartStrategy {
    static func run(
        _ fields: [String: String], committee: Committee, actor: Actor, env: UseCaseEnvironment
    ) async throws -> StartOutcome {
        let committeeID = try committee.requireID()
        guard try await CommitteesPolicy.mayDraft(actor, committeeID: committeeID, env: env) else { return .forbidden }
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "strategy_title", maxLength: 160, errors: &errors, lang: actor.lang,
            missing: Text("Donnez un titre à la stratégie.", "Give the strategy a title."))
        guard errors.isEmpty else { return .invalid(errors) }
        let now = env.now
        return try await env.db.transaction { db -> StartOutcome in
            let strategy = try await StrategyStore.insertStrategy(
                title: title, committeeID: committeeID, now: now, on: db)
            try await StrategyStore.snapshot(strategy, author: actor.personID, now: now, on: db)
            return .started(strategyID: try strategy.requireID())
        }
    }
}

/// What became of a comment on a section of a draft.
enum CommentOutcome: Sendable, Equatable {
    case commented
    /// The strategy is adopted: it can no longer be changed.
    case frozen
    /// The comment is missing or too long (field `comment`).
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Commenting a section of a draft strategy.
enum CommentSection {
    static func run(
        _ fields: [String: String], section: StrategySection, strategy: Strategy, committee: Committee,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> CommentOutcome {
        let committeeID = try committee.requireID()
        guard strategy.committeeID == committeeID, section.strategyID == strategy.id else { return .notFound }
        guard try await CommitteesPolicy.mayDraft(actor, committeeID: committeeID, env: env) else {
            return .forbidden
        }
        guard strategy.adoptedAt == nil else { return .frozen }
        var errors = FormErrors()
        let body = TextRule.required(
            fields, "comment", maxLength: 2000, errors: &errors, lang: actor.lang,
            missing: Text("Écrivez votre commentaire.", "Write your comment."))
        guard errors.isEmpty else { return .invalid(errors) }
        try await StrategyStore.insertComment(
            sectionID: try section.requireID(), authorID: actor.personID, body: body, now: env.now, on: env.db)
        return .commented
    }
}
