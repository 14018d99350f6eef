import Accounts
import App
import Committees
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Committees", .serialized)
struct CommitteeJourneyTests {
    static func day(_ offset: Int) -> String { Day.adding(offset, to: Day.today())! }

    @Test func createSeatCallDrawMeetVoteDecideAndPublish() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let committeesBefore = try await count(Committee.self, on: app.db)

            // Creating: bad input is refused in French, nothing saved, what was typed kept.
            try await coordinator.get("/vitre/instances/nouvelle")
            try await coordinator.post(
                "/vitre/instances/nouvelle",
                [
                    "name": "", "purpose": "Parler de santé ensemble.", "quorum": "150", "rule": "majorite",
                    "min_share": "20",
                ])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                coordinator.lastBody.contains("Donnez un nom à l") && coordinator.lastBody.contains("entre 1 et 100"))
            #expect(coordinator.lastBody.contains("Parler de santé ensemble."))
            #expect(try await count(Committee.self, on: app.db) == committeesBefore)
            try await coordinator.post(
                "/vitre/instances/nouvelle",
                [
                    "name": "Comité santé des bourgs", "purpose": "Parler de santé ensemble.",
                    "themes[]": "prevention", "quorum": "50", "rule": "majorite", "min_share": "20",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let committee = try #require(
                try await Committee.query(on: app.db).filter(\.$name == "Comité santé des bourgs").first())
            #expect(committee.themesMask == Theme.mask([.prevention]))
            let base = "/vitre/instances/\(committee.id!)"
            #expect(coordinator.location == base + "/gestion")

            // Seats: an unknown address, a mandate ending before it starts, then the members.
            try await coordinator.get(base + "/gestion")
            try await coordinator.post(
                base + "/membres",
                [
                    "email": "personne@nulle-part.example", "college": "professionnels", "function": "membre",
                    "mandate_start": Self.day(0), "mandate_end": Self.day(700),
                ])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Aucun compte de ce territoire"))
            try await coordinator.post(
                base + "/membres",
                [
                    "email": "pro@vitre.example", "college": "professionnels", "function": "membre",
                    "mandate_start": Self.day(0), "mandate_end": Self.day(-3),
                ])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Le mandat doit finir après son début."))
            #expect(try await CommitteeMember.query(on: app.db).filter(\.$committeeID == committee.id!).count() == 0)
            for (email, college) in [("pro@vitre.example", "professionnels"), ("decideur@vitre.example", "decideurs")] {
                try await coordinator.post(
                    base + "/membres",
                    [
                        "email": email, "college": college, "function": "membre",
                        "mandate_start": Self.day(0), "mandate_end": Self.day(700), "named": "oui",
                    ])
                #expect(coordinator.lastStatus == .seeOther, "\(email)")
                try await coordinator.get(base + "/gestion")
            }
            try await coordinator.post(
                base + "/membres",
                [
                    "email": "pro@vitre.example", "college": "professionnels", "function": "membre",
                    "mandate_start": Self.day(0), "mandate_end": Self.day(700),
                ])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("siège déjà"))

            // A call for the users' college: the two residents apply; a professional cannot.
            try await coordinator.post(
                base + "/appels",
                [
                    "title": "Une place d'usager", "body": "Pour trois ans.", "call_college": "usagers", "seats": "1",
                    "closes_on": Self.day(-1),
                ])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("La date limite est déjà passée."))
            try await coordinator.post(
                base + "/appels",
                [
                    "title": "Une place d'usager", "body": "Pour trois ans.", "call_college": "usagers", "seats": "1",
                    "closes_on": Self.day(10),
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let call = try #require(
                try await CandidateCall.query(on: app.db).filter(\.$committeeID == committee.id!).first())
            let callPath = base + "/appels/\(call.id!)"
            let anonymous = Browser(app)
            #expect(try await anonymous.get(callPath).contains("encore 10 jours pour candidater"))
            for email in ["habitant@vitre.example", "partenaire@vitre.example"] {
                let applicant = Browser(app)
                try await applicant.login(email)
                try await applicant.get(callPath)
                try await applicant.post(callPath + "/candidature", ["motivation": " "])
                #expect(
                    applicant.lastStatus == .unprocessableEntity
                        && applicant.lastBody.contains("pourquoi vous souhaitez siéger"))
                try await applicant.post(callPath + "/candidature", ["motivation": "J'habite un bourg sans médecin."])
                #expect(applicant.lastStatus == .seeOther)
                try await applicant.get(callPath)
                #expect(applicant.lastBody.contains("Votre candidature est enregistrée sous le numéro"))
                try await applicant.post(callPath + "/candidature", ["motivation": "Encore moi."])
                #expect(applicant.lastStatus == .conflict && applicant.lastBody.contains("déjà candidaté"))
            }
            let pro = Browser(app)
            try await pro.login("pro@vitre.example")
            try await pro.get(base)
            try await pro.post(callPath + "/candidature", ["motivation": "Je suis infirmier."])
            #expect(pro.lastStatus == .unprocessableEntity && pro.lastBody.contains("un autre collège"))
            // Motivations are for the coordinators only.
            #expect(!(try await anonymous.get(callPath)).contains("J'habite un bourg"))

            // The draw by lot, from the seed fixed when the call opened: only its SHA-256 is
            // public before the draw (issue #16, attack 6), nobody types one, anyone checks it after.
            try await coordinator.get(callPath)
            #expect(
                coordinator.lastBody.contains("J&#39;habite un bourg sans médecin.")
                    || coordinator.lastBody.contains("J'habite un bourg sans médecin."))
            let sealed = try #require(try await CandidateCall.find(call.id, on: app.db))
            let commitment = try #require(sealed.seedCommitment)
            let seed = try #require(sealed.sealedSeed)
            let before = try await anonymous.get(callPath)
            #expect(before.contains(commitment) && !before.contains(seed), "the commitment, not the seed")
            #expect(!coordinator.lastBody.contains("name=\"seed\""), "no seed is typed")
            try await coordinator.post(
                callPath + "/tirage-au-sort",
                ["seed": "20261123", "balance": "", "mandate_start": Self.day(0), "mandate_end": Self.day(1000)])
            #expect(coordinator.lastStatus == .seeOther)
            let expected = Draw.draw(
                [Draw.Candidate(number: 1), Draw.Candidate(number: 2)], seats: 1, seed: try #require(UInt64(seed)),
                balanced: false)
            let drawnNumber = try #require(expected.first)
            let drawn = try #require(
                try await Candidacy.query(on: app.db).filter(\.$callID == call.id!).filter(\.$number == drawnNumber)
                    .first())
            #expect(drawn.status == "selected")
            let published = try await anonymous.get(callPath)
            #expect(published.contains(seed) && published.contains(commitment))
            #expect(published.contains("Numéros tirés : \(drawnNumber)"))
            #expect(Draw.keeps(commitment, seed: seed))
            try await coordinator.get(callPath)
            try await coordinator.post(
                callPath + "/tirage-au-sort",
                ["seed": "1", "mandate_start": Self.day(0), "mandate_end": Self.day(1000)])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("déjà désignés"))
            let seats = try await CommitteeMember.query(on: app.db).filter(\.$committeeID == committee.id!).all()
            #expect(seats.count == 3)
            let userSeat = try #require(seats.first { $0.college == "usagers" })
            #expect(userSeat.personID == drawn.personID && userSeat.named == false)
            // A user member is "membre usager" in public unless they choose to be named.
            let record = try await anonymous.get(base)
            #expect(record.contains("Membre usager") && record.contains("Comité santé des bourgs"))

            // A meeting: bad times are refused; a good one invites every member with the .ics.
            try await coordinator.get(base + "/gestion")
            try await coordinator.post(
                base + "/seances",
                ["day": Self.day(-1), "start": "20:00", "end": "19:00", "place": "Mairie", "agenda": "Accueil"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("La séance doit finir après son début."))
            let mailsBefore = try await count(OutboxMail.self, on: app.db)
            try await coordinator.post(
                base + "/seances",
                [
                    "day": Self.day(0), "start": "18:30", "end": "20:00", "place": "Mairie de Bais",
                    "agenda": "Transport vers les soins\nPermanence de sage-femme\nQuestions diverses",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let meeting = try #require(
                try await Meeting.query(on: app.db).filter(\.$committeeID == committee.id!).first())
            let meetingPath = base + "/seances/\(meeting.id!)"
            let invitations = try await OutboxMail.query(on: app.db).sort(\.$id).all().dropFirst(mailsBefore)
            #expect(
                invitations.count == 3
                    && invitations.allSatisfy {
                        $0.body.contains("invitation.ics") && $0.body.contains("Permanence de sage-femme")
                    })
            let ics = try await anonymous.get(meetingPath + "/invitation.ics")
            #expect(anonymous.lastHeaders.contentType?.description.hasPrefix("text/calendar") == true)
            #expect(ics.contains("BEGIN:VEVENT") && ics.contains("LOCATION:Mairie de Bais"))

            // Attendance, the quorum, and votes: only members present vote, once.
            let items = try await AgendaItem.query(on: app.db).filter(\.$meetingID == meeting.id!).sort(\.$position)
                .all()
            let memberIDs = Dictionary(uniqueKeysWithValues: seats.map { ($0.college, $0.id!) })
            try await coordinator.get(meetingPath)
            try await coordinator.post(meetingPath + "/points/\(items[0].id!)/ouvrir-le-vote", [:])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Le quorum n"))
            try await coordinator.post(
                meetingPath + "/presences",
                [
                    "presence-\(memberIDs["professionnels"]!)": "present",
                    "presence-\(memberIDs["decideurs"]!)": "represente",
                    "presence-\(memberIDs["usagers"]!)": "absent",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let page = try await anonymous.get(meetingPath)
            #expect(
                page.contains("Présents ou représentés : 2 sur 3 membres votants ; quorum : 2.")
                    && page.contains("Le quorum est atteint."))
            try await coordinator.get(meetingPath)
            try await coordinator.post(meetingPath + "/points/\(items[0].id!)/ouvrir-le-vote", [:])
            #expect(coordinator.lastStatus == .seeOther)
            let votePath = meetingPath + "/points/\(items[0].id!)/vote"
            let field = "choice-\(items[0].id!)"
            // The coordinator runs the committee but is not a member: no vote.
            try await coordinator.get(meetingPath)
            try await coordinator.post(votePath, [field: "pour"])
            #expect(coordinator.lastStatus == .forbidden && coordinator.lastBody.contains("Seuls les membres votants"))
            let absentee = Browser(app)
            try await absentee.login(
                drawn.personID
                    == (try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first()?.id)
                    ? "habitant@vitre.example" : "partenaire@vitre.example")
            try await absentee.get(meetingPath)
            try await absentee.post(votePath, [field: "pour"])
            #expect(absentee.lastStatus == .forbidden)
            try await pro.get(meetingPath)
            try await pro.post(votePath, [field: "peut-etre"])
            #expect(pro.lastStatus == .unprocessableEntity)
            try await pro.post(votePath, [field: "pour"])
            #expect(pro.lastStatus == .seeOther)
            try await pro.get(meetingPath)
            #expect(pro.lastBody.contains("Vous avez voté."))
            try await pro.post(votePath, [field: "contre"])
            #expect(pro.lastStatus == .conflict && pro.lastBody.contains("déjà voté"))
            let decider = Browser(app)
            try await decider.login("decideur@vitre.example")
            try await decider.get(meetingPath)
            try await decider.post(votePath, [field: "contre"])
            #expect(decider.lastStatus == .seeOther)

            // The decision closes the vote: one for, one against is not a majority.
            try await coordinator.get(meetingPath)
            try await coordinator.post(meetingPath + "/points/\(items[0].id!)/decision", ["mode": "vote", "text": ""])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("id=\"champ-decision-\(items[0].id!)-erreur\""))
            try await coordinator.post(
                meetingPath + "/points/\(items[0].id!)/decision",
                ["mode": "vote", "text": "Prolonger le transport à la demande."])
            #expect(coordinator.lastStatus == .seeOther)
            let decided = try #require(try await AgendaItem.find(items[0].id!, on: app.db))
            #expect(decided.adopted == false && decided.voteOpen == false && decided.quorumMet == true)
            try await coordinator.get(meetingPath)
            try await coordinator.post(
                meetingPath + "/points/\(items[1].id!)/decision",
                ["mode": "consensus", "text": "Une permanence le jeudi.", "links": "/broceliande/actions"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            try await coordinator.post(
                meetingPath + "/points/\(items[1].id!)/decision",
                ["mode": "consensus", "text": "Une permanence le jeudi.", "links": "/vitre/actions"])
            #expect(coordinator.lastStatus == .seeOther)
            try await pro.get(meetingPath)
            try await pro.post(votePath, [field: "pour"])
            #expect(pro.lastStatus == .conflict, "the vote is closed")
            let afterVote = try await anonymous.get(meetingPath)
            #expect(
                afterVote.contains("Rejeté au vote") && afterVote.contains("Adopté par consensus")
                    && afterVote.contains("href=\"/vitre/actions\""))

            // Minutes: members read the draft; the public reads them once approved at the next meeting; then they are frozen.
            try await coordinator.get(meetingPath)
            try await coordinator.post(meetingPath + "/compte-rendu", ["minutes": "Le comité a débattu du transport."])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(!(try await anonymous.get(meetingPath)).contains("Le comité a débattu du transport."))
            #expect(try await pro.get(meetingPath).contains("Le comité a débattu du transport."))
            #expect(try await pro.get(base + "/espace-membres").contains("Comptes rendus en projet"))
            #expect(pro.lastStatus == .ok)
            let outsider = Browser(app)
            try await outsider.login("admin@vitre.example")
            try await outsider.get(base + "/espace-membres")
            #expect(outsider.lastStatus == .ok, "administrators run committees")
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get(base + "/espace-membres")
            let residentSeated =
                drawn.personID
                == (try await Person.query(on: app.db).filter(\.$email == "habitant@vitre.example").first()?.id)
            #expect(resident.lastStatus == (residentSeated ? .ok : .forbidden))

            try await coordinator.get(base + "/gestion")
            try await coordinator.post(
                base + "/seances",
                [
                    "day": Self.day(20), "start": "18:30", "end": "20:00", "link": "https://visio.example.org/bourgs",
                    "agenda": "Approbation du compte rendu",
                ])
            let second = try #require(
                try await Meeting.query(on: app.db).filter(\.$committeeID == committee.id!).sort(
                    \.$startsAt, .descending
                ).first())
            try await coordinator.get(base + "/seances/\(second.id!)")
            try await coordinator.post(base + "/seances/\(second.id!)/approbation", [:])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await anonymous.get(meetingPath).contains("Le comité a débattu du transport."))
            try await coordinator.get(meetingPath)
            try await coordinator.post(meetingPath + "/compte-rendu", ["minutes": "Réécrit après coup."])
            #expect(coordinator.lastStatus == .conflict && coordinator.lastBody.contains("ne peut plus être modifié"))
            #expect(try await Meeting.find(meeting.id!, on: app.db)?.minutes == "Le comité a débattu du transport.")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "committee.decision").count() == 2)

            // Another territory's coordinator cannot run this committee, by either address.
            let foreign = Browser(app)
            try await foreign.login("coordination@broceliande.example")
            try await foreign.get("/broceliande/instances/nouvelle")
            try await foreign.post(
                "/broceliande/instances/\(committee.id!)/membres",
                [
                    "email": "pro@vitre.example", "college": "professionnels", "function": "membre",
                    "mandate_start": Self.day(0), "mandate_end": Self.day(700),
                ])
            #expect(foreign.lastStatus == .notFound)
            try await foreign.get("/broceliande/instances/nouvelle")
            try await foreign.post(
                base + "/seances",
                ["day": Self.day(3), "start": "18:30", "end": "20:00", "place": "Ailleurs", "agenda": "Rien"])
            #expect(foreign.lastStatus == .forbidden)
            #expect(try await Meeting.query(on: app.db).filter(\.$committeeID == committee.id!).count() == 2)
        }
    }

    @Test func membersDraftAStrategyThatADecisionAdoptsAndFreezes() async throws {
        try await withDemoApp { app in
            let committee = try #require(
                try await Committee.query(on: app.db).filter(\.$name == "Comité local de santé du pays de Vitré")
                    .first())
            let base = "/vitre/instances/\(committee.id!)"
            let pro = Browser(app)  // a member of the demo committee
            try await pro.login("pro@vitre.example")
            try await pro.get(base + "/espace-membres")
            #expect(pro.lastStatus == .ok)
            try await pro.post(base + "/strategies", ["strategy_title": ""])
            #expect(pro.lastStatus == .unprocessableEntity && pro.lastBody.contains("Donnez un titre à la stratégie."))
            try await pro.post(base + "/strategies", ["strategy_title": "Stratégie de prévention 2027"])
            #expect(pro.lastStatus == .seeOther)
            let strategy = try #require(
                try await Strategy.query(on: app.db).filter(\.$title == "Stratégie de prévention 2027").first())
            let path = base + "/strategies/\(strategy.id!)"
            // Drafts are for members: the public and other members of the territory are refused.
            let anonymous = Browser(app)
            try await anonymous.get(path)
            #expect(anonymous.lastStatus == .forbidden)
            let outsider = Browser(app)
            try await outsider.login("partenaire@broceliande.example")
            try await outsider.get(path)
            #expect(outsider.lastStatus == .forbidden, "no seat on this committee")

            try await pro.get(path)
            try await pro.post(
                path + "/sections", ["new_section": "1", "section_title": "Constat", "section_body": ""])
            #expect(pro.lastStatus == .unprocessableEntity && pro.lastBody.contains("value=\"Constat\""))
            try await pro.post(
                path + "/sections",
                ["new_section": "1", "section_title": "Constat", "section_body": "Peu de dépistage dans les bourgs."])
            #expect(pro.lastStatus == .seeOther)
            let section = try #require(
                try await StrategySection.query(on: app.db).filter(\.$strategyID == strategy.id!).first())
            try await pro.get(path)
            try await pro.post(
                path + "/sections/\(section.id!)",
                [
                    "section_title": "Constat",
                    "section_body": "Peu de dépistage dans les bourgs, surtout chez les hommes.",
                ])
            #expect(pro.lastStatus == .seeOther)
            try await pro.get(path)
            try await pro.post(path + "/sections/\(section.id!)/commentaires", ["comment": " "])
            #expect(
                pro.lastStatus == .unprocessableEntity
                    && pro.lastBody.contains("id=\"champ-commentaire-\(section.id!)-erreur\""))
            try await pro.post(
                path + "/sections/\(section.id!)/commentaires", ["comment": "Ajoutons les chiffres de la CPAM."])
            #expect(pro.lastStatus == .seeOther)
            #expect(try await Strategy.find(strategy.id!, on: app.db)?.version == 3)
            let page = try await pro.get(path + "?version=2")
            #expect(
                page.contains("Ajoutons les chiffres de la CPAM.") && page.contains("Texte de la version 2")
                    && page.contains("Peu de dépistage dans les bourgs."))

            // Adoption by an adopted decision of this committee only; then frozen and public.
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get(path)
            try await coordinator.post(path + "/adoption", ["item": "999999"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Choisissez une décision adoptée"))
            let decision = try #require(
                try await AgendaItem.query(on: app.db).filter(\.$adopted == true).filter(\.$decisionMode == "consensus")
                    .first())
            try await coordinator.post(path + "/adoption", ["item": "\(decision.id!)", "links": "/vitre/actions"])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await anonymous.get(path).contains("Adoptée le"))
            try await pro.get(path)
            try await pro.post(
                path + "/sections/\(section.id!)", ["section_title": "Constat", "section_body": "Réécrit."])
            #expect(pro.lastStatus == .conflict && pro.lastBody.contains("ne peut plus être modifiée"))
            #expect(
                try await StrategySection.find(section.id!, on: app.db)?.body
                    == "Peu de dépistage dans les bourgs, surtout chez les hommes.")
            #expect(try await anonymous.get(base).contains("Stratégie de prévention 2027"))
        }
    }

    @Test func workingDocumentsAreCheckedByContentAndReadByMembersOnly() async throws {
        try await withDemoApp { app in
            let committee = try #require(
                try await Committee.query(on: app.db).filter(\.$name == "Comité local de santé du pays de Vitré")
                    .first())
            let base = "/vitre/instances/\(committee.id!)"
            let meeting = try #require(
                try await Meeting.query(on: app.db).filter(\.$committeeID == committee.id!).sort(\.$startsAt).first())
            let pro = Browser(app)
            try await pro.login("pro@vitre.example")
            try await pro.get(base + "/espace-membres")
            try await pro.postMultipart(
                base + "/documents", [("title", "Budget du transport"), ("meeting", "\(meeting.id!)")],
                files: [(name: "file", filename: "budget.pdf", bytes: Array("MZ not a pdf".utf8))])
            #expect(pro.lastStatus == .unprocessableEntity && pro.lastBody.contains("nous vérifions son contenu"))
            #expect(pro.lastBody.contains("value=\"Budget du transport\""))
            try await pro.postMultipart(
                base + "/documents", [("title", "Budget du transport"), ("meeting", "\(meeting.id!)")],
                files: [(name: "file", filename: "budget.exe.pdf", bytes: Array("%PDF-1.4 budget".utf8))])
            #expect(pro.lastStatus == .seeOther)
            let listed = try await pro.get("\(base)/seances/\(meeting.id!)")
            let link = try #require(
                listed.range(of: base + "/documents/").map { String(listed[$0.lowerBound...].prefix { $0 != "\"" }) })
            #expect(try await pro.get(link).hasPrefix("%PDF"))
            #expect(pro.lastHeaders.first(name: .contentDisposition)?.contains("budget.exe.pdf") == true)
            // The public sees neither the list nor the file.
            let anonymous = Browser(app)
            #expect(!(try await anonymous.get("\(base)/seances/\(meeting.id!)")).contains("Budget du transport"))
            try await anonymous.get(link)
            #expect(anonymous.lastStatus == .seeOther || anonymous.lastStatus == .forbidden)
            let outsider = Browser(app)
            try await outsider.login("partenaire@broceliande.example")
            try await outsider.get(link)
            #expect(outsider.lastStatus == .forbidden)
        }
    }

    @Test func theDemoCommitteesHaveARecord() async throws {
        try await withDemoApp { app in
            let anonymous = Browser(app)
            let list = try await anonymous.get("/vitre/instances")
            #expect(list.contains("Comité local de santé du pays de Vitré"))
            let committee = try #require(
                try await Committee.query(on: app.db).filter(\.$name == "Comité local de santé du pays de Vitré")
                    .first())
            let page = try await anonymous.get("/vitre/instances/\(committee.id!)")
            #expect(
                page.contains("Collège des usagers") && page.contains("Collège des professionnels")
                    && page.contains("Collège des décideurs"))
            #expect(page.contains("Membre usager"), "a user member who chose not to be named")
            #expect(page.contains("Un mandat se termine dans les deux mois"), "the demo has one mandate ending soon")
            #expect(page.contains("Adoptée par consensus") && page.contains("Adoptée par vote"))
            #expect(
                page.contains("Stratégie d&#39;accès aux soins dans les bourgs")
                    || page.contains("Stratégie d'accès aux soins dans les bourgs"))
            #expect(try await anonymous.get("/broceliande/instances").contains("Conseil santé de Brocéliande"))
            // A committee of Vitré is not found under Brocéliande.
            try await anonymous.get("/broceliande/instances/\(committee.id!)")
            #expect(anonymous.lastStatus == .notFound)
        }
    }
}
