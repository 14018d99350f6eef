import Core
import Fluent
import Foundation
import SQLKit

/// The meetings' SQL: the meeting and its agenda items, attendance, votes, minutes.
enum MeetingStore {

    /// The meeting of this id in this committee.
    static func meeting(_ id: Int, committeeID: Int, on db: any Database) async throws -> Meeting? {
        guard let meeting = try await Meeting.find(id, on: db), meeting.committeeID == committeeID else { return nil }
        return meeting
    }

    /// A committee's meetings, the latest first.
    static func meetings(committeeID: Int, limit: Int = 100, on db: any Database) async throws -> [Meeting] {
        try await Meeting.query(on: db).filter(\.$committeeID == committeeID).sort(\.$startsAt, .descending)
            .limit(limit).all()
    }

    /// A committee's meetings from `now` on, the next first.
    static func upcoming(committeeID: Int, from now: Date, on db: any Database) async throws -> [Meeting] {
        try await Meeting.query(on: db).filter(\.$committeeID == committeeID).filter(\.$startsAt >= now)
            .sort(\.$startsAt).limit(20).all()
    }

    /// A committee's meetings whose minutes are written and not yet approved, the latest first.
    static func unapprovedMinutes(committeeID: Int, on db: any Database) async throws -> [Meeting] {
        try await Meeting.query(on: db).filter(\.$committeeID == committeeID).filter(\.$minutesApprovedAt == nil)
            .sort(\.$startsAt, .descending).limit(50).all().filter { ($0.minutes ?? "").isEmpty == false }
    }

    /// A decision on the public record.
    struct Decision: Decodable, Sendable {
        let meeting_id: Int
        let starts_at: Date
        let title: String
        let decision_mode: String
        let decision_text: String
        let adopted: Bool
        let quorum_met: Bool?
    }

    /// A committee's decisions, the latest meeting first: one query.
    static func decisions(committeeID: Int, on db: any Database) async throws -> [Decision] {
        try await db.sql.raw(
            """
            SELECT i.meeting_id, s.starts_at, i.title, i.decision_mode, i.decision_text, i.adopted, i.quorum_met
            FROM committee_agenda_items i JOIN committee_meetings s ON s.id = i.meeting_id
            WHERE s.committee_id = \(bind: committeeID) AND i.decided_at IS NOT NULL ORDER BY s.starts_at DESC, i.position LIMIT 200
            """
        ).all(decoding: Decision.self)
    }

    /// The agenda item of this id in this meeting.
    static func item(_ id: Int, meetingID: Int, on db: any Database) async throws -> AgendaItem? {
        guard let item = try await AgendaItem.find(id, on: db), item.meetingID == meetingID else { return nil }
        return item
    }

    /// Everything the meeting's rules and page need, in five queries.
    static func state(of meeting: Meeting, committee: Committee, on db: any Database) async throws -> MeetingState {
        let id = try meeting.requireID()
        let committeeID = try committee.requireID()
        let sql = db.sql
        let seats = try await CommitteeStore.seats(of: committeeID, on: db)
        let items = try await AgendaItem.query(on: db).filter(\.$meetingID == id).sort(\.$position).all()
        struct Presence: Decodable { let member_id: Int; let status: String }
        let presences = try await sql.raw(
            "SELECT member_id, status FROM committee_attendance WHERE meeting_id = \(bind: id)"
        ).all(decoding: Presence.self)
        var attendance: [Int: AttendanceStatus] = [:]
        for row in presences { attendance[row.member_id] = AttendanceStatus(rawValue: row.status) }
        struct VoteRow: Decodable { let item_id: Int; let member_id: Int?; let college: String; let choice: String }
        let itemIDs = items.compactMap(\.id)
        let voteRows =
            itemIDs.isEmpty
            ? []
            : try await sql.raw(
                "SELECT item_id, member_id, college, choice FROM committee_votes WHERE item_id IN (\(binds: itemIDs))"
            ).all(decoding: VoteRow.self)
        var votes: [Int: [(member: Int, college: College, choice: VoteChoice)]] = [:]
        for row in voteRows {
            guard let college = College(rawValue: row.college), let choice = VoteChoice(rawValue: row.choice) else {
                continue
            }
            votes[row.item_id, default: []].append((row.member_id ?? 0, college, choice))
        }
        let previous = try await Meeting.query(on: db).filter(\.$committeeID == committeeID).filter(
            \.$startsAt < meeting.startsAt
        )
        .sort(\.$startsAt, .descending).first()
        return MeetingState(
            seats: seats, items: items, attendance: attendance, votes: votes, previous: previous,
            today: Day.today(meeting.startsAt))
    }

