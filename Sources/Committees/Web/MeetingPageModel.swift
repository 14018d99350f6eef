import Core
import Fluent
import Foundation

/// What a meeting's page shows, read once by `MeetingPages.load`: the meeting, its state (seats,
/// agenda, attendance, votes, the previous meeting) and, for the committee's members, its
/// documents. `MeetingPages.view` renders it without a request or a database.
struct MeetingPageModel: Sendable {
    let committee: Committee
    let meeting: Meeting
    let state: MeetingState
    /// The meeting's documents; empty, and not read, when the viewer may not read the members' area.
    let documents: [ListedDocument]
    /// When the page is read: who is in office today, whether the meeting has ended.
    let now: Date

    /// Whether the viewer reads the members' parts of the page (draft minutes, full names,
    /// documents): a seat in office today, or the staff who run committees.
    func viewerIsMember(_ visit: Visit) -> Bool {
        Self.viewerIsMember(visit, seats: state.seats, now: now)
    }

    static func viewerIsMember(_ visit: Visit, seats: [Seat], now: Date) -> Bool {
        let seat = CommitteeContext.viewerSeat(visit, in: seats, today: Day.today(now))
        return CommitteesPolicy.allows(visit.committeeActor, .readMembersArea, on: .seats(holdsSeat: seat != nil))
    }
}

extension MeetingPages {
    /// Loads a meeting's page: its state (`MeetingStore.state`, five queries) and, when the viewer
    /// is a member, the meeting's documents (one query more). Nothing else is read.
    static func load(
        committee: Committee, meeting: Meeting, visit: Visit, now: Date, on db: any Database
    ) async throws -> MeetingPageModel {
        let state = try await MeetingStore.state(of: meeting, committee: committee, on: db)
        let documents =
            MeetingPageModel.viewerIsMember(visit, seats: state.seats, now: now)
            ? try await DocumentStore.list(
                committeeID: try committee.requireID(), meetingID: try meeting.requireID(), on: db)
            : []
        return MeetingPageModel(committee: committee, meeting: meeting, state: state, documents: documents, now: now)
    }
}
