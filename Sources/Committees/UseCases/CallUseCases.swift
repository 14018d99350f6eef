import Core
import Fluent
import Foundation

/// What became of an application to a call for candidates.
enum ApplicationOutcome: Sendable, Equatable {
    /// Recorded, under this number (the number the draw uses).
    case applied(number: Int)
    /// The motivation is missing or too long.
    case invalid(FormErrors)
    /// The call is decided, or its closing day has passed (said next to the motivation).
    case closed(FormErrors)
    /// The call is for another college than the person's (said next to the motivation).
    case forbidden(FormErrors)
    /// This person applied to this call already.
    case duplicate
    case notFound
}

/// Applying to a call for candidates: a person of the call's college, while it is open, once;
/// the person's commune and age band are kept for a balanced draw.
enum ApplyToCall {
    static func run(
        motivation fields: [String: String], call: CandidateCall, committee: Committee, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> ApplicationOutcome {
        let callID = try call.requireID()
        guard call.committeeID == committee.id else { return .notFound }
        var errors = FormErrors()
        let motivation = TextRule.required(
            fields, "motivation", maxLength: 1500, errors: &errors, lang: actor.lang,
            missing: Text(
                "Dites en quelques phrases pourquoi vous souhaitez siéger.",
                "Say in a few sentences why you wish to sit."))
        let college = College(rawValue: call.college) ?? .users
        if call.decidedAt != nil || call.closesOn < Day.today(env.now) {
            errors.add(
                "motivation",
                actor.t(
                    Text(
                        "Les candidatures sont closes depuis le \(DateText.day(iso: call.closesOn, lang: .fr)).",
                        "Applications closed on \(DateText.day(iso: call.closesOn, lang: .en)).")))
            return .closed(errors)
        }
        guard let person = actor.personID, CommitteesPolicy.allows(actor, .apply, on: .call(college: college)) else {
            errors.add(
                "motivation",
                actor.t(
                    Text(
                        "Cet appel s'adresse à un autre collège que le vôtre.",
                        "This call is for another college than yours.")))
            return .forbidden(errors)
        }
        guard errors.isEmpty else { return .invalid(errors) }
        let now = env.now
        let number = try await env.db.transaction { db in
            let facts = try await CallStore.applicantFacts(personID: person, on: db)
            return try await CallStore.insertCandidacy(
                callID: callID, personID: person, motivation: motivation, facts: facts, now: now, on: db)
        }
        guard let number else { return .duplicate }
        return .applied(number: number)
    }
}

/// How the members of a call are chosen.
enum Appointment: Sendable, Equatable {
    /// By the coordinators: the candidacies' numbers ticked.
    case selection(Set<Int>)
    /// By lot, from the seed the platform fixed when the call opened (its SHA-256 published since),
    /// with a balance ("", "commune", "age").
    case draw(balance: String)
}

/// What became of the appointment of a call's members.
enum AppointmentOutcome: Sendable, Equatable {
    /// These candidacies' numbers are seated (the others are marked not selected).
    case appointed(numbers: Set<Int>)
    /// Something typed or ticked is wrong, said next to its field.
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Appointing the members of a call, chosen by hand or drawn by lot from a published seed (see
/// `Draw`): every candidacy is marked selected or not, the selected are seated (unless already
/// in office then), and the call is closed, in one transaction, in the audit trail.
enum AppointMembers {
    /// `parseErrors`: what the form's reading found wrong already (the mandate, the seed).
    static func run(
        _ appointment: Appointment, mandate: (start: String, end: String)?, parseErrors: FormErrors,
        call: CandidateCall, committee: Committee, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> AppointmentOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let callID = try call.requireID()
        let committeeID = try committee.requireID()
        guard call.committeeID == committeeID, committee.territoryID == territory.id else { return .notFound }
        var errors = parseErrors
        if call.decidedAt != nil {
            errors.add(
                "selected",
                actor.t(
                    Text(
                        "Les membres de cet appel sont déjà désignés.",
                        "The members of this call are already appointed.")))
        }
        let list = try await CallStore.candidates(of: callID, on: env.db)
        let chosen: Set<Int>
        let seed: String?
        let balance: DrawBalance
        switch appointment {
        case .selection(let numbers):
            let known = Set(list.map(\.number))
            if numbers.isEmpty || !numbers.isSubset(of: known) {
                errors.add(
                    "selected",
                    actor.t(
                        Text(
                            "Cochez au moins une candidature de la liste.",
                            "Tick at least one application from the list.")))
            } else if numbers.count > call.seats {
                errors.add(
                    "selected",
                    actor.t(
                        Text(
                            Counted.text(call.seats, fr: ("siège", "sièges"), en: ("", "")).fr
                                + " au plus : décochez-en \(numbers.count - call.seats).",
                            Counted.text(call.seats, fr: ("", ""), en: ("seat", "seats")).en
                                + " at most: untick \(numbers.count - call.seats).")))
            }
            chosen = numbers
            seed = nil
            balance = .none
        case .draw(let typed):
            let drawBalance = DrawBalance(rawValue: typed) ?? .none
            if DrawBalance(rawValue: typed) == nil {
                errors.add(
                    "balance",
                    actor.t(Text("Choisissez un équilibre dans la liste.", "Choose a balance from the list.")))
            }
            if list.isEmpty {
                errors.add(
                    "seed",
                    actor.t(Text("Il n'y a aucune candidature à tirer au sort.", "There is no application to draw.")))
            }
            // Every call has its sealed seed since `Committees.004`; none is ever typed.
            let sealed = call.sealedSeed ?? Draw.freshSeed()
            let drawSeed = UInt64(sealed) ?? 0
            chosen = Set(
                Draw.draw(
                    list.map { Draw.Candidate(number: $0.number, group: $0.group(balance: drawBalance)) },
                    seats: call.seats, seed: drawSeed, balanced: drawBalance != .none))
            seed = sealed
            balance = drawBalance
        }
        guard errors.isEmpty, let mandate else { return .invalid(errors) }
        let seats = try await CommitteeStore.seats(of: committeeID, on: env.db)
        let college = College(rawValue: call.college) ?? .users
        let now = env.now
        try await env.db.transaction { db in
            for candidate in list {
                let selected = chosen.contains(candidate.number)
                try await CallStore.markCandidacy(candidate.id, selected: selected, on: db)
                guard selected,
                    !seats.contains(where: { $0.person_id == candidate.person_id && $0.mandate_end >= mandate.start })
                else { continue }
                try await CallStore.insertMember(
                    committeeID: committeeID, personID: candidate.person_id, college: college, mandate: mandate,
                    now: now, on: db)
            }
            try await CallStore.markDecided(call, seed: seed, balance: balance.rawValue, now: now, on: db)
            let numbers = chosen.sorted().map(String.init).joined(separator: ",")
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id,
                action: seed == nil ? "committee.call.selected" : "committee.call.drawn",
                subject: "committee \(committeeID) call \(callID): \(numbers)\(seed.map { " seed \($0)" } ?? "")",
                on: db)
        }
        return .appointed(numbers: chosen)
    }
}

/// What became of a call for candidates opened.
enum OpeningOutcome: Sendable, Equatable {
    case opened(callID: Int)
    case forbidden
    case notFound
}

/// Opening a call for candidates in a committee (read by `CallInput.validate`); in the audit trail.
enum OpenCall {
    static func run(
        _ input: CallInput, committee: Committee, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> OpeningOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        guard committee.territoryID == territory.id else { return .notFound }
        let now = env.now
        return try await env.db.transaction { db -> OpeningOutcome in
            let callID = try await CallStore.insertCall(input, committeeID: committeeID, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.call.opened",
                subject: "committee \(committeeID) call \(callID)", on: db)
            return .opened(callID: callID)
        }
    }
}
