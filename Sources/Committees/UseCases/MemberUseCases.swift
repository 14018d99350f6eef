import Core
import Fluent
import Foundation

/// What became of a member seated by the staff.
enum SeatingOutcome: Sendable, Equatable {
    case seated(memberID: Int)
    /// The form is wrong, no account of the territory has the address, the person sits already,
    /// or the titular chosen is not one (said next to the fields).
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Seating a person of the territory (found by e-mail) in a committee, with a college, a
/// function and a mandate, possibly as the substitute of a titular; in the audit trail.
enum SeatMember {
    /// `parsed`: the form as `MemberInput.validate` read it.
    static func run(
        _ parsed: Result<MemberInput, FormErrorsBox>, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> SeatingOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        guard committee.territoryID == territory.id else { return .notFound }
        var errors = FormErrors()
        var input: MemberInput?
        switch parsed {
        case .failure(let box): errors = box.errors
        case .success(let value): input = value
        }
        var personID: Int?
        if let input {
            personID = try await CommitteeStore.territoryMember(
                email: input.email, territoryID: territory.id, on: env.db)
            if personID == nil {
                errors.add(
                    "email",
                    actor.t(
                        Text(
                            "Aucun compte de ce territoire n'a cette adresse.",
                            "No account of this territory has this address.")))
            }
            let seats = try await CommitteeStore.seats(of: committeeID, on: env.db)
            if let personID, seats.contains(where: { $0.person_id == personID && $0.mandate_end >= input.start }) {
                errors.add(
                    "email",
                    actor.t(
                        Text("Cette personne siège déjà dans l'instance.", "This person already sits on the committee.")
                    ))
            }
            if let titular = input.substituteOf,
                !seats.contains(where: { $0.id == titular && $0.substitute_of_id == nil })
            {
                errors.add(
                    "substitute_of",
                    actor.t(
                        Text(
                            "Choisissez le ou la titulaire dans la liste.", "Choose the titular member from the list."))
                )
            }
        }
        guard errors.isEmpty, let input, let personID else { return .invalid(errors) }
        let now = env.now
        return try await env.db.transaction { db -> SeatingOutcome in
            let memberID = try await CommitteeStore.insertMember(
                input, committeeID: committeeID, personID: personID, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.member.added",
                subject: "committee \(committeeID) member \(memberID) (\(input.college.rawValue))", on: db)
            return .seated(memberID: memberID)
        }
    }
}

/// What became of a mandate ended.
enum MandateEndOutcome: Sendable, Equatable {
    /// Ended: its last day is now this one.
    case ended(lastDay: String)
    case forbidden
    case notFound
}

/// Ending a member's mandate today: its last day becomes yesterday (or its first day, if it
/// starts today); in the audit trail.
enum EndMandate {
    static func run(
        memberID: Int, committee: Committee, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> MandateEndOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        guard committee.territoryID == territory.id,
            let member = try await CommitteeStore.member(memberID, committeeID: committeeID, on: env.db)
        else { return .notFound }
        let today = Day.today(env.now)
        let yesterday = Day.adding(-1, to: today) ?? today
        let lastDay = max(member.mandateStart, min(member.mandateEnd, yesterday))
        try await env.db.transaction { db in
            try await CommitteeStore.endMandate(member, lastDay: lastDay, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.member.ended",
                subject: "committee \(committeeID) member \(memberID)", on: db)
        }
        return .ended(lastDay: lastDay)
    }
}
