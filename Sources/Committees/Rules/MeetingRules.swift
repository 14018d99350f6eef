import Core
import Foundation

/// A meeting as its rules see it: the committee's seats, the agenda, who was present, the votes
/// cast, and the meeting before it (whose minutes this one approves). The quorum and who votes
/// are decided here, from these facts only.
struct MeetingState: Sendable {
    let seats: [Seat]
    let items: [AgendaItem]
    let attendance: [Int: AttendanceStatus]
    let votes: [Int: [(member: Int, college: College, choice: VoteChoice)]]
    let previous: Meeting?
    /// The day of the meeting: who is in office that day counts.
    let today: String

    /// Titular voting members in office on the day of the meeting.
    var voting: [Seat] { seats.filter { $0.votes && $0.active(today: today) } }
    /// Present or represented voting members; a substitute present for an absent titular counts for them.
    var counted: Int {
        var count = voting.filter { attendance[$0.id]?.counts == true }.count
        for substitute in seats
        where substitute.substitute_of_id != nil && attendance[substitute.id]?.counts == true {
            if let titular = substitute.substitute_of_id, attendance[titular]?.counts != true,
                voting.contains(where: { $0.id == titular })
            {
                count += 1
            }
        }
        return count
    }
    func quorum(_ committee: Committee) -> Int {
        Quorum.required(votingMembers: voting.count, percent: committee.quorumPercent)
    }
    func quorumMet(_ committee: Committee) -> Bool { counted >= quorum(committee) }

    /// The seat a person votes with in this meeting: a titular present or represented, or a
    /// substitute present in place of an absent titular (voting in the titular's college).
    func votingSeat(person: Int) -> Seat? {
        let mine = seats.filter { $0.person_id == person && $0.active(today: today) }
        if let titular = mine.first(where: { $0.votes && attendance[$0.id]?.counts == true }) { return titular }
        return mine.first { seat in
            guard let titular = seat.substitute_of_id, attendance[seat.id]?.counts == true else { return false }
            return attendance[titular]?.counts != true
        }
    }

    /// The minutes this meeting may approve: the previous meeting's, written and not yet approved.
    var minutesToApprove: Meeting? {
        guard let previous, previous.minutesApprovedAt == nil, (previous.minutes ?? "").isEmpty == false else {
            return nil
        }
        return previous
    }
}

/// How an agenda item was decided, as stored in `committee_agenda_items.decision_mode`.
public enum DecisionMode: String, Sendable, CaseIterable, Codable {
    case consensus
    case vote

    /// The mode stored for an item (nil: not decided, or a value no version wrote).
    public init?(stored: String?) {
        guard let stored, let mode = DecisionMode(rawValue: stored) else { return nil }
        self = mode
    }
}

/// Where a candidacy to a call for candidates stands, as stored in `committee_candidacies.status`.
public enum CandidacyStatus: String, Sendable, CaseIterable, Codable {
    case pending
    case selected
    case notSelected = "not_selected"

    public var label: Text {
        switch self {
        case .pending: Text("en attente", "pending")
        case .selected: Text("retenue", "selected")
        case .notSelected: Text("non retenue", "not selected")
        }
    }
}

/// What a draw of candidates balances, as stored in `committee_calls.balance` ("" for none).
public enum DrawBalance: String, Sendable, CaseIterable, Codable {
    case none = ""
    case commune
    case age

    public var label: Text {
        switch self {
        case .none: Text("Aucun", "None")
        case .commune: Text("Par commune", "By municipality")
        case .age: Text("Par tranche d'âge", "By age band")
        }
    }

    /// The words after "équilibre par" on a call's result.
    public var by: Text {
        switch self {
        case .none: Text("", "")
        case .commune: Text("commune", "municipality")
        case .age: Text("tranche d'âge", "age band")
        }
    }
}
