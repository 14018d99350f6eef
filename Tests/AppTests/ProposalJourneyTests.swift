import Accounts
import App
import Core
import Fluent
import Foundation
import Proposals
import SQLKit
import Testing
import Vapor

@Suite("Proposals", .serialized)
struct ProposalJourneyTests {
    static let form: [(String, String)] = [
        ("title", "Des bancs sur le chemin de la pharmacie"),
        (
            "body",
            "Les personnes âgées doivent s'arrêter pour souffler entre la place et la pharmacie. Deux ou trois bancs suffiraient."
        ),
        ("themes[]", "vieillissement"), ("themes[]", "mobilite"),
        ("communes[]", "35360"),
        ("origin", "spontanee"),
        ("action", "send"),
    ]

    static func proposalID(titled title: String, on db: any Database) async throws -> Int {
        try #require(try await Proposal.query(on: db).filter(\.$title == title).first()?.id)
    }

    @Test func proposeFindSupportCommentAnswerAndFollow() async throws {
        try await withDemoApp { app in
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/vitre/propositions/nouvelle")
            #expect(resident.lastStatus == .ok)
            try await resident.postMultipart(
                "/vitre/propositions/nouvelle", Self.form,
                files: [(name: "attachment", filename: "plan.pdf", bytes: Array("%PDF-1.4 plan".utf8))])
            #expect(resident.lastStatus == .seeOther, "\(resident.lastBody.prefix(2000))")
            let id = try await Self.proposalID(titled: "Des bancs sur le chemin de la pharmacie", on: app.db)
            let proposal = try #require(try await Proposal.find(id, on: app.db))
            #expect(
                proposal.status == .received && proposal.attachmentType == "application/pdf"
                    && proposal.audience == "resident")

            // Anyone finds it by a word in another form (plural, no accent) and by its commune.
            let anonymous = Browser(app)
            let found = try await anonymous.get("/vitre/propositions?q=PHARMACIES&commune=35360")
            #expect(found.contains("Des bancs sur le chemin de la pharmacie"))
            #expect(
                try await !anonymous.get("/vitre/propositions?q=pharmacie&commune=35006").contains(
                    "Des bancs sur le chemin"))
            #expect(try await anonymous.get("/vitre/propositions/\(id)/piece-jointe").hasPrefix("%PDF"))
            #expect(anonymous.lastHeaders.first(name: .contentDisposition)?.contains("plan.pdf") == true)

