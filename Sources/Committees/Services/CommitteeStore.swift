import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// A seat with the person's name, as the pages show it.
struct Seat: Decodable, Sendable {
    let id: Int
    let person_id: Int
    let college: String
    let function: String
    let mandate_start: String
    let mandate_end: String
    let substitute_of_id: Int?
    let named: Bool
    let display_name: String

    var collegeValue: College { College(rawValue: college) ?? .users }
    var functionValue: MemberFunction { MemberFunction(rawValue: function) ?? .member }
    var votes: Bool { functionValue.votes && substitute_of_id == nil }
    func active(today: String) -> Bool { Mandate.isActive(start: mandate_start, end: mandate_end, today: today) }

    /// The name the public sees: a user member may choose to appear as "membre usager".
    func publicName(_ visit: Visit) -> String { named ? display_name : visit.t(collegeValue.anonymousName) }
}

/// Reading committees with the territory rules: everything is looked up within the territory of
/// the URL, and a tampered id is a 404.
enum CommitteeStore {

    static func committee(_ req: Request) async throws -> Committee {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("committee")),
            let committee = try await Committee.find(id, on: req.db), committee.territoryID == territory.id
        else { throw Abort(.notFound) }
        return committee
    }

    static func meeting(_ req: Request, of committee: Committee) async throws -> Meeting {
        guard let id = PathID.parse(req.parameters.get("meeting")),
            let meeting = try await Meeting.find(id, on: req.db),
            meeting.committeeID == committee.id
        else { throw Abort(.notFound) }
        return meeting
    }

    static func call(_ req: Request, of committee: Committee) async throws -> CandidateCall {
        guard let id = PathID.parse(req.parameters.get("call")),
            let call = try await CandidateCall.find(id, on: req.db),
            call.committeeID == committee.id
        else { throw Abort(.notFound) }
        return call
    }

    /// Every seat of a committee with the person's name, one query; colleges, then functions.
    static func seats(of committeeID: Int, on db: any Database) async throws -> [Seat] {
        let rows = try await db.sql.raw(
            """
            SELECT m.id, m.person_id, m.college, m.function, m.mandate_start, m.mandate_end, m.substitute_of_id, m.named, p.display_name
            FROM committee_members m JOIN people p ON p.id = m.person_id
            WHERE m.committee_id = \(bind: committeeID) ORDER BY m.id LIMIT 500
            """
        ).all(decoding: Seat.self)
        let collegeOrder = Dictionary(uniqueKeysWithValues: College.allCases.enumerated().map { ($1.rawValue, $0) })
        let functionOrder = Dictionary(
            uniqueKeysWithValues: MemberFunction.allCases.enumerated().map { ($1.rawValue, $0) })
        return rows.sorted {
            (collegeOrder[$0.college] ?? 9, functionOrder[$0.function] ?? 9, $0.display_name) < (
                collegeOrder[$1.college] ?? 9, functionOrder[$1.function] ?? 9, $1.display_name
            )
        }
    }

    /// The viewer's active seat in the committee, if any.
    static func viewerSeat(_ visit: Visit, in seats: [Seat], today: String = Day.today()) -> Seat? {
        guard let person = visit.viewer?.personID else { return nil }
        return seats.first { $0.person_id == person && $0.active(today: today) }
    }

    /// The person of the territory with this e-mail, one query; nil when they are not a member of it.
    static func territoryMember(email: String, territoryID: Int, on db: any Database) async throws -> Int? {
        struct Row: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            SELECT p.id FROM people p JOIN memberships m ON m.person_id = p.id
            WHERE p.email = \(bind: email) AND m.territory_id = \(bind: territoryID) LIMIT 1
            """
        ).first(decoding: Row.self)?.id
    }
}
