import Core
import Fluent
import Foundation

/// What a strategy's page shows, read once by `StrategyPages.load`: the strategy and its
/// sections, and for those who draft it the comments, the versions and (for the staff, while it
/// is a draft) the decisions that may adopt it. `StrategyPages.view` renders it without a
/// request or a database.
struct StrategyPageModel: Sendable {
    let committee: Committee
    let strategy: Strategy
    /// Whether the viewer drafts strategies here (a seat in office, or the staff who run committees).
    let drafter: Bool
    let sections: [StrategySection]
    /// The members' comments, for drafters only (empty, and not read, otherwise).
    let comments: [StrategyStore.CommentRow]
    /// The versions of the text, the latest first, for drafters only (empty, and not read, otherwise).
    let versions: [StrategyStore.VersionRow]
    /// The committee's adopted decisions, for the staff's adoption form (empty, and not read, otherwise).
    let decisions: [StrategyStore.DecidedItem]
    /// The version the URL asks to read (`?version=`), if any.
    let requestedVersion: Int?

    var adopted: Bool { strategy.adoptedAt != nil }
    /// Drafters change a strategy until it is adopted.
    var editing: Bool { drafter && !adopted }

    /// Whether the staff's adoption form is shown: a draft, to someone who runs committees.
    static func showsAdoption(editing: Bool, visit: Visit) -> Bool {
        editing && CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee)
    }
}

extension StrategyPages {
    /// Loads a strategy's page: who may draft (the seats, one query, unless the viewer runs
    /// committees), then the sections and, for drafters, the comments and versions, and for the
    /// staff on a draft the decisions that may adopt it. A draft is refused (403) to anyone else.
    static func load(
        committee: Committee, strategy: Strategy, version: Int?, visit: Visit, now: Date, on db: any Database
    ) async throws -> StrategyPageModel {
        let sid = try strategy.requireID()
        let drafter = try await mayDraft(visit: visit, committee: committee, now: now, on: db)
        guard strategy.adoptedAt != nil || drafter else { throw forbiddenToDraft(visit) }
        let sections = try await StrategyStore.sections(strategyID: sid, on: db)
        let comments = drafter ? try await StrategyStore.comments(strategyID: sid, on: db) : []
        let versions = drafter ? try await StrategyStore.versions(strategyID: sid, on: db) : []
        let editing = drafter && strategy.adoptedAt == nil
        let decisions =
            StrategyPageModel.showsAdoption(editing: editing, visit: visit)
            ? try await StrategyStore.adoptedDecisions(committeeID: try committee.requireID(), on: db) : []
        return StrategyPageModel(
            committee: committee, strategy: strategy, drafter: drafter, sections: sections, comments: comments,
            versions: versions, decisions: decisions, requestedVersion: version)
    }
}
