import Core

/// Who may do what with committees, in a territory: the one rule of the room, used by the use
/// cases and by the pages to show or hide a button.
public enum CommitteesPolicy {
    /// Coordinators and administrators run committees: create them, seat members, open calls,
    /// select or draw candidates, plan meetings, record attendance, decisions and minutes.
    public static let run: Set<Role> = [.coordinator, .admin]
    /// Any member of the territory may apply to a call and, once seated, vote.
    public static let takePart: Set<Role> = Set(Role.allCases)

    public static func runs(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: run) }

    /// The colleges a person may apply to, from their roles in the territory.
    public static func colleges(for roles: Set<Role>) -> Set<College> {
        var out: Set<College> = []
        if !roles.isDisjoint(with: [.resident, .patientPartner]) { out.insert(.users) }
        if roles.contains(.professional) { out.insert(.professionals) }
        if roles.contains(.decisionMaker) { out.insert(.decisionMakers) }
        return out
    }

    /// What a person does with a committee.
    public enum Action: Sendable, CaseIterable {
        /// A staff action: plan a meeting, record attendance, open a vote, decide, write or
        /// approve minutes, open a call, select or draw its candidates, edit strategies, upload.
        case run
        /// Vote on an agenda item of a meeting (a seated member present or represented).
        case vote
        /// Apply to a call for candidates (a person of the call's college).
        case apply
        /// Read the members' area and the draft minutes (a member seated today, or the staff).
        case readMembersArea
        /// Write draft strategies, comment them, add and read working documents (the same people).
        case draft
    }

    /// The object an action is done on, with the facts the rule needs.
    public enum Subject: Sendable {
        /// The committee itself (staff actions).
        case committee
        /// A meeting: the seat the actor votes with there, if any (`MeetingState.votingSeat`).
        case meeting(votingSeatID: Int?)
        /// A call for candidates: its college.
        case call(college: College)
        /// The committee's members: whether the actor holds a seat today.
        case seats(holdsSeat: Bool)
    }

    public static func allows(_ actor: Actor, _ action: Action, on subject: Subject) -> Bool {
        switch (action, subject) {
        case (.run, _): return runs(actor.roles)
        case (.vote, .meeting(let seat)): return actor.isSignedIn && seat != nil
        case (.apply, .call(let college)): return actor.isSignedIn && colleges(for: actor.roles).contains(college)
        case (.readMembersArea, .seats(let holdsSeat)), (.draft, .seats(let holdsSeat)):
            return runs(actor.roles) || (actor.isSignedIn && holdsSeat)
        default: return false
        }
    }
}
