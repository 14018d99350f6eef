import Core
import Fluent
import Foundation

/// What became of a vote cast on an agenda item.
enum VoteOutcome: Sendable, Equatable {
    /// The vote is counted, in the college of the seat it was cast with.
    case recorded(itemID: Int)
    /// Only voting members present or represented at this meeting vote.
    case notAVoter
    /// No vote is open on this item (never opened, or decided).
    case notOpen
    /// The choice is not one of for, against, abstention.
    case invalid(FormErrors)
    /// This seat has voted on this item already.
    case duplicate
    /// The item is not of this meeting, or the meeting not of this committee.
    case notFound
}

/// Voting on an agenda item: a seated member present or represented (or a substitute present
/// for an absent titular) votes once, in their college, while the vote is open.
enum CastVote {
    /// The form field of an item's vote.
    static func field(itemID: Int) -> String { "choice-\(itemID)" }

    static func run(
        choice raw: String?, item: AgendaItem, meeting: Meeting, committee: Committee, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> VoteOutcome {
        let itemID = try item.requireID()
        guard item.meetingID == meeting.id, meeting.committeeID == committee.id else { return .notFound }
        let state = try await MeetingStore.state(of: meeting, committee: committee, on: env.db)
        let seat = actor.personID.flatMap { state.votingSeat(person: $0) }
        guard let seat, CommitteesPolicy.allows(actor, .vote, on: .meeting(votingSeatID: seat.id)) else {
            return .notAVoter
        }
        guard item.voteOpen, item.decisionMode == nil else { return .notOpen }
        guard let choice = VoteChoice(rawValue: raw ?? "") else {
            var errors = FormErrors()
            errors.add(
                field(itemID: itemID),
                actor.t(Text("Choisissez pour, contre ou abstention.", "Choose for, against or abstention.")))
            return .invalid(errors)
        }
        let now = env.now
        let counted = try await env.db.transaction { db in
            try await MeetingStore.insertVote(
                itemID: itemID, memberID: seat.id, college: seat.collegeValue, choice: choice, now: now, on: db)
        }
        return counted ? .recorded(itemID: itemID) : .duplicate
    }
}

/// What became of the attendance recorded for a meeting.
enum AttendanceOutcome: Sendable, Equatable {
    /// Saved: this many members' attendance (the others are not recorded).
    case recorded(count: Int)
    /// A presence is not one of the list, said next to its member.
    case invalid(FormErrors)
    /// Only the staff record attendance.
    case forbidden
    case notFound
}

/// Recording who was present, represented, excused or absent at a meeting (replacing what was
/// recorded), among the members in office on the day of the meeting, in the audit trail.
enum RecordAttendance {
    /// The form field of a seat's presence.
    static func field(seatID: Int) -> String { "presence-\(seatID)" }

    /// `presence`: what was chosen for each seat, by the seat's id (empty: not recorded).
    static func run(
        _ presence: [Int: String], meeting: Meeting, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> AttendanceOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        let meetingID = try meeting.requireID()
        guard meeting.committeeID == committeeID, committee.territoryID == territory.id else { return .notFound }
        let day = Day.today(meeting.startsAt)
        let seats = try await CommitteeStore.seats(of: committeeID, on: env.db).filter { $0.active(today: day) }
        var chosen: [(member: Int, status: AttendanceStatus)] = []
        var errors = FormErrors()
        for seat in seats {
            let raw = presence[seat.id] ?? ""
            guard !raw.isEmpty else { continue }
            guard let status = AttendanceStatus(rawValue: raw) else {
                errors.add(
                    field(seatID: seat.id),
                    actor.t(Text("Choisissez une présence dans la liste.", "Choose from the list.")))
                continue
            }
            chosen.append((seat.id, status))
        }
        guard errors.isEmpty else { return .invalid(errors) }
        let rows = chosen
        try await env.db.transaction { db in
            try await MeetingStore.replaceAttendance(meetingID: meetingID, rows, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.attendance",
                subject: "meeting \(meetingID): \(rows.count) recorded", on: db)
        }
        return .recorded(count: rows.count)
    }
}

/// What became of opening the vote on an agenda item.
enum OpenVoteOutcome: Sendable, Equatable {
    /// Open; `quorumMet` false when the committee's rules allow a vote without quorum (it is marked).
    case opened(quorumMet: Bool)
    /// Already decided, or the quorum is not met and the rules forbid voting without it.
    case refused(FormErrors)
    case forbidden
    case notFound
}

/// Opening the vote on an agenda item, with the quorum of that moment written on the item.
enum OpenVote {
    static func field(itemID: Int) -> String { "decision-\(itemID)" }

