import Core
import Fluent
import Foundation

/// The organiser opens a live activity: a poll, an idea wall or a ranking (of ideas ticked on
/// the walls and options typed).
public enum OpenActivity {
    public enum Outcome: Sendable, Equatable {
        case opened(Int)
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ fields: [String: String], lists: [String: [String]], event: EventRecord, territory: TerritoryInfo,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        var errors = FormErrors()
        let kind = ActivityKind(rawValue: fields["kind"] ?? "")
        if kind == nil {
            errors.add("kind", actor.t(Text("Choisissez le type d'activité.", "Choose the kind of activity.")))
        }
        let question = TextRule.required(
            fields, "question", maxLength: 200, errors: &errors, lang: actor.lang,
            missing: Text("Écrivez la question posée.", "Write the question asked."))
        var options: [String] = []
        func take(_ result: Result<[String], FormErrorsBox>) {
            switch result {
            case .success(let list): options = list
            case .failure(let box): for item in box.errors.items { errors.add(item.field, item.message) }
            }
        }
        if kind?.isPoll == true {
            take(LiveRules.pollOptions(fields["options"] ?? "", lang: actor.lang))
        }
        if kind == .ranking {
            // The ideas ticked, wall by wall: only visible ideas of this event's walls.
            let data = try await LiveStore.activities(eventID: event.id, on: env.db)
            var chosen: [String] = []
            for wall in data.activities.filter({ $0.kind == .ideas }) {
                let visible = Dictionary(
                    uniqueKeysWithValues: data.ideas(of: wall).filter { !$0.hidden }.map { (String($0.id), $0.body) })
                for id in lists["ideas_\(wall.id)"] ?? [] {
                    if let body = visible[id] {
                        chosen.append(body)
                    } else {
                        errors.add(
                            "ideas_\(wall.id)",
                            actor.t(Text("Cochez des idées de la liste.", "Tick ideas from the list.")))
                    }
                }
            }
            take(LiveRules.rankingOptions(chosen: chosen, typed: fields["options"] ?? "", lang: actor.lang))
        }
        guard errors.isEmpty, let kind else { return .invalid(errors) }
        let chosenOptions = options
        let moderated = kind == .ideas && fields["moderated"] != nil
        let now = env.now
        let id = try await env.db.transaction { db in
            let id = try await LiveStore.insertActivity(
                eventID: event.id, kind: kind, question: question, moderated: moderated, options: chosenOptions,
                at: now, on: db)
            try await LiveStore.bumpVersion(eventID: event.id, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "event.live-open",
                subject: "activity \(id) (\(kind.rawValue))", on: db)
            return id
        }
        return .opened(id)
    }
}

/// The organiser steers an activity: opens or closes it; hides an idea, or shows it (approves
/// one waiting, or shows again one hidden).
public enum SteerActivity {
    public enum Step: String, Sendable, CaseIterable {
        case open, close, hide, show
    }

    public enum Outcome: Sendable, Equatable {
        case opened
        case closed
        case hidden
        case approved
        case shownAgain
        /// Not an activity of this event, or not an idea of this activity.
        case notFound
        case forbidden
    }

    public static func run(
        _ step: Step, activityID: Int, idea: String?, event: EventRecord, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        let data = try await LiveStore.activities(eventID: event.id, on: env.db)
        guard data.activities.contains(where: { $0.id == activityID }) else { return .notFound }
        var ideaID = 0
        var wasPending = false
        if step == .hide || step == .show {
            guard let id = PathID.parse(idea),
                let found = data.ideas.first(where: { $0.id == id && $0.activity_id == activityID })
            else { return .notFound }
            ideaID = id
            wasPending = found.pending
        }
        let chosenIdea = ideaID
        let pending = wasPending
        try await env.db.transaction { db in
            let who = actor.personID
            let territoryID = territory.id
            switch step {
            case .open, .close:
                try await LiveStore.setOpen(step == .open, activityID: activityID, on: db)
                try await AuditEntry.record(
                    actor: who, territory: territoryID,
                    action: step == .open ? "event.live-reopen" : "event.live-close",
                    subject: "activity \(activityID)", on: db)
            case .hide, .show:
                try await LiveStore.setHidden(step == .hide, ideaID: chosenIdea, activityID: activityID, on: db)
                let action = step == .hide ? "event.idea-hide" : pending ? "event.idea-approve" : "event.idea-show"
                try await AuditEntry.record(
                    actor: who, territory: territoryID, action: action, subject: "idea \(chosenIdea)", on: db)
            }
            try await LiveStore.bumpVersion(eventID: event.id, on: db)
        }
        switch step {
        case .open: return .opened
        case .close: return .closed
        case .hide: return .hidden
        case .show: return wasPending ? .approved : .shownAgain
        }
    }
}