            // Support once, twice withdraws; a comment; an empty comment is refused in French.
            let pro = Browser(app)
            try await pro.login("pro@vitre.example")
            try await pro.get("/vitre/propositions/\(id)")
            try await pro.post("/vitre/propositions/\(id)/soutien", [:])
            #expect(try await Proposal.find(id, on: app.db)?.supportCount == 1)
            try await pro.get("/vitre/propositions/\(id)")
            #expect(pro.lastBody.contains("Retirer mon soutien"))
            try await pro.post("/vitre/propositions/\(id)/commentaires", ["body": "   "])
            #expect(pro.lastStatus == .unprocessableEntity)
            #expect(pro.lastBody.contains("Écrivez votre commentaire."))
            var mailsBefore = try await count(OutboxMail.self, on: app.db)
            try await pro.post("/vitre/propositions/\(id)/commentaires", ["body": "Oui, et un près de l'arrêt de bus."])
            #expect(try await Proposal.find(id, on: app.db)?.commentCount == 1)
            // The author hears of the comment; the commenter hears of the author's reply.
            var mails = try await OutboxMail.query(on: app.db).sort(\.$id).all().dropFirst(mailsBefore)
            #expect(
                mails.map(\.recipient) == ["habitant@vitre.example"]
                    && mails.first?.body.contains("arrêt de bus") == true)
            let commentID = try #require(
                try await ProposalComment.query(on: app.db).filter(\.$proposalID == id).first()?.id)
            try await resident.get("/vitre/propositions/\(id)")
            try await resident.post("/vitre/propositions/\(id)/commentaires", ["parent": "\(commentID)", "body": ""])
            #expect(resident.lastStatus == .unprocessableEntity)
            // The error shows under the reply box, which is open again.
            #expect(resident.lastBody.contains("id=\"champ-reponse-\(commentID)-erreur\""))
            #expect(resident.lastBody.contains("<details open>"))
            mailsBefore = try await count(OutboxMail.self, on: app.db)
            try await resident.post(
                "/vitre/propositions/\(id)/commentaires", ["parent": "\(commentID)", "body": "Merci, bonne idée."])
            mails = try await OutboxMail.query(on: app.db).sort(\.$id).all().dropFirst(mailsBefore)
            #expect(
                mails.map(\.recipient) == ["pro@vitre.example"]
                    && mails.first?.subject.contains("Réponse à votre commentaire") == true)
            // Reports: a tampered comment id is a 404, an empty reason a French message; a good one is kept.
            try await pro.get("/vitre/propositions/\(id)")
            try await pro.post("/vitre/propositions/\(id)/signalement", ["comment": "999999", "reason": "insulte"])
            #expect(pro.lastStatus == .notFound)
            try await pro.get("/vitre/propositions/\(id)")
            try await pro.post("/vitre/propositions/\(id)/signalement", ["reason": ""])
            #expect(pro.lastStatus == .unprocessableEntity)
            #expect(pro.lastBody.contains("Dites en quelques mots ce qui pose problème."))
            #expect(pro.lastBody.contains("id=\"champ-signalement-erreur\""))
            try await pro.post("/vitre/propositions/\(id)/signalement", ["comment": "\(commentID)", "reason": " "])
            #expect(pro.lastBody.contains("id=\"champ-signalement-\(commentID)-erreur\""))
            try await pro.post("/vitre/propositions/\(id)/signalement", ["reason": "Hors sujet"])
            #expect(pro.lastStatus == .seeOther)

            // Staff: a refusal without reason is refused; a decision notifies author and supporter.
            let decider = Browser(app)
            try await decider.login("decideur@vitre.example")
            try await decider.get("/vitre/propositions/\(id)")
            try await decider.post("/vitre/propositions/\(id)/etat", ["status": "not_accepted", "answer": ""])
            #expect(decider.lastStatus == .unprocessableEntity)
            #expect(try await Proposal.find(id, on: app.db)?.status == .received)
            try await decider.post("/vitre/propositions/\(id)/etat", ["status": "done", "answer": "Fait."])
            #expect(decider.lastStatus == .unprocessableEntity)
            #expect(decider.lastBody.contains("ne peut pas passer"))
            mailsBefore = try await count(OutboxMail.self, on: app.db)
            try await decider.post(
                "/vitre/propositions/\(id)/etat",
                ["status": "accepted", "answer": "Trois bancs seront posés au printemps."])
            #expect(decider.lastStatus == .seeOther)
            let answered = try #require(try await Proposal.find(id, on: app.db))
            #expect(
                answered.status == .accepted && answered.answerRole == "decision_maker" && answered.answeredAt != nil)
            mails = try await OutboxMail.query(on: app.db).sort(\.$id).all().dropFirst(mailsBefore)
            #expect(Set(mails.map(\.recipient)) == ["habitant@vitre.example", "pro@vitre.example"])
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.status").count() == 1)

            // The follow-up: the proposal is answered by a new action, whose page holds the progress and milestones.
            try await decider.get("/vitre/propositions/\(id)")
            try await decider.post("/vitre/propositions/\(id)/suivi", ["action": "new", "new_title": " "])
            #expect(
                decider.lastStatus == .unprocessableEntity
                    && decider.lastBody.contains("Donnez un titre à la nouvelle action."))
            try await decider.post("/vitre/propositions/\(id)/suivi", ["action": "999999"])
            #expect(
                decider.lastStatus == .unprocessableEntity && decider.lastBody.contains("existe pas sur ce territoire.")
            )
            let foreign = try #require(
                try await HealthAction.query(on: app.db).join(
                    Territory.self, on: \HealthAction.$territoryID == \Territory.$id
                )
                .filter(Territory.self, \.$slug == "broceliande").first())
            try await decider.post("/vitre/propositions/\(id)/suivi", ["action": "\(foreign.id!)"])
            #expect(decider.lastStatus == .unprocessableEntity)
            #expect(try await count(HealthAction.self, on: app.db) == 10)
            try await decider.post(
                "/vitre/propositions/\(id)/suivi",
                ["action": "new", "new_title": "Des bancs sur les trajets du quotidien"])
            #expect(decider.lastStatus == .seeOther)
            let action = try #require(
                try await HealthAction.query(on: app.db).filter(\.$title == "Des bancs sur les trajets du quotidien")
                    .first())
            let actionPath = "/vitre/actions/\(action.id!)"
            #expect(decider.location == actionPath)
            try await decider.get(actionPath)
            try await decider.post(
                actionPath,
                ["title": "Des bancs sur les trajets du quotidien", "lead": "Ville de Vitré", "progress": "150"])
            #expect(
                decider.lastStatus == .unprocessableEntity && decider.lastBody.contains("entre 0 et 100")
                    && decider.lastBody.contains("value=\"Ville de Vitré\""))
            #expect(try await HealthAction.find(action.id!, on: app.db)?.lead == "")
            try await decider.post(
                actionPath,
                [
                    "title": "Des bancs sur les trajets du quotidien", "lead": "Ville de Vitré", "progress": "30 %",
                    "description": "Trois bancs entre la place et la pharmacie.",
                ])
            #expect(decider.lastStatus == .seeOther)
            try await decider.get(actionPath)  // the token of the page, as a browser would
            try await decider.post(
                actionPath + "/etapes", ["op": "add", "milestone": "Commande des bancs", "due_on": "2027-02-30"])
            #expect(
                decider.lastStatus == .unprocessableEntity && decider.lastBody.contains("Indiquez une date valide"),
                "\(decider.lastStatus) \(decider.lastBody.prefix(3000))")
            try await decider.get(actionPath)
            try await decider.post(
                actionPath + "/etapes", ["op": "add", "milestone": "Commande des bancs", "due_on": "2027-03-01"])
            #expect(decider.lastStatus == .seeOther)
            let milestone = try #require(
                try await ActionMilestone.query(on: app.db).filter(\.$actionID == action.id!).first())
            try await decider.get(actionPath)  // the token of the page, as a browser would
            try await decider.post(actionPath + "/etapes", ["op": "add", "milestone": "Pose des bancs"])
            try await decider.get(actionPath)
            try await decider.post(actionPath + "/etapes", ["op": "done", "milestone_id": "\(milestone.id!)"])
            #expect(decider.lastStatus == .seeOther)
            try await decider.get(actionPath)
            try await decider.post(actionPath + "/etapes", ["op": "done", "milestone_id": "\(milestone.id!)"])
            #expect(decider.lastStatus == .unprocessableEntity && decider.lastBody.contains("déjà marquée comme faite"))
            #expect(try await Proposal.find(id, on: app.db)?.progress == 30)
            // One action answers two proposals: an accepted demo proposal joins it, then leaves it.
            let other = try await Self.proposalID(titled: "Un atelier mémoire pour les seniors à Étrelles", on: app.db)
            try await decider.get("/vitre/propositions/\(other)")
            try await decider.post("/vitre/propositions/\(other)/suivi", ["action": "\(action.id!)"])
            #expect(decider.lastStatus == .seeOther)
            var actionPage = try await anonymous.get(actionPath)
            #expect(
                actionPage.contains("Des bancs sur le chemin de la pharmacie")
                    && actionPage.contains("Un atelier mémoire pour les seniors"))
            #expect(
                actionPage.contains("Commande des bancs — <strong>Fait</strong>")
                    && actionPage.contains("Pose des bancs") && actionPage.contains("Ville de Vitré"))
            #expect(!actionPage.contains("Modifier l'action"), "the staff panel is for staff")
            let page = try await anonymous.get("/vitre/propositions/\(id)")
            #expect(
                page.contains("Trois bancs seront posés au printemps.") && page.contains("Commande des bancs")
                    && page.contains("value=\"30\""))
            #expect(page.contains("href=\"\(actionPath)\""))
            try await decider.get(actionPath)
            try await decider.post(actionPath + "/retirer-une-proposition", ["proposal": "\(other)"])
            #expect(decider.lastStatus == .seeOther)
            actionPage = try await anonymous.get(actionPath)
            #expect(!actionPage.contains("Un atelier mémoire pour les seniors"))
            try await decider.get(actionPath)  // the token of the page, as a browser would
            try await decider.post(actionPath + "/retirer-une-proposition", ["proposal": "\(other)"])
            #expect(decider.lastStatus == .notFound)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "action.unlinked").count() == 1)
            // Another territory's staff cannot reach this action, even through their own territory's address.
            let foreignCoordinator = Browser(app)
            try await foreignCoordinator.login("coordination@broceliande.example")
            try await foreignCoordinator.get("/broceliande/propositions/nouvelle")  // a form, hence a CSRF token
            try await foreignCoordinator.post(
                "/broceliande/actions/\(action.id!)", ["title": "Piraté", "progress": "0"])
            #expect(foreignCoordinator.lastStatus == .notFound)
            try await foreignCoordinator.post(actionPath, ["title": "Piraté", "progress": "0"])
            #expect(foreignCoordinator.lastStatus == .forbidden)
            #expect(
                try await HealthAction.find(action.id!, on: app.db)?.title == "Des bancs sur les trajets du quotidien")
            #expect(try await anonymous.get("/vitre/actions").contains("Des bancs sur les trajets du quotidien"))
            let results = try await anonymous.get("/vitre/suivi-des-propositions")
            #expect(anonymous.lastStatus == .ok && results.contains("Vous avez proposé, voici ce qui a été fait"))

            // The author can no longer edit an answered proposal.
            try await resident.get("/vitre/propositions/\(id)/modifier")
            #expect(resident.lastStatus == .conflict)
        }
    }

    @Test func badInputSavesNothingAndKeepsWhatWasTyped() async throws {
        try await withDemoApp { app in
            let before = try await count(Proposal.self, on: app.db)
            let browser = Browser(app)
            try await browser.login("habitant@vitre.example")
            try await browser.get("/vitre/propositions/nouvelle")
            var bad = Self.form.filter { $0.0 != "themes[]" }
            bad.append(("communes[]", "75056"))
            try await browser.postMultipart("/vitre/propositions/nouvelle", bad)
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(browser.lastBody.contains("Choisissez au moins un thème."))
            #expect(browser.lastBody.contains("Choisissez les communes dans la liste."))
            #expect(browser.lastBody.contains("value=\"Des bancs sur le chemin de la pharmacie\""))
            // A file that is not what its name says.
            try await browser.postMultipart(
                "/vitre/propositions/nouvelle", Self.form,
                files: [(name: "attachment", filename: "photo.jpg", bytes: Array("MZ\u{90}\u{0}binary".utf8))])
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(browser.lastBody.contains("nous vérifions son contenu"))
            // A real PDF over 5 MB (but under the 6 MB request limit) gets the French size message.
            try await browser.postMultipart(
                "/vitre/propositions/nouvelle", Self.form,
                files: [
                    (
                        name: "attachment", filename: "gros.pdf",
                        bytes: Array("%PDF-".utf8) + [UInt8](repeating: 32, count: 5 * 1024 * 1024)
                    )
                ])
            #expect(browser.lastStatus == .unprocessableEntity)
            #expect(browser.lastBody.contains("dépasse 5 Mo"))
            #expect(try await count(Proposal.self, on: app.db) == before)
        }
    }

    @Test func draftsHiddenProposalsAndOtherTerritoriesStayPrivate() async throws {
        try await withDemoApp { app in
            let author = Browser(app)
            try await author.login("habitant@vitre.example")
            try await author.get("/vitre/propositions/nouvelle")
            var draft = Self.form.filter { $0.0 != "action" }
            draft.append(("action", "draft"))
            try await author.postMultipart("/vitre/propositions/nouvelle", draft)
            let id = try await Self.proposalID(titled: "Des bancs sur le chemin de la pharmacie", on: app.db)
            #expect(try await Proposal.find(id, on: app.db)?.status == .draft)
            let other = Browser(app)
            try await other.get("/vitre/propositions/\(id)")
            #expect(other.lastStatus == .notFound)
            #expect(try await !other.get("/vitre/propositions").contains("Des bancs sur le chemin"))

            // Sent from the edit page, it becomes public; the Brocéliande coordinator cannot act on it.
            try await author.get("/vitre/propositions/\(id)/modifier")
            var send = Self.form.filter { $0.0 != "action" }
            send.append(("action", "send"))
            try await author.postMultipart("/vitre/propositions/\(id)/modifier", send)
            #expect(try await Proposal.find(id, on: app.db)?.status == .received)
            let outsider = Browser(app)
            try await outsider.login("coordination@broceliande.example")
            try await outsider.get("/vitre/propositions/\(id)")
            try await outsider.post("/vitre/propositions/\(id)/moderation", ["action": "hide", "reason": "test"])
            #expect(outsider.lastStatus == .forbidden)
            // A proposal of Vitré is not found under Brocéliande's address.
            try await outsider.get("/broceliande/propositions/\(id)")
            #expect(outsider.lastStatus == .notFound)

            // Moderation: hidden with a reason the author sees; others get a 404; restored after.
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/propositions/\(id)")
            try await coordinator.post("/vitre/propositions/\(id)/moderation", ["action": "hide", "reason": ""])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            try await coordinator.post(
                "/vitre/propositions/\(id)/moderation",
                ["action": "hide", "reason": "Propos injurieux envers un soignant."])
            try await other.get("/vitre/propositions/\(id)")
            #expect(other.lastStatus == .notFound)
            #expect(try await author.get("/vitre/propositions/\(id)").contains("Propos injurieux envers un soignant."))
            try await coordinator.get("/vitre/propositions/\(id)")
            try await coordinator.post("/vitre/propositions/\(id)/moderation", ["action": "restore"])
            try await other.get("/vitre/propositions/\(id)")
            #expect(other.lastStatus == .ok)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action ~~ ["proposal.hidden", "proposal.restored"])
                    .count() == 2)
        }
    }

    @Test func theReadModelFollowsEveryWriteHereAndElsewhere() async throws {
        let clock = ManualClock()
        try await withDemoApp(clock: clock) { app in
            let anonymous = Browser(app)
            let list = try await anonymous.get("/vitre/propositions")
            #expect(list.contains("Un groupe de parole pour les aidants"))
            let id = try await Self.proposalID(titled: "Un groupe de parole pour les aidants", on: app.db)
            #expect(try await !anonymous.get("/vitre/propositions/\(id)").contains("Je viendrai avec ma voisine."))

            // A write on this instance shows at once, on the page and in the list's counts.
            let pro = Browser(app)
            try await pro.login("pro@vitre.example")
            try await pro.get("/vitre/propositions/\(id)")
            try await pro.post("/vitre/propositions/\(id)/commentaires", ["body": "Je viendrai avec ma voisine."])
            #expect(try await anonymous.get("/vitre/propositions/\(id)").contains("Je viendrai avec ma voisine."))

            // A write by another instance (the database and the version change, not this memory)
            // shows within the check interval.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw(
                "UPDATE proposals SET title = 'Un groupe de parole pour les proches aidants' WHERE id = \(bind: id)"
            ).run()
            try await ProposalReadModel.bump(
                territoryID: try #require(app.agora.territories.find(slug: "vitre")).id, on: app.db)
            // Within the check interval this instance still shows what it had…
            #expect(try await anonymous.get("/vitre/propositions").contains("Un groupe de parole pour les aidants"))
            // …and once it has passed, the other instance's write.
            clock.advance(by: 1.2)
            #expect(
                try await anonymous.get("/vitre/propositions").contains("Un groupe de parole pour les proches aidants"))
            #expect(
                try await anonymous.get("/vitre/propositions/\(id)").contains(
                    "Un groupe de parole pour les proches aidants"))
        }
    }

    @Test func listFindsPluralsAndToleratesAnyQueryString() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            let page = try await browser.get("/vitre/propositions?q=aidants")
            #expect(page.contains("Un groupe de parole pour les aidants"))
            #expect(try await browser.get("/vitre/propositions?tri=en-attente").contains("Un point d&#39;eau"))
            #expect(try await browser.get("/vitre/propositions?page=500").contains("Aucune proposition ne correspond"))
            #expect(
                try await browser.get("/vitre/propositions?theme=inconnu&tri=nimporte&page=-3").contains("Propositions")
            )
            #expect(browser.lastStatus == .ok)
        }
    }
}
