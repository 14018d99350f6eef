import Core
import Fluent
import Foundation
import SQLKit

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

/// The committees' seats and people, read from the database.
enum CommitteeStore {

    /// The committee of this id in this territory.
    static func committee(_ id: Int, territoryID: Int, on db: any Database) async throws -> Committee? {
        guard let committee = try await Committee.find(id, on: db), committee.territoryID == territoryID else {
            return nil
        }
        return committee
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

    /// A committee in the territory's list.
    struct Listed: Decodable, Sendable {
        let id: Int
        let name: String
        let purpose: String
        let seats: Int
        let next_meeting: Date?
    }

    /// The territory's committees, with their members in office and their next meeting: one query.
    static func list(territoryID: Int, today: String, now: Date, on db: any Database) async throws -> [Listed] {
        try await db.sql.raw(
            """
            SELECT c.id, c.name, c.purpose,
              (SELECT count(*) FROM committee_members m WHERE m.committee_id = c.id AND m.mandate_end >= \(bind: today)) AS seats,
              (SELECT min(s.starts_at) FROM committee_meetings s WHERE s.committee_id = c.id AND s.starts_at >= \(bind: now)) AS next_meeting
            FROM committees c WHERE c.territory_id = \(bind: territoryID) ORDER BY c.name LIMIT 100
            """
        ).all(decoding: Listed.self)
    }

    /// A committee with the rules typed; its id.
    static func insertCommittee(
        _ input: CommitteeInput, territoryID: Int, now: Date, on db: any Database
    ) async throws -> Int {
        let committee = Committee()
        committee.territoryID = territoryID
        committee.name = input.name
        committee.purpose = input.purpose
        committee.themesMask = Theme.mask(input.themes)
        committee.communes = input.communes.joined(separator: ",")
        committee.quorumPercent = input.quorumPercent
        committee.decisionRule = input.rule.rawValue
        committee.voteWithoutQuorum = input.voteWithoutQuorum
        committee.minimumSharePercent = input.minimumSharePercent
        committee.createdAt = now
        try await committee.create(on: db)
        return try committee.requireID()
    }

    /// The seat of this id in this committee.
    static func member(_ id: Int, committeeID: Int, on db: any Database) async throws -> CommitteeMember? {
        guard let member = try await CommitteeMember.find(id, on: db), member.committeeID == committeeID else {
            return nil
        }
        return member
    }

    /// Seats a person as the form says; the seat's id.
    static func insertMember(
        _ input: MemberInput, committeeID: Int, personID: Int, now: Date, on db: any Database
    ) async throws -> Int {
        let member = CommitteeMember()
        member.committeeID = committeeID
        member.personID = personID
        member.college = input.college.rawValue
        member.function = input.function.rawValue
        member.mandateStart = input.start
        member.mandateEnd = input.end
        member.substituteOfID = input.substituteOf
        member.named = input.named
        member.createdAt = now
        try await member.create(on: db)
        return try member.requireID()
    }

    static func endMandate(_ member: CommitteeMember, lastDay: String, on db: any Database) async throws {
        member.mandateEnd = lastDay
        try await member.update(on: db)
    }

    /// A person's address for the committee's mails.
    struct Address: Decodable, Sendable {
        let email: String
        let display_name: String
    }

    /// The addresses of these people (those with an e-mail), one query.
    static func addresses(of people: [Int], on db: any Database) async throws -> [Address] {
        guard !people.isEmpty else { return [] }
        return try await db.sql.raw(
            "SELECT email, display_name FROM people WHERE email IS NOT NULL AND id IN (\(binds: people))"
        ).all(decoding: Address.self)
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
