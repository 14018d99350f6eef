import Core
import Fluent
import Foundation
import TestSupport
import Testing

@testable import Proposals

/// The proposals room's use cases on a small in-memory database: a territory, the people each
/// test needs, the proposals it writes, a clock that moves only when told.
@Suite("Proposal use cases")
struct ProposalUseCaseTests {
    static let rooms: [any FeatureModule] = [ProposalsModule()]

    static func fields(
        title: String = "Un bus vers la maison de santé",
        body: String = "Une navette le mardi matin depuis les hameaux.",
        draft: Bool = false
    ) -> ProposalSubmission {
        ProposalSubmission(
            fields: ["title": title, "body": body, "origin": "spontanee", "action": draft ? "draft" : "send"],
            multi: ["themes": [Theme.access.slug], "communes": ["35360"]])
    }

    /// A published proposal by `author`.
    static func published(by author: Actor, in territory: TerritoryInfo, world: UseCaseWorld) async throws -> Proposal {
        let outcome = try await Propose.run(fields(), territory: territory, actor: author, env: world.env)
        guard case .published(let id) = outcome else { throw Failure("expected a published proposal, got \(outcome)") }
        return try #require(try await Proposal.find(id, on: world.db))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aResidentPublishesAndTheChangeIsAnnounced() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let change = Change(room: ProposalsChange.room, territoryID: vitre.id)
            let before = world.env.changes.version(of: change)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            #expect(proposal.status == .received)
            #expect(proposal.audience == Audience.resident.rawValue)
            #expect(proposal.submittedAt == world.clock.now, "dated by the injected clock")
            #expect(world.env.changes.version(of: change) == before + 1, "the read model and pages are told")
            let events = try await ProposalEvent.query(on: world.db).all()
            #expect(events.map(\.toStatus) == ["received"])
        }
    }

    @Test func aDraftIsKeptAndOnlyItsAuthorSeesIt() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let outcome = try await Propose.run(
                Self.fields(body: "Court", draft: true), territory: vitre, actor: anne, env: world.env)
            guard case .drafted(let id) = outcome else { Issue.record("expected a draft, got \(outcome)"); return }
            let draft = try #require(try await Proposal.find(id, on: world.db))
            #expect(draft.status == .draft)
            #expect(ProposalsPolicy.allows(anne, .see, on: draft.facts))
            #expect(!ProposalsPolicy.allows(paul, .see, on: draft.facts))
            #expect(!ProposalsPolicy.allows(UseCaseWorld.anonymous, .see, on: draft.facts))
            #expect(try await ProposalEvent.query(on: world.db).count() == 0, "a draft has no history yet")
        }
    }

    @Test func badInputIsReportedByFieldAndNothingIsSaved() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            var submission = Self.fields(title: "", body: "Trop court")
            submission.multi["communes"] = ["99999"]
            submission.attachment = (Array("not a pdf".utf8), "note.pdf")
            let outcome = try await Propose.run(submission, territory: vitre, actor: anne, env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors["title"] != nil)
            #expect(errors["body"] != nil)
            #expect(errors["communes"] != nil)
            #expect(errors["attachment"] != nil)
            #expect(try await Proposal.query(on: world.db).count() == 0)
        }
    }

    @Test func aPartnerProposesOnlyForAnAssistedPersonOfTheTerritory() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "fougeres", name: "Fougères", communes: [("35115", "Fougères")])
            let partner = try await world.person("Léa", email: "lea@example.org", roles: [.patientPartner], in: vitre)
            let jean = try await world.person("Jean", email: nil, roles: [.resident], in: vitre, assisted: true)
            let far = try await world.person("Marc", email: nil, roles: [.resident], in: other, assisted: true)
            var submission = Self.fields()
            submission.onBehalfOf = String(try #require(far.personID))
            let refused = try await Propose.run(submission, territory: vitre, actor: partner, env: world.env)
            guard case .invalid(let errors) = refused else { Issue.record("expected errors, got \(refused)"); return }
            #expect(errors["on_behalf_of"] == "Choisissez une personne de la liste.")
            submission.onBehalfOf = String(try #require(jean.personID))
            let outcome = try await Propose.run(submission, territory: vitre, actor: partner, env: world.env)
            guard case .published(let id) = outcome else { Issue.record("expected a proposal, got \(outcome)"); return }
            let proposal = try #require(try await Proposal.find(id, on: world.db))
            #expect(proposal.authorID == jean.personID && proposal.submittedByID == partner.personID)
            #expect(proposal.isAssisted && proposal.audience == Audience.resident.rawValue)
        }
    }

    @Test func somebodyWithoutARoleHereMayNotPropose() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let visitor = Actor(personID: 42, roles: [])
            #expect(
                try await Propose.run(Self.fields(), territory: vitre, actor: visitor, env: world.env) == .forbidden)
            #expect(
                try await Propose.run(Self.fields(), territory: vitre, actor: UseCaseWorld.anonymous, env: world.env)
                    == .forbidden)
        }
    }

    @Test func onlyTheAuthorEditsAndOnlyUntilItIsStudied() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let staff = try await world.person("Élu", email: "elu@example.org", roles: [.decisionMaker], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            let text = Self.fields(title: "Un bus le mardi et le jeudi")
            #expect(
                try await EditProposal.run(
                    text.fields, multi: text.multi, send: true, proposal: proposal, territory: vitre, actor: paul,
                    env: world.env) == .forbidden)
            let empty = Self.fields(title: "")
            let invalid = try await EditProposal.run(
                empty.fields, multi: empty.multi, send: true, proposal: proposal, territory: vitre, actor: anne,
                env: world.env)
            guard case .invalid(let errors) = invalid else { Issue.record("expected errors, got \(invalid)"); return }
            #expect(errors["title"] != nil)
            #expect(
                try await EditProposal.run(
                    text.fields, multi: text.multi, send: true, proposal: proposal, territory: vitre, actor: anne,
                    env: world.env) == .saved)
            #expect(
                try await Proposal.find(try proposal.requireID(), on: world.db)?.title == "Un bus le mardi et le jeudi")
            let study = ["status": ProposalStatus.underStudy.rawValue, "answer": ""]
            #expect(
                try await AnswerProposal.run(study, proposal: proposal, territory: vitre, actor: staff, env: world.env)
                    == .changed(.underStudy))
            #expect(
                try await EditProposal.run(
                    text.fields, multi: text.multi, send: true, proposal: proposal, territory: vitre, actor: anne,
                    env: world.env) == .frozen)
        }
    }

    @Test func aSupportIsGivenOnceThenWithdrawnAndNeverOnADraft() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            let id = try proposal.requireID()
            #expect(try await ToggleSupport.run(proposal: proposal, actor: paul, env: world.env) == .supported)
            #expect(try await Proposal.find(id, on: world.db)?.supportCount == 1)
            #expect(try await ToggleSupport.run(proposal: proposal, actor: paul, env: world.env) == .withdrawn)
            #expect(try await Proposal.find(id, on: world.db)?.supportCount == 0)
            #expect(
                try await ToggleSupport.run(proposal: proposal, actor: UseCaseWorld.anonymous, env: world.env)
                    == .forbidden)
            let outcome = try await Propose.run(
                Self.fields(draft: true), territory: vitre, actor: anne, env: world.env)
            guard case .drafted(let draftID) = outcome else { Issue.record("expected a draft"); return }
            let draft = try #require(try await Proposal.find(draftID, on: world.db))
            guard case .refused(let errors) = try await ToggleSupport.run(proposal: draft, actor: paul, env: world.env)
            else { Issue.record("a draft cannot be supported"); return }
            #expect(errors["body"] == "Cette proposition ne peut pas être soutenue.")
        }
    }

    @Test func aCommentMailsTheAuthorAndAReplyMailsTheCommenter() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            let first = try await CommentOnProposal.run(
                body: "Il faudrait aussi un arrêt au marché.", replyingTo: nil, proposal: proposal, territory: vitre,
                actor: paul, env: world.env)
            guard case .posted(let commentID) = first else { Issue.record("expected a comment, got \(first)"); return }
            var mails = try await world.outbox()
            #expect(mails.map(\.to) == ["anne@example.org"])
            #expect(mails.first?.body.contains("#commentaire-\(commentID)") == true)
            let reply = try await CommentOnProposal.run(
                body: "Bonne idée, je l'ajoute.", replyingTo: String(commentID), proposal: proposal, territory: vitre,
                actor: anne, env: world.env)
            guard case .posted = reply else { Issue.record("expected a reply, got \(reply)"); return }
            mails = try await world.outbox()
            #expect(mails.map(\.to) == ["anne@example.org", "paul@example.org"], "nobody hears of their own words")
            #expect(mails.last?.subject == "Réponse à votre commentaire – Agora Santé")
            #expect(try await Proposal.find(try proposal.requireID(), on: world.db)?.commentCount == 2)

            let empty = try await CommentOnProposal.run(
                body: "  ", replyingTo: String(commentID), proposal: proposal, territory: vitre, actor: paul,
                env: world.env)
            guard case .invalid(let errors) = empty else { Issue.record("expected an error, got \(empty)"); return }
            #expect(errors["reponse-\(commentID)"] == "Écrivez votre commentaire.", "under the reply's own box")
            #expect(
                try await CommentOnProposal.run(
                    body: "Texte", replyingTo: "999", proposal: proposal, territory: vitre, actor: paul,
                    env: world.env) == .notFound)
        }
    }

    @Test func aReportNeedsAReasonAndATargetOfThisProposal() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            guard
                case .invalid(let errors) = try await ReportContent.run(
                    reason: "", comment: nil, proposal: proposal, actor: paul, env: world.env)
            else { Issue.record("expected an error"); return }
            #expect(errors["signalement"] == "Dites en quelques mots ce qui pose problème.")
            #expect(
                try await ReportContent.run(
                    reason: "Propos blessants", comment: "12", proposal: proposal, actor: paul, env: world.env)
                    == .notFound)
            #expect(
                try await ReportContent.run(
                    reason: "Propos blessants", comment: nil, proposal: proposal, actor: paul, env: world.env)
                    == .reported)
            #expect(
                try await ProposalStore.openReports(territoryID: vitre.id, on: world.db).map(\.reason)
                    == ["Propos blessants"])
        }
    }

    @Test func moderatorsHideWithAReasonThenRestoreAndTheReportsClose() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let moderator = try await world.person(
                "Coord", email: "coord@example.org", roles: [.coordinator], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            let id = try proposal.requireID()
            _ = try await ReportContent.run(
                reason: "Hors sujet", comment: nil, proposal: proposal, actor: paul, env: world.env)
            #expect(
                try await ModerateContent.run(
                    hide: true, reason: "x", comment: nil, proposal: proposal, actor: paul, env: world.env)
                    == .forbidden)
            guard
                case .invalid(let errors) = try await ModerateContent.run(
                    hide: true, reason: "", comment: nil, proposal: proposal, actor: moderator, env: world.env)
            else { Issue.record("expected an error"); return }
            #expect(errors["masquage"] != nil)
            #expect(
                try await ModerateContent.run(
                    hide: true, reason: "Hors sujet", comment: nil, proposal: proposal, actor: moderator,
                    env: world.env) == .hidden)
            let hidden = try #require(try await Proposal.find(id, on: world.db))
            #expect(hidden.hiddenReason == "Hors sujet")
            #expect(try await ProposalStore.openReports(territoryID: vitre.id, on: world.db).isEmpty)
            #expect(!ProposalsPolicy.allows(paul, .see, on: hidden.facts), "hidden from the public")
            #expect(ProposalsPolicy.allows(anne, .see, on: hidden.facts), "its author still sees it and why")
            #expect(
                try await ModerateContent.run(
                    hide: false, reason: "", comment: nil, proposal: hidden, actor: moderator, env: world.env)
                    == .restored)
            #expect(try await Proposal.find(id, on: world.db)?.hiddenReason == nil)
            #expect(try await world.audit() == ["proposal.hidden", "proposal.restored"])
        }
    }

    @Test func theOfficialAnswerIsCheckedRecordedAndMailedToFollowers() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let elu = try await world.person("Élu", email: "elu@example.org", roles: [.decisionMaker], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            _ = try await ToggleSupport.run(proposal: proposal, actor: paul, env: world.env)
            let refuse = ["status": ProposalStatus.notAccepted.rawValue, "answer": ""]
            #expect(
                try await AnswerProposal.run(refuse, proposal: proposal, territory: vitre, actor: paul, env: world.env)
                    == .forbidden)
            guard
                case .invalid(let errors) = try await AnswerProposal.run(
                    refuse, proposal: proposal, territory: vitre, actor: elu, env: world.env)
            else { Issue.record("a refusal needs its reason"); return }
            #expect(errors["answer"] != nil)
            world.clock.advance(by: 86_400)
            let accept = ["status": ProposalStatus.accepted.rawValue, "answer": "La navette sera testée au printemps."]
            #expect(
                try await AnswerProposal.run(accept, proposal: proposal, territory: vitre, actor: elu, env: world.env)
                    == .changed(.accepted))
            let answered = try #require(try await Proposal.find(try proposal.requireID(), on: world.db))
            #expect(answered.status == .accepted && answered.answerRole == Role.decisionMaker.rawValue)
            #expect(answered.answeredAt == world.clock.now)
            let mails = try await world.outbox()
            #expect(Set(mails.map(\.to)) == ["anne@example.org", "paul@example.org"])
            #expect(mails.allSatisfy { $0.body.contains("La navette sera testée au printemps.") })
            #expect(try await world.audit() == ["proposal.status"])
        }
    }

    @Test func anAcceptedProposalIsLinkedToAnActionWhoseFollowUpIsKept() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let elu = try await world.person("Élu", email: "elu@example.org", roles: [.decisionMaker], in: vitre)
            let proposal = try await Self.published(by: anne, in: vitre, world: world)
            let newAction = ["action": "new", "new_title": "Navette des hameaux"]
            guard
                case .invalid(let early) = try await LinkToAction.run(
                    newAction, proposal: proposal, actor: elu, env: world.env)
            else { Issue.record("only an accepted proposal is linked"); return }
            #expect(early["action"] == "Seule une proposition retenue peut être reliée à une action.")
            let accept = ["status": ProposalStatus.accepted.rawValue, "answer": "Oui."]
            _ = try await AnswerProposal.run(accept, proposal: proposal, territory: vitre, actor: elu, env: world.env)
            #expect(
                try await LinkToAction.run(newAction, proposal: proposal, actor: anne, env: world.env) == .forbidden)
            let linked = try await LinkToAction.run(newAction, proposal: proposal, actor: elu, env: world.env)
            guard case .linked(let actionID) = linked else { Issue.record("expected a link, got \(linked)"); return }
            let action = try #require(try await ProposalStore.action(actionID, territoryID: vitre.id, on: world.db))

            let progress = ["title": "Navette des hameaux", "lead": "Mairie", "description": "", "progress": "40"]
            #expect(try await UpdateAction.run(progress, action: action, actor: anne, env: world.env) == .forbidden)
            guard
                case .invalid = try await UpdateAction.run(
                    ["title": "", "progress": "140"], action: action, actor: elu, env: world.env)
            else { Issue.record("expected errors"); return }
            #expect(try await UpdateAction.run(progress, action: action, actor: elu, env: world.env) == .saved)
            #expect(try await Proposal.find(try proposal.requireID(), on: world.db)?.progress == 40)

            let add = ActionMilestoneStep.Step.add(fields: ["milestone": "Premier trajet", "due_on": "2027-03-01"])
            #expect(try await ActionMilestoneStep.run(add, action: action, actor: elu, env: world.env) == .added)
            let milestone = try #require(try await ActionMilestone.query(on: world.db).first())
            let done = ActionMilestoneStep.Step.done(milestone: String(try milestone.requireID()))
            #expect(try await ActionMilestoneStep.run(done, action: action, actor: elu, env: world.env) == .done)
            guard case .invalid = try await ActionMilestoneStep.run(done, action: action, actor: elu, env: world.env)
            else { Issue.record("a milestone is done once"); return }
            #expect(
                try await ActionMilestoneStep.run(.done(milestone: "77"), action: action, actor: elu, env: world.env)
                    == .notFound)

            let proposalID = String(try proposal.requireID())
            #expect(
                try await UnlinkProposal.run(proposal: proposalID, action: action, actor: elu, env: world.env)
                    == .unlinked)
            #expect(
                try await UnlinkProposal.run(proposal: proposalID, action: action, actor: elu, env: world.env)
                    == .notFound)
            #expect(
                try await world.audit() == [
                    "proposal.status", "action.linked", "action.updated", "action.milestone.added",
                    "action.milestone.done", "action.unlinked",
                ])
        }
    }

    @Test func erasingAnAccountDeletesItsDraftsAndLeavesItsPublicWordsWithoutAName() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.resident], in: vitre)
            let published = try await Self.published(by: anne, in: vitre, world: world)
            let mine = try await Self.published(by: paul, in: vitre, world: world)
            _ = try await Propose.run(Self.fields(draft: true), territory: vitre, actor: anne, env: world.env)
            _ = try await ToggleSupport.run(proposal: mine, actor: anne, env: world.env)
            _ = try await CommentOnProposal.run(
                body: "Je soutiens.", replyingTo: nil, proposal: mine, territory: vitre, actor: anne, env: world.env)

            try await ProposalsModule().erase(personID: try #require(anne.personID), env: world.env, on: world.db)
            let left = try await Proposal.query(on: world.db).sort(\.$id).all()
            #expect(left.count == 2, "the draft is gone")
            #expect(left.first?.id == published.id && left.first?.authorID == nil, "a public proposal loses its author")
            #expect(left.last?.supportCount == 0, "the support is withdrawn")
            #expect(try await ProposalComment.query(on: world.db).all().map(\.authorID) == [nil])
        }
    }
}