    static func run(
        item: AgendaItem, meeting: Meeting, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> OpenVoteOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let itemID = try item.requireID()
        guard item.meetingID == meeting.id, meeting.committeeID == committee.id,
            committee.territoryID == territory.id
        else { return .notFound }
        let state = try await MeetingStore.state(of: meeting, committee: committee, on: env.db)
        var errors = FormErrors()
        let key = field(itemID: itemID)
        if item.decisionMode != nil {
            errors.add(key, actor.t(Text("Ce point est déjà décidé.", "This item is already decided.")))
        }
        let met = state.quorumMet(committee)
        if !met, !committee.voteWithoutQuorum {
            errors.add(
                key,
                actor.t(
                    Text(
                        "Le quorum n'est pas atteint et les règles de l'instance ne permettent pas de voter sans lui.",
                        "The quorum is not met and the committee's rules do not allow a vote without it.")))
        }
        guard errors.isEmpty else { return .refused(errors) }
        item.voteOpen = true
        item.quorumMet = met
        try await env.db.transaction { db in
            try await item.update(on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.vote.opened",
                subject: "item \(itemID)\(met ? "" : " without quorum")", on: db)
        }
        return .opened(quorumMet: met)
    }
}

/// What became of the approval of the previous meeting's minutes.
enum ApprovalOutcome: Sendable, Equatable {
    /// The previous meeting's minutes are approved (and published) in this meeting.
    case approved(meetingID: Int)
    /// There are no minutes of the previous meeting waiting for approval.
    case nothingToApprove
    case forbidden
    case notFound
}

/// Approving, in a meeting, the minutes of the meeting before it: they are published from then
/// on and can no longer be changed; in the audit trail.
enum ApproveMinutes {
    static func run(
        in meeting: Meeting, committee: Committee, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> ApprovalOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let meetingID = try meeting.requireID()
        guard meeting.committeeID == committee.id, committee.territoryID == territory.id else { return .notFound }
        let state = try await MeetingStore.state(of: meeting, committee: committee, on: env.db)
        guard let previous = state.minutesToApprove else { return .nothingToApprove }
        let previousID = try previous.requireID()
        let now = env.now
        try await env.db.transaction { db in
            try await MeetingStore.approveMinutes(of: previous, in: meetingID, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.minutes.approved",
                subject: "meeting \(previousID) approved in meeting \(meetingID)", on: db)
        }
        return .approved(meetingID: previousID)
    }
}

/// What became of a meeting planned.
enum PlanningOutcome: Sendable, Equatable {
    case planned(meetingID: Int)
    case forbidden
    case notFound
}

/// Planning a meeting with its agenda: the members in office get the invitation by mail, with
/// the links to the meeting and to its calendar file, in the same transaction; in the audit trail.
enum PlanMeeting {
    static func run(
        _ input: MeetingInput, committee: Committee, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> PlanningOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let committeeID = try committee.requireID()
        guard committee.territoryID == territory.id else { return .notFound }
        let today = Day.today(env.now)
        let seats = try await CommitteeStore.seats(of: committeeID, on: env.db).filter { $0.active(today: today) }
        let now = env.now
        let baseURL = env.baseURL
        return try await env.db.transaction { db -> PlanningOutcome in
            let meetingID = try await MeetingStore.insertMeeting(input, committeeID: committeeID, now: now, on: db)
            let addresses = try await CommitteeStore.addresses(of: seats.map(\.person_id), on: db)
            let link = baseURL + CommitteesPaths.meeting.link(territory.slug, committeeID, meetingID)
            let ics = baseURL + CommitteesPaths.invitation.link(territory.slug, committeeID, meetingID)
            for person in addresses {
                try await Mailer.enqueue(
                    to: person.email,
                    subject: "Invitation : séance du \(DateText.day(input.startsAt, lang: .fr)) – \(committee.name)",
                    body: """
                        Bonjour \(person.display_name),

                        Vous êtes invité·e à la séance de « \(committee.name) » le \(DateText.day(input.startsAt, lang: .fr)) de \(ClockTime.text(input.startsAt)) à \(ClockTime.text(input.endsAt)).
                        \(input.place.map { "Lieu : \($0)\n" } ?? "")\(input.link.map { "Visioconférence : \($0)\n" } ?? "")
                        Ordre du jour :
                        \(input.agenda.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n"))

                        Si vous ne pouvez pas venir, prévenez la coordination et, si vous en avez un·e, votre suppléant·e.
                        La séance : \(link)
                        À ajouter à votre agenda : \(ics)

                        —
                        You are invited to the meeting of “\(committee.name)”. Details and the calendar file at the links above.
                        """, on: db)
            }
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.meeting.planned",
                subject: "committee \(committeeID) meeting \(meetingID), \(addresses.count) invitations", on: db)
            return .planned(meetingID: meetingID)
        }
    }
}

