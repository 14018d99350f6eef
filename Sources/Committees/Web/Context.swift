import Core
import Fluent
import Foundation
import Vapor

/// The objects of a committee URL, looked up within the territory of the URL: a tampered id is a 404.
enum CommitteeContext {

    static func committee(_ req: Request) async throws -> Committee {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("committee")),
            let committee = try await CommitteeStore.committee(id, territoryID: territory.id, on: req.db)
        else { throw Abort(.notFound) }
        return committee
    }

    static func meeting(_ req: Request, of committee: Committee) async throws -> Meeting {
        guard let id = PathID.parse(req.parameters.get("meeting")),
            let meeting = try await MeetingStore.meeting(id, committeeID: try committee.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        return meeting
    }

    static func call(_ req: Request, of committee: Committee) async throws -> CandidateCall {
        guard let id = PathID.parse(req.parameters.get("call")),
            let call = try await CallStore.call(id, committeeID: try committee.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        return call
    }

    static func item(_ req: Request, of meeting: Meeting) async throws -> AgendaItem {
        guard let id = PathID.parse(req.parameters.get("item")),
            let item = try await MeetingStore.item(id, meetingID: try meeting.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        return item
    }

    /// The viewer's active seat in the committee, if any.
    static func viewerSeat(_ visit: Visit, in seats: [Seat], today: String) -> Seat? {
        guard let person = visit.viewer?.personID else { return nil }
        return seats.first { $0.person_id == person && $0.active(today: today) }
    }

}

extension Visit {
    /// The person of this visit, as the committees' policy and use cases see them.
    var committeeActor: Actor {
        Actor(
            personID: viewer?.personID, name: viewer?.displayName, email: viewer?.email, roles: rolesHere, lang: lang)
    }
}
