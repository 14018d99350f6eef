import Core
import Fluent
import Foundation

/// What a committee's public record shows, read once by `CommitteePages.load`: its seats, its
/// meetings, its calls, its decisions and its adopted strategies. `CommitteePages.view` renders
/// it without a request or a database.
struct CommitteePageModel: Sendable {
    let committee: Committee
    /// Every seat, past ones too (a substitute names the titular they stand in for).
    let seats: [Seat]
    /// The meetings, the latest first.
    let meetings: [Meeting]
    /// Every call; the page lists the open ones.
    let calls: [CandidateCall]
    let decisions: [MeetingStore.Decision]
    /// The adopted strategies, the latest first.
    let strategies: [Strategy]
    /// When the page is read: who is in office, which meetings are upcoming, which calls are open.
    let now: Date

    var today: String { Day.today(now) }
}

extension CommitteePages {
    /// Loads a committee's public record: seats, meetings, calls, decisions and adopted
    /// strategies, one query each.
    static func load(committee: Committee, now: Date, on db: any Database) async throws -> CommitteePageModel {
        let id = try committee.requireID()
        let seats = try await CommitteeStore.seats(of: id, on: db)
        let meetings = try await MeetingStore.meetings(committeeID: id, on: db)
        let calls = try await CallStore.calls(committeeID: id, on: db)
        let decisions = try await MeetingStore.decisions(committeeID: id, on: db)
        let strategies = try await StrategyStore.adopted(committeeID: id, on: db)
        return CommitteePageModel(
            committee: committee, seats: seats, meetings: meetings, calls: calls, decisions: decisions,
            strategies: strategies, now: now)
    }
}