/// What became of a decision recorded on an agenda item.
enum DecisionOutcome: Sendable, Equatable {
    /// Recorded: adopted or not (by consensus, always adopted; by vote, under the committee's rule).
    case decided(adopted: Bool)
    /// The text, the mode or the links are wrong, or the item is decided already (next to the item).
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Recording the decision on an agenda item, by consensus or by the vote open on it (counted
/// under the committee's rule); it closes the vote; in the audit trail.
enum RecordDecision {
    static func run(
        _ fields: [String: String], item: AgendaItem, meeting: Meeting, committee: Committee,
        territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> DecisionOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let itemID = try item.requireID()
        guard item.meetingID == meeting.id, meeting.committeeID == committee.id,
            committee.territoryID == territory.id
        else { return .notFound }
        let key = OpenVote.field(itemID: itemID)
        var errors = FormErrors()
        var local = FormErrors()
        let text = TextRule.required(
            fields, "text", maxLength: 3000, errors: &local, lang: actor.lang,
            missing: Text("Écrivez le texte adopté ou soumis au vote.", "Write the text adopted or put to the vote."))
        if let message = local["text"] { errors.add(key, message) }
        let mode = DecisionMode(rawValue: fields["mode"] ?? "")
        if item.decisionMode != nil {
            errors.add(key, actor.t(Text("Ce point est déjà décidé.", "This item is already decided.")))
        }
        if mode == .vote, !item.voteOpen {
            errors.add(key, actor.t(Text("Aucun vote n'est ouvert sur ce point.", "No vote is open on this item.")))
        }
        if mode == nil {
            errors.add(key, actor.t(Text("Choisissez le mode de décision.", "Choose how it was decided.")))
        }
        let parsed = TerritoryLinks.parse(fields["links"] ?? "", territory: territory.slug)
        if parsed == nil {
            errors.add(
                key,
                actor.t(
                    Text(
                        "Les liens sont des adresses de ce territoire, par exemple /\(territory.slug)/propositions/12.",
                        "Links are addresses in this territory, e.g. /\(territory.slug)/propositions/12.")))
        }
        guard errors.isEmpty, let mode else { return .invalid(errors) }
        let votes = try await MeetingStore.votes(itemID: itemID, on: env.db)
        let adopted = mode == .consensus ? true : VoteTally(votes).adopted(under: committee.rule)
        let now = env.now
        try await env.db.transaction { db in
            try await MeetingStore.decide(
                item, mode: mode, text: text, adopted: adopted, links: parsed ?? [], now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.decision",
                subject: "item \(itemID) \(mode) adopted=\(adopted)", on: db)
        }
        return .decided(adopted: adopted)
    }
}

/// What became of minutes written.
enum MinutesOutcome: Sendable, Equatable {
    /// Saved; published once approved at the next meeting.
    case saved
    /// The minutes are approved already: they can no longer be changed (said next to the text).
    case approved(FormErrors)
    /// The text is missing or too long.
    case invalid(FormErrors)
    case forbidden
    case notFound
}

/// Writing (or rewriting) the minutes of a meeting until they are approved; in the audit trail.
enum WriteMinutes {
    static func run(
        _ fields: [String: String], meeting: Meeting, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> MinutesOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let meetingID = try meeting.requireID()
        guard meeting.committeeID == committee.id, committee.territoryID == territory.id else { return .notFound }
        var errors = FormErrors()
        let text = TextRule.required(
            fields, "minutes", maxLength: 20000, errors: &errors, lang: actor.lang,
            missing: Text("Écrivez le compte rendu.", "Write the minutes."))
        guard meeting.minutesApprovedAt == nil else {
            errors.add(
                "minutes",
                actor.t(
                    Text(
                        "Ce compte rendu est approuvé : il ne peut plus être modifié.",
                        "These minutes are approved: they can no longer be changed.")))
            return .approved(errors)
        }
        guard errors.isEmpty else { return .invalid(errors) }
        try await env.db.transaction { db in
            try await MeetingStore.writeMinutes(meeting, text: text, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.minutes.written",
                subject: "meeting \(meetingID)", on: db)
        }
        return .saved
    }
}