    /// A meeting and its agenda, one item per line typed; its id.
    static func insertMeeting(
        _ input: MeetingInput, committeeID: Int, now: Date, on db: any Database
    ) async throws -> Int {
        let meeting = Meeting()
        meeting.committeeID = committeeID
        meeting.startsAt = input.startsAt
        meeting.endsAt = input.endsAt
        meeting.place = input.place
        meeting.onlineLink = input.link
        meeting.createdAt = now
        try await meeting.create(on: db)
        let meetingID = try meeting.requireID()
        for (index, title) in input.agenda.enumerated() {
            let item = AgendaItem()
            item.meetingID = meetingID
            item.position = index + 1
            item.title = title
            item.voteOpen = false
            try await item.create(on: db)
        }
        return meetingID
    }

    /// Records the decision on an item (and closes its vote).
    static func decide(
        _ item: AgendaItem, mode: DecisionMode, text: String, adopted: Bool, links: [String], now: Date,
        on db: any Database
    ) async throws {
        item.decisionMode = mode.rawValue
        item.decisionText = text
        item.adopted = adopted
        item.voteOpen = false
        item.links = links.isEmpty ? nil : links.joined(separator: "\n")
        item.decidedAt = now
        try await item.update(on: db)
    }

    static func writeMinutes(_ meeting: Meeting, text: String, on db: any Database) async throws {
        meeting.minutes = text
        try await meeting.update(on: db)
    }

    /// Replaces the attendance of a meeting.
    static func replaceAttendance(
        meetingID: Int, _ rows: [(member: Int, status: AttendanceStatus)], on db: any Database
    ) async throws {
        let sql = db.sql
        try await sql.raw("DELETE FROM committee_attendance WHERE meeting_id = \(bind: meetingID)").run()
        for row in rows {
            try await sql.raw(
                "INSERT INTO committee_attendance (meeting_id, member_id, status) VALUES (\(bind: meetingID), \(bind: row.member), \(bind: row.status.rawValue))"
            ).run()
        }
    }

    /// Records a vote; false if this seat has voted on this item already. The unique (item,
    /// member) index refuses a second vote, even sent twice at once.
    static func insertVote(
        itemID: Int, memberID: Int, college: College, choice: VoteChoice, now: Date, on db: any Database
    ) async throws -> Bool {
        let rows = try await db.sql.raw(
            """
            INSERT INTO committee_votes (item_id, member_id, college, choice, created_at)
            VALUES (\(bind: itemID), \(bind: memberID), \(bind: college.rawValue), \(bind: choice.rawValue), \(bind: now))
            ON CONFLICT (item_id, member_id) DO NOTHING RETURNING member_id
            """
        ).all()
        return !rows.isEmpty
    }

    /// The votes cast on an item, college and choice.
    static func votes(itemID: Int, on db: any Database) async throws -> [(College, VoteChoice)] {
        struct Row: Decodable { let college: String; let choice: String }
        return try await db.sql.raw(
            "SELECT college, choice FROM committee_votes WHERE item_id = \(bind: itemID)"
        ).all(decoding: Row.self).compactMap { row in
            guard let college = College(rawValue: row.college), let choice = VoteChoice(rawValue: row.choice) else {
                return nil
            }
            return (college, choice)
        }
    }

    /// Marks the minutes of `previous` approved in meeting `in`.
    static func approveMinutes(of previous: Meeting, in meetingID: Int, now: Date, on db: any Database) async throws {
        previous.minutesApprovedAt = now
        previous.minutesApprovedIn = meetingID
        try await previous.update(on: db)
    }
}
