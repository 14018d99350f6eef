import Core
import Fluent
import Foundation
import SQLKit

/// A candidacy with the candidate's name, as the call's page and its draw read it.
struct CandidateRow: Decodable, Sendable {
    let id: Int
    let person_id: Int
    let number: Int
    let motivation: String
    let commune_code: String?
    let age_band: String?
    let status: String
    let display_name: String

    /// Where the candidacy stands.
    var standing: CandidacyStatus { CandidacyStatus(rawValue: status) ?? .pending }

    /// The group the candidate is drawn in, for a balance by commune or by age band.
    func group(balance: DrawBalance) -> String? {
        switch balance {
        case .commune: commune_code ?? "?"
        case .age: age_band ?? "?"
        case .none: nil
        }
    }
}

/// The calls for candidates' SQL: calls, candidacies, and the members a call appoints.
enum CallStore {

    /// The call of this id in this committee.
    static func call(_ id: Int, committeeID: Int, on db: any Database) async throws -> CandidateCall? {
        guard let call = try await CandidateCall.find(id, on: db), call.committeeID == committeeID else { return nil }
        return call
    }

    /// A committee's latest calls.
    static func calls(committeeID: Int, on db: any Database) async throws -> [CandidateCall] {
        try await CandidateCall.query(on: db).filter(\.$committeeID == committeeID).sort(\.$id, .descending)
            .limit(20).all()
    }

    /// A call as typed, with no balance and no decision yet; its id.
    static func insertCall(_ input: CallInput, committeeID: Int, now: Date, on db: any Database) async throws -> Int {
        let call = CandidateCall()
        call.committeeID = committeeID
        call.title = input.title
        call.body = input.body
        call.college = input.college.rawValue
        call.closesOn = input.closesOn
        call.seats = input.seats
        call.balance = ""
        let seed = Draw.freshSeed()
        call.sealedSeed = seed
        call.seedCommitment = Draw.commitment(toSeed: seed)
        call.createdAt = now
        try await call.create(on: db)
        return try call.requireID()
    }

    static func candidates(of callID: Int, on db: any Database) async throws -> [CandidateRow] {
        try await db.sql.raw(
            """
            SELECT c.id, c.person_id, c.number, c.motivation, c.commune_code, c.age_band, c.status, p.display_name
            FROM committee_candidacies c JOIN people p ON p.id = c.person_id WHERE c.call_id = \(bind: callID) ORDER BY c.number LIMIT 1000
            """
        ).all(decoding: CandidateRow.self)
    }

    /// What a candidacy keeps of the person for a balanced draw.
    struct ApplicantFacts: Decodable, Sendable {
        let commune_code: String?
        let age_band: String?
    }

    static func applicantFacts(personID: Int, on db: any Database) async throws -> ApplicantFacts? {
        try await db.sql.raw(
            "SELECT commune_code, age_band FROM people WHERE id = \(bind: personID)"
        ).first(decoding: ApplicantFacts.self)
    }

    /// Adds a pending candidacy with the next number of the call; nil if this person applied
    /// already (the unique (call, person) index refuses a second one, even from two tabs).
    static func insertCandidacy(
        callID: Int, personID: Int, motivation: String, facts: ApplicantFacts?, now: Date, on db: any Database
    ) async throws -> Int? {
        let sql = db.sql
        struct N: Decodable { let n: Int }
        let next =
            (try await sql.raw(
                "SELECT coalesce(max(number), 0) + 1 AS n FROM committee_candidacies WHERE call_id = \(bind: callID)"
            ).first(decoding: N.self)?.n) ?? 1
        let rows = try await sql.raw(
            """
            INSERT INTO committee_candidacies (call_id, person_id, number, motivation, commune_code, age_band, status, created_at)
            VALUES (\(bind: callID), \(bind: personID), \(bind: next), \(bind: motivation), \(bind: facts?.commune_code), \(bind: facts?.age_band), \(bind: CandidacyStatus.pending.rawValue), \(bind: now))
            ON CONFLICT (call_id, person_id) DO NOTHING RETURNING id
            """
        ).all()
        return rows.isEmpty ? nil : next
    }

    static func markCandidacy(_ id: Int, selected: Bool, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE committee_candidacies SET status = \(bind: (selected ? CandidacyStatus.selected : .notSelected).rawValue) WHERE id = \(bind: id)"
        ).run()
    }

    /// Seats a person as a member of the committee.
    static func insertMember(
        committeeID: Int, personID: Int, college: College, mandate: (start: String, end: String), now: Date,
        on db: any Database
    ) async throws {
        let member = CommitteeMember()
        member.committeeID = committeeID
        member.personID = personID
        member.college = college.rawValue
        member.function = MemberFunction.member.rawValue
        member.mandateStart = mandate.start
        member.mandateEnd = mandate.end
        member.named = college != .users
        member.createdAt = now
        try await member.create(on: db)
    }

    /// Closes the call with how it was decided.
    static func markDecided(
        _ call: CandidateCall, seed: String?, balance: String, now: Date, on db: any Database
    ) async throws {
        call.seed = seed
        call.balance = balance
        call.decidedAt = now
        try await call.update(on: db)
    }
}
