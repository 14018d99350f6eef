import Core
import Foundation
import Vapor

/// What the organiser's live page shows, read once by `load`: the event and everything live of
/// it. The view, `LivePages.organiserView`, is a pure function of it and the visit.
struct LiveOrganiserModel: Sendable {
    let context: EventContext
    let data: LiveStore.LiveData
    /// The platform's address, which participants type (`…/participer`).
    let baseURL: String

    /// The address a participant's phone opens (the QR code's).
    var joinURL: String { baseURL + EventsPaths.participate.link(context.event.live_code) }
    /// What a result needs to start a proposal.
    var source: LivePages.ProposalSource {
        LivePages.ProposalSource(event: context.event, territory: context.territory)
    }

    /// The page's one read: the event's activities, options, ideas and counts.
    static func load(_ req: Request, context: EventContext) async throws -> LiveOrganiserModel {
        LiveOrganiserModel(
            context: context, data: try await LiveStore.activities(eventID: context.event.id, on: req.db),
            baseURL: req.agora.config.baseURL)
    }
}

/// What a participant's page shows, read once by `load`: the event of the code, its live
/// activities and this participant's own votes. The view, `LivePages.participantView`, is a pure
/// function of it and the visit.
struct LiveParticipantModel: Sendable {
    let event: EventRecord
    /// The SHA-256 of the participant's cookie token.
    let participant: String
    let data: LiveStore.LiveData
    /// What this participant already voted for or answered.
    let votes: [LiveStore.Vote]
    /// The moment the page is rendered for (contributions close 12 h after the end).
    let now: Date

    /// Why nobody may contribute any more (draft, cancelled, ended), or nil while it is open.
    var closed: LiveRules.Closed? { LiveRules.closed(status: event.status, endsAt: event.ends_at, now: now) }

    /// The targets (ideas, options) this participant voted for in `activity`.
    func voted(on activity: LiveStore.Activity) -> Set<Int> {
        Set(votes.filter { $0.activity_id == activity.id }.map(\.target_id))
    }

    /// The page's reads, in the order it always ran them: everything live of the event, then the
    /// participant's votes.
    static func load(_ req: Request, event: EventRecord, participant: String) async throws -> LiveParticipantModel {
        let data = try await LiveStore.activities(eventID: event.id, on: req.db)
        let votes = try await LiveStore.votes(eventID: event.id, participant: participant, on: req.db)
        return LiveParticipantModel(event: event, participant: participant, data: data, votes: votes, now: req.now)
    }
}
