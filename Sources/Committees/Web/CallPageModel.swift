import Core
import Fluent
import Foundation

/// What a call for candidates' page shows, read once by `CallPages.load`: the call and its
/// candidacies. `CallPages.view` renders it without a request or a database.
struct CallPageModel: Sendable {
    let committee: Committee
    let call: CandidateCall
    /// Every candidacy, with the candidate's name: the count, the viewer's own, the draw, the staff's table.
    let candidates: [CandidateRow]
    /// The day the page is read (`yyyy-MM-dd`): whether the call is open, how many days are left.
    let today: String

    /// Whether applications are still taken: undecided, and not past its closing day.
    var isOpen: Bool { call.decidedAt == nil && call.closesOn >= today }
}

extension CallPages {
    /// Loads a call's page: its candidacies, one query (`CallStore.candidates`).
    static func load(
        committee: Committee, call: CandidateCall, now: Date, on db: any Database
    ) async throws -> CallPageModel {
        let candidates = try await CallStore.candidates(of: try call.requireID(), on: db)
        return CallPageModel(committee: committee, call: call, candidates: candidates, today: Day.today(now))
    }
}
