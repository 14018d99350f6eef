import Core
import Foundation
import Questionnaires
import Vapor

/// What the feedback section of the after-event page shows, read once by `load`: how far the
/// sending went, the questionnaire chosen, the open questionnaires to choose from (until it has
/// been sent), and the attendees without an e-mail address. The view, `AfterPages.feedbackView`,
/// is a pure function of it and the visit.
struct FeedbackModel: Sendable {
    /// The questionnaire of the event's link, as found in the territory.
    struct Chosen: Sendable {
        let id: Int
        let title: String
    }

    let context: EventContext
    /// The moment the page is rendered for (sending is refused before the event).
    let now: Date
    let state: FeedbackState
    /// The questionnaire named by the event's link, if any (found in the territory or not).
    let chosenID: Int?
    let chosen: Chosen?
    /// The territory's questionnaires open for answers, while one may still be chosen (nil once
    /// the chosen one has been sent).
    let open: [(id: Int, title: String)]?
    /// Attendees without an e-mail address.
    let offline: [(name: String, phone: String?)]

    /// Sent at least once: the choice is made, only the people checked in since are left.
    var locked: Bool { chosen != nil && context.event.feedback_sent_count > 0 }

    /// Every query of the section, in the order it always ran them: the sending state, the
    /// chosen questionnaire, the open ones (until sent), the attendees without an address.
    static func load(_ req: Request, context: EventContext) async throws -> FeedbackModel {
        let event = context.event
        let state = try await EventStore.feedbackState(eventID: event.id, on: req.db)
        let chosenID = AfterPages.chosenQuestionnaire(context)
        var chosen: Chosen?
        if let chosenID,
            let record = try await QuestionnaireStore.load(chosenID, territoryID: context.territory.id, on: req.db)
        {
            chosen = Chosen(id: record.id, title: record.title)
        }
        var open: [(id: Int, title: String)]?
        if !(chosen != nil && event.feedback_sent_count > 0) {
            open = try await QuestionnaireStore.list(
                territoryID: context.territory.id, includeDrafts: false, on: req.db
            ).filter { $0.status == QStatus.published.rawValue }.map { (id: $0.id, title: $0.title) }
        }
        let offline = try await EventStore.withoutEmail(eventID: event.id, attendedOnly: true, on: req.db)
        return FeedbackModel(
            context: context, now: req.now, state: state, chosenID: chosenID, chosen: chosen, open: open,
            offline: offline)
    }
}
