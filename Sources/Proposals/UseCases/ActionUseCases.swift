import Core
import Fluent
import Foundation

/// The staff who answer proposals keep an action's follow-up: its text and progress.
public enum UpdateAction {
    public enum Outcome: Sendable, Equatable {
        case saved
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ fields: [String: String], action: HealthAction, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard ProposalsPolicy.mayManageActions(actor) else { return .forbidden }
        let input: ActionInput
        switch ActionInput.validate(fields: fields, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): input = value
        }
        action.title = input.title
        action.lead = input.lead
        action.description = input.description
        action.progress = input.progress
        action.updatedAt = env.now
        let id = try action.requireID()
        let territoryID = action.territoryID
        try await ProposalStore.write(territoryID: territoryID, on: env.db) { db in
            try await action.update(on: db)
            try await ProposalStore.refreshProgress(ofActionProposals: id, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: "action.updated",
                subject: "action \(id) progress \(input.progress)", on: db)
        }
        env.changed(ProposalsChange.room, territoryID: territoryID)
        return .saved
    }
}

/// A milestone of an action: added with its due date, then marked done (once).
public enum ActionMilestoneStep {
    public enum Step: Sendable, Equatable {
        case add(fields: [String: String])
        case done(milestone: String?)
    }

    public enum Outcome: Sendable, Equatable {
        case added
        case done
        case invalid(FormErrors)
        /// The milestone is not this action's.
        case notFound
        case forbidden
    }

    public static func run(
        _ step: Step, action: HealthAction, actor: Actor, env: UseCaseEnvironment
    ) async throws
        -> Outcome
    {
        guard ProposalsPolicy.mayManageActions(actor) else { return .forbidden }
        let id = try action.requireID()
        let territoryID = action.territoryID
        let now = env.now
        switch step {
        case .add(let fields):
            let input: MilestoneInput
            switch MilestoneInput.validate(fields: fields, lang: actor.lang) {
            case .failure(let box): return .invalid(box.errors)
            case .success(let value): input = value
            }
            try await ProposalStore.write(territoryID: territoryID, on: env.db) { db in
                let milestone = ActionMilestone()
                milestone.actionID = id
                milestone.title = input.title
                milestone.dueOn = input.dueOn
                milestone.createdAt = now
                try await milestone.create(on: db)
                action.updatedAt = now
                try await action.update(on: db)
                try await AuditEntry.record(
                    actor: actor.personID, territory: territoryID, action: "action.milestone.added",
                    subject: "action \(id) milestone \(try milestone.requireID())", on: db)
            }
            env.changed(ProposalsChange.room, territoryID: territoryID)
            return .added
        case .done(let raw):
            guard let milestoneID = PathID.parse(raw),
                let milestone = try await ProposalStore.milestone(milestoneID, of: id, on: env.db)
            else { return .notFound }
            guard milestone.doneAt == nil else {
                var errors = FormErrors()
                errors.add(
                    "milestone",
                    actor.t(
                        Text("Cette étape est déjà marquée comme faite.", "This milestone is already marked as done.")))
                return .invalid(errors)
            }
            try await ProposalStore.write(territoryID: territoryID, on: env.db) { db in
                milestone.doneAt = now
                try await milestone.update(on: db)
                action.updatedAt = now
                try await action.update(on: db)
                try await AuditEntry.record(
                    actor: actor.personID, territory: territoryID, action: "action.milestone.done",
                    subject: "action \(id) milestone \(milestoneID)", on: db)
            }
            env.changed(ProposalsChange.room, territoryID: territoryID)
            return .done
        }
    }
}

/// A proposal no longer answered by an action.
public enum UnlinkProposal {
    public enum Outcome: Sendable, Equatable {
        case unlinked
        /// They were not linked.
        case notFound
        case forbidden
    }

    public static func run(
        proposal raw: String?, action: HealthAction, actor: Actor, env: UseCaseEnvironment
    )
        async throws -> Outcome
    {
        guard ProposalsPolicy.mayManageActions(actor) else { return .forbidden }
        guard let proposalID = PathID.parse(raw) else { return .notFound }
        let id = try action.requireID()
        let territoryID = action.territoryID
        let removed = try await ProposalStore.write(territoryID: territoryID, on: env.db) { db -> Bool in
            guard try await ProposalStore.unlink(actionID: id, proposalID: proposalID, on: db) else { return false }
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: "action.unlinked",
                subject: "action \(id) proposal \(proposalID)", on: db)
            return true
        }
        guard removed else { return .notFound }
        env.changed(ProposalsChange.room, territoryID: territoryID)
        return .unlinked
    }
}

/// From an accepted proposal's page: link it to an existing action of the territory, or to a new one.
public enum LinkToAction {
    public enum Outcome: Sendable, Equatable {
        case linked(actionID: Int)
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ fields: [String: String], proposal: Proposal, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard ProposalsPolicy.mayManageActions(actor), ProposalsPolicy.allows(actor, .answer, on: proposal.facts)
        else { return .forbidden }
        guard ProposalsPolicy.allows(actor, .followUp, on: proposal.facts) else {
            var errors = FormErrors()
            errors.add(
                "action",
                actor.t(
                    Text(
                        "Seule une proposition retenue peut être reliée à une action.",
                        "Only an accepted proposal can be linked to an action.")))
            return .invalid(errors)
        }
        let choice: ActionChoice
        switch ActionChoice.validate(fields: fields, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): choice = value
        }
        let territoryID = proposal.territoryID
        var existing: HealthAction?
        if case .existing(let actionID) = choice {
            guard let found = try await ProposalStore.action(actionID, territoryID: territoryID, on: env.db) else {
                var errors = FormErrors()
                errors.add(
                    "action",
                    actor.t(
                        Text(
                            "Cette action n'existe pas sur ce territoire.",
                            "This action does not exist in this territory.")))
                return .invalid(errors)
            }
            existing = found
        }
        let target = existing
        let proposalID = try proposal.requireID()
        let now = env.now
        let actionID = try await ProposalStore.write(territoryID: territoryID, on: env.db) { db -> Int in
            let action: HealthAction
            if let target {
                action = target
            } else {
                action = HealthAction()
                action.territoryID = territoryID
                if case .new(let title) = choice { action.title = title }
                action.description = ""
                action.lead = ""
                action.progress = 0
                action.createdAt = now
            }
            action.updatedAt = now
            if target == nil { try await action.create(on: db) } else { try await action.update(on: db) }
            let actionID = try action.requireID()
            try await ProposalStore.link(actionID: actionID, proposalID: proposalID, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: "action.linked",
                subject: "action \(actionID) proposal \(proposalID)", on: db)
            return actionID
        }
        env.changed(ProposalsChange.room, territoryID: territoryID)
        return .linked(actionID: actionID)
    }
}
