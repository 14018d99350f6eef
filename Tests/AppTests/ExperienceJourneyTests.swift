import Accounts
import App
import Core
import Experiences
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Calls for experiences", .serialized)
struct ExperienceJourneyTests {
    static let complete: [(String, String)] = [
        ("title", "Jardin thérapeutique partagé"),
        ("summary", "Patients et soignants d'un hôpital de jour cultivent ensemble un jardin."),
        ("context", "lieux-de-soins"), ("level", "co-construction"),
        ("participants[]", "usagers"), ("participants[]", "professionnels"), ("participant_count", "45"),
        ("objectives", "Retrouver confiance et liens sociaux."),
        ("actions", "Un atelier chaque jeudi, décidé en conseil de jardin."),
        ("results", "Moins d'hospitalisations complètes."), ("evaluation", "Questionnaire de qualité de vie."),
        ("lessons", "Prévoir l'arrosage l'été."), ("region", "53"), ("place", "Vitré"), ("start_year", "2021"),
        ("themes[]", "parcours-de-soins"), ("populations[]", "sante-mentale"),
        ("contact_name", "Jeanne Lemoine"), ("contact_email", "jardin@exemple.fr"),
    ]

    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }

    static func nationalCall(_ app: Application) async throws -> Int {
        struct Row: Decodable { let id: Int }
        return try #require(
            try await sql(app).raw("SELECT id FROM experience_calls WHERE territory_id IS NULL").first(
                decoding: Row.self)
        ).id
    }

    static func localCall(_ app: Application) async throws -> Int {
        struct Row: Decodable { let id: Int }
        return try #require(
            try await sql(app).raw("SELECT id FROM experience_calls WHERE territory_id IS NOT NULL").first(
                decoding: Row.self)
        ).id
    }

    static func experience(titled title: String, _ app: Application) async throws -> (id: Int, status: String)? {
        struct Row: Decodable { let id: Int; let status: String; let summary: String }
        return try await sql(app).raw("SELECT id, status, summary FROM experiences WHERE title = \(bind: title)").first(
            decoding: Row.self
        ).map { ($0.id, $0.status) }
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await sql(app).raw("SELECT count(*) AS n FROM \(ident: table)").first(decoding: Row.self)?.n ?? 0
    }

    @Test func theCatalogueIsPublicSearchableAndExported() async throws {
        try await withDemoApp { app in
            let visitor = Browser(app)
            let page = try await visitor.get("/experiences")
            #expect(visitor.lastStatus == .ok)
            #expect(page.contains("4 expériences"))
            #expect(page.contains("Café des aidants de Vitré") && page.contains("Remarquable"))
            #expect(!page.contains("Plan local de santé"))  // a draft
            #expect(!page.contains("Pair-aidance"))  // under review
            // French full text: plural, capitals, no accents.
            #expect(try await visitor.get("/experiences?q=AIDANT").contains("Café des aidants de Vitré"))
            #expect(try await !visitor.get("/experiences?q=aidants&region=11").contains("Café des aidants"))
            #expect(
                try await visitor.get("/experiences?contexte=numerique&niveau=consultation").contains(
                    "entraide mutuelle numérique"))
            #expect(try await visitor.get("/experiences?remarquables=1").contains("3 expériences"))
            #expect(
                try await visitor.get("/experiences?population=personnes-agees&annee=2019&theme=bien-vieillir")
                    .contains("1 expérience"))
            // Unknown filter values are ignored, never an error.
            try await visitor.get("/experiences?contexte=%27%3B--&page=-4&annee=abc")
            #expect(visitor.lastStatus == .ok)

            let (id, _) = try #require(try await Self.experience(titled: "Café des aidants de Vitré", app))
            try await visitor.get("/experiences/\(id)")
            #expect(visitor.lastStatus == .movedPermanently)
            #expect(visitor.location == "/experiences/\(id)-cafe-des-aidants-de-vitre")
            let shown = try await visitor.get("/experiences/\(id)-cafe-des-aidants-de-vitre")
            #expect(
                visitor.lastStatus == .ok && shown.contains("Citer cette expérience")
                    && shown.contains("Expérience remarquable"))
            #expect(shown.contains("contact-1@experiences.example"))  // its author chose to publish it
            let (hidden, _) = try #require(
                try await Self.experience(titled: "Patients partenaires dans la formation des internes", app))
            #expect(
                try await !visitor.get("/experiences/\(hidden)-patients-partenaires-dans-la-formation-des-internes")
                    .contains("contact-2@experiences.example"))
            // Not published: not in the catalogue, whatever the id.
            let (draft, _) = try #require(
                try await Self.experience(titled: "Plan local de santé écrit avec les habitants", app))
            try await visitor.get("/experiences/\(draft)")
            #expect(visitor.lastStatus == .notFound)
            try await visitor.get("/experiences/abc")
            #expect(visitor.lastStatus == .notFound)

            let csv = try await visitor.get("/experiences.csv")
            #expect(visitor.lastHeaders.first(name: .contentType)?.hasPrefix("text/csv") == true)
            #expect(csv.hasPrefix("id,url,titre,resume,contexte"))
            #expect(csv.contains("contact-1@experiences.example") && !csv.contains("contact-2@experiences.example"))
            #expect(csv.split(separator: "\r\n").count == 5)
            let json = try await visitor.get("/experiences.json")
            let objects = try JSONDecoder().decode([[String: String]].self, from: Data(json.utf8))
            #expect(objects.count == 4)
            #expect(objects.contains { $0["titre"] == "Café des aidants de Vitré" && $0["remarquable"] == "oui" })
            #expect(!json.contains("contact-2@experiences.example"))
        }
    }

    @Test func aCallSaysHowManyDaysAreLeftAndWhoMayAnswer() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let visitor = Browser(app)
            let page = try await visitor.get("/appels/\(national)")
            #expect(visitor.lastStatus == .ok)
            #expect(page.contains("pour participer, jusqu&#39;au 31 mai 2027 inclus"))
            #expect(page.contains("Se connecter pour contribuer"))
            #expect(try await visitor.get("/appels").contains("Appel local · Vitré Communauté"))
            try await visitor.get("/appels/\(national)/contribuer")
            #expect(visitor.lastStatus == .seeOther && visitor.location?.hasPrefix("/connexion") == true)
            // A local call for members: another territory's coordinator may not answer it.
            let local = try await Self.localCall(app)
            let outsider = Browser(app)
            try await outsider.login("coordination@broceliande.example")
            try await outsider.get("/appels/\(local)/contribuer")
            #expect(outsider.lastStatus == .forbidden)
            #expect(outsider.lastBody.contains("réservé aux membres"))
            try await outsider.get("/appels/\(local)/chiffres")
            #expect(outsider.lastStatus == .forbidden)
            // Tampered ids.
            for path in [
                "/appels/abc", "/appels/999999", "/appels/\(national)/contributions/999999",
                "/appels/\(local)/contributions/1",
            ] {
                try await outsider.get(path)
                #expect(outsider.lastStatus == .notFound, "\(path): \(outsider.lastStatus)")
            }
        }
    }

    @Test func submitWithACoAuthorAndGetAnAcknowledgement() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let author = Browser(app)
            try await author.login("habitant@vitre.example")
            try await author.get("/appels/\(national)/contribuer")
            #expect(author.lastStatus == .ok)
            try await author.postMultipart(
                "/appels/\(national)/contribuer", [("title", "Jardin thérapeutique partagé"), ("action", "draft")])
            #expect(author.lastStatus == .seeOther, "\(author.lastBody.prefix(1500))")
            let (id, status) = try #require(try await Self.experience(titled: "Jardin thérapeutique partagé", app))
            #expect(status == "draft")
            let page = "/appels/\(national)/contributions/\(id)"
            try await author.get(page)
            try await author.post(page + "/coauteurs", ["email": "pas-une-adresse"])
            #expect(author.lastStatus == .unprocessableEntity && author.lastBody.contains("adresse e-mail complète"))
            try await author.post(page + "/coauteurs", ["email": "pro@vitre.example"])
            #expect(author.lastStatus == .seeOther)
            let link = try #require(try await lastLink(to: "pro@vitre.example", prefix: "http", on: app.db))
            let path = String(link[link.range(of: "/coauteurs/")!.lowerBound...])

            let coauthor = Browser(app)
            try await coauthor.login("pro@vitre.example")
            try await coauthor.get(page)
            #expect(coauthor.lastStatus == .notFound)  // not yet an author
            try await coauthor.get(path)
            #expect(coauthor.lastBody.contains("Accepter et rejoindre"))
            try await coauthor.post(path, [:])
            #expect(coauthor.lastStatus == .seeOther)
            try await coauthor.get(path)
            #expect(coauthor.lastStatus == .notFound)  // used once
            // The co-author completes and sends it.
            try await coauthor.get(page + "/modifier")
            #expect(coauthor.lastStatus == .ok && coauthor.lastBody.contains("Jardin thérapeutique partagé"))
            try await coauthor.postMultipart(
                page + "/modifier", Self.complete + [("action", "send")],
                files: [(name: "attachment", filename: "bilan.pdf", bytes: Array("%PDF-1.7 bilan".utf8))])
            #expect(coauthor.lastStatus == .seeOther, "\(coauthor.lastBody.prefix(2000))")
            #expect(try await Self.experience(titled: "Jardin thérapeutique partagé", app)?.status == "submitted")
            for email in ["habitant@vitre.example", "pro@vitre.example"] {
                let mail = try await OutboxMail.query(on: app.db).filter(\.$recipient == email).sort(\.$id, .descending)
                    .first()
                #expect(mail?.subject == "Contribution reçue : Jardin thérapeutique partagé", "\(email)")
            }
            // Sent: no longer editable, and the file is there for its authors only.
            try await author.get(page + "/modifier")
            #expect(author.lastStatus == .conflict)
            struct File: Decodable { let id: Int }
            let file = try #require(
                try await Self.sql(app).raw("SELECT id FROM experience_attachments WHERE experience_id = \(bind: id)")
                    .first(decoding: File.self))
            #expect(try await author.get(page + "/pieces/\(file.id)").hasPrefix("%PDF"))
            try await Browser(app).get(page + "/pieces/\(file.id)")
            #expect(try await Browser(app).get(page + "/pieces/\(file.id)").hasPrefix("%PDF") == false)
        }
    }

    @Test func badInputGetsAFrenchMessageKeepsTheTextAndSavesNothing() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let author = Browser(app)
            try await author.login("habitant@vitre.example")
            try await author.get("/appels/\(national)/contribuer")
            let before = try await Self.count(app, "experiences")
            // Missing fields on send.
            try await author.postMultipart(
                "/appels/\(national)/contribuer",
                [("title", "Une expérience incomplète"), ("objectives", "Mes objectifs à moi"), ("action", "send")])
            #expect(author.lastStatus == .unprocessableEntity)
            #expect(
                author.lastBody.contains("Choisissez le contexte de l&#39;expérience.")
                    || author.lastBody.contains("Choisissez le contexte de l'expérience."))
            #expect(
                author.lastBody.contains("Mes objectifs à moi")
                    && author.lastBody.contains("value=\"Une expérience incomplète\""))
            // A disguised file (an executable named .pdf) and an oversized one.
            try await author.postMultipart(
                "/appels/\(national)/contribuer", Self.complete + [("action", "send")],
                files: [(name: "attachment", filename: "rapport.pdf", bytes: Array("MZ\u{90}\u{0}".utf8))])
            #expect(author.lastStatus == .unprocessableEntity && author.lastBody.contains("nous vérifions son contenu"))
            try await author.postMultipart(
                "/appels/\(national)/contribuer", Self.complete + [("action", "send")],
                files: [
                    (
                        name: "attachment", filename: "gros.pdf",
                        bytes: Array("%PDF-".utf8) + [UInt8](repeating: 32, count: 5 * 1024 * 1024 + 10)
                    )
                ])
            #expect(author.lastStatus == .unprocessableEntity && author.lastBody.contains("dépasse 5 Mo"))
            #expect(author.lastBody.contains("Jardin thérapeutique partagé"))
            #expect(try await Self.count(app, "experiences") == before)
            // A missing CSRF token changes nothing.
            try await author.postMultipart(
                "/appels/\(national)/contribuer", [("_csrf", "faux"), ("title", "Sans jeton")])
            #expect(try await Self.count(app, "experiences") == before)
        }
    }

    @Test func aDraftIsNeverLostWhenTheSessionExpiresWhileTyping() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let author = Browser(app)
            try await author.login("habitant@vitre.example")
            try await author.get("/appels/\(national)/contribuer")
            // The session expires while the person types (here: it is deleted).
            try await Self.sql(app).raw("DELETE FROM sessions").run()
            try await author.postMultipart("/appels/\(national)/contribuer", Self.complete + [("action", "send")])
            #expect(author.lastStatus == .seeOther)
            let location = try #require(author.location)
            #expect(location.hasPrefix("/connexion?suivant=/appels/\(national)/reprise/"))
            #expect(try await Self.experience(titled: "Jardin thérapeutique partagé", app) == nil)
            try await author.get(location)
            #expect(author.lastBody.contains("ce que vous avez écrit est gardé"))
            let next = try #require(String(location.dropFirst("/connexion?suivant=".count)).removingPercentEncoding)
            #expect(author.lastBody.contains("name=\"suivant\" value=\"\(next)\""))
            try await author.post(
                "/connexion", ["email": "habitant@vitre.example", "password": AccountsDemo.password, "suivant": next])
            let back = try #require(author.location)
            #expect(back.contains("/reprise/"))
            try await author.get(back)
            #expect(author.lastStatus == .ok, "the link offers the text and writes nothing")
            #expect(!author.lastBody.contains("Jardin thérapeutique partagé"), "a GET shows nothing of the text")
            #expect(try await Self.experience(titled: "Jardin thérapeutique partagé", app) == nil)
            try await author.post(back, [:])
            #expect(author.lastStatus == .ok, "the form opens filled in; nothing is saved yet")
            #expect(author.lastBody.contains("Jardin thérapeutique partagé"))
            #expect(author.lastBody.contains("Il n&#39;est pas encore enregistré"))
            #expect(try await Self.experience(titled: "Jardin thérapeutique partagé", app) == nil)
            try await author.get(back)
            #expect(author.lastStatus == .notFound)  // used once
            #expect(try await Self.count(app, "experience_rescues") == 0)
            // The author saves it as a draft (the call may have closed meanwhile: it is kept).
            try await author.postMultipart(
                "/appels/\(national)/contribuer", Self.complete + [("action", "draft")])
            let saved = try #require(try await Self.experience(titled: "Jardin thérapeutique partagé", app))
            #expect(saved.status == "draft")  // kept as a draft: read again, then send
            struct Row: Decodable { let summary: String; let region: String? }
            let row = try #require(
                try await Self.sql(app).raw("SELECT summary, region FROM experiences WHERE id = \(bind: saved.id)")
                    .first(decoding: Row.self))
            #expect(
                row.summary == "Patients et soignants d'un hôpital de jour cultivent ensemble un jardin."
                    && row.region == "53")

            // Again while completing that draft: the text goes back into the same draft, not a new
            // one, and only once the author confirms by saving the form that says it replaces it.
            let edit = "/appels/\(national)/contributions/\(saved.id)/modifier"
            try await author.get(edit)
            try await Self.sql(app).raw("DELETE FROM sessions").run()
            let changed = Self.complete.map {
                $0.0 == "lessons" ? ("lessons", "Une leçon ajoutée hors session.") : $0
            }
            try await author.postMultipart(edit, changed + [("action", "draft")])
            let again = try #require(author.location)
            let count = try await Self.count(app, "experiences")
            try await author.get(again)
            try await author.post(
                "/connexion",
                [
                    "email": "habitant@vitre.example", "password": AccountsDemo.password,
                    "suivant": try #require(
                        String(again.dropFirst("/connexion?suivant=".count)).removingPercentEncoding),
                ])
            let offer = try #require(author.location)
            try await author.get(offer)
            #expect(author.lastStatus == .ok)
            try await author.post(offer, [:])
            #expect(author.lastStatus == .ok)
            #expect(author.lastBody.contains("action=\"\(edit)\""), "the form saves into the same draft")
            #expect(author.lastBody.contains("vous remplacerez le texte actuel de votre contribution"))
            #expect(author.lastBody.contains("Une leçon ajoutée hors session."))
            struct Lessons: Decodable { let lessons: String }
            func lessons() async throws -> String? {
                try await Self.sql(app).raw("SELECT lessons FROM experiences WHERE id = \(bind: saved.id)").first(
                    decoding: Lessons.self)?.lessons
            }
            #expect(try await lessons() != "Une leçon ajoutée hors session.", "not replaced before the author confirms")
            try await author.postMultipart(edit, changed + [("action", "draft")])
            #expect(author.location == "/appels/\(national)/contributions/\(saved.id)")
            #expect(try await Self.count(app, "experiences") == count)
            #expect(try await lessons() == "Une leçon ajoutée hors session.")
        }
    }

    /// Issue #16, attack 1: an anonymous visitor posts to an author's edit address, which keeps the
    /// text and gives a rescue link; the author opening that link (signed in, in their own browser)
    /// gets nothing and nothing of theirs changes.
    @Test func aRescueLinkMadeBySomeoneElseNeitherShowsNorWritesAnything() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let author = Browser(app)
            try await author.login("habitant@vitre.example")
            try await author.get("/appels/\(national)/contribuer")
            try await author.postMultipart("/appels/\(national)/contribuer", Self.complete + [("action", "draft")])
            let saved = try #require(try await Self.experience(titled: "Jardin thérapeutique partagé", app))
            let edit = "/appels/\(national)/contributions/\(saved.id)/modifier"

            let intruder = Browser(app)
            try await intruder.get("/mot-de-passe-oublie")  // a page with a form: its CSRF token
            let forged = Self.complete.map { $0.0 == "title" ? ("title", "Texte de l'intrus") : $0 }
            try await intruder.postMultipart(edit, forged + [("action", "send")])
            let login = try #require(intruder.location)
            let link = try #require(String(login.dropFirst("/connexion?suivant=".count)).removingPercentEncoding)
            #expect(link.hasPrefix("/appels/\(national)/reprise/"))

            try await author.get(link)
            #expect(author.lastStatus == .notFound, "another browser's text is not offered")
            try await author.post(link, [:])
            #expect(author.lastStatus == .notFound)
            #expect(!author.lastBody.contains("Texte de l&#39;intrus"))
            #expect(try await Self.experience(titled: "Jardin thérapeutique partagé", app)?.status == "draft")
            #expect(try await Self.experience(titled: "Texte de l'intrus", app) == nil)
            #expect(try await Self.count(app, "experience_rescues") == 1, "left for the browser that typed it")
        }
    }

    @Test func reviewWithTwoReviewersHiddenScoresAndTheirRules() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let (id, _) = try #require(
                try await Self.experience(titled: "Éducation thérapeutique co-animée en insuffisance cardiaque", app))
            let page = "/appels/\(national)/contributions/\(id)"
            let first = Browser(app)
            try await first.login("relecture1@appel-national.example")
            try await first.get("/appels/\(national)/evaluation")
            #expect(first.lastStatus == .ok && first.lastBody.contains("Contributions classées"))
            try await first.get(page + "/notation")
            #expect(first.lastStatus == .ok)
            struct C: Decodable { let id: Int }
            let criteria = try await Self.sql(app).raw(
                "SELECT id FROM experience_criteria WHERE call_id = \(bind: national) ORDER BY position"
            ).all(decoding: C.self).map(\.id)
            let reviewsBefore = try await Self.count(app, "experience_reviews")
            var scores = Dictionary(uniqueKeysWithValues: criteria.map { ("score-\($0)", "4") })
            scores["score-\(criteria[0])"] = "7"
            try await first.post(page + "/notation", scores)
            #expect(
                first.lastStatus == .unprocessableEntity
                    && first.lastBody.contains("doit être un nombre entier de 0 à 4"))
            #expect(try await Self.count(app, "experience_reviews") == reviewsBefore)  // nothing saved
            scores["score-\(criteria[0])"] = "4"
            try await first.post(
                page + "/notation", scores.merging(["comment-\(criteria[0])": "Démarche exemplaire."]) { a, _ in a })
            #expect(first.lastStatus == .seeOther)
            #expect(
                try await Self.experience(titled: "Éducation thérapeutique co-animée en insuffisance cardiaque", app)?
                    .status == "under_review")

            // The second reviewer does not see the first one's scores before giving theirs.
            let second = Browser(app)
            try await second.login("relecture2@appel-national.example")
            let before = try await second.get(page)
            #expect(!before.contains("Démarche exemplaire.") && before.contains("une fois les vôtres données"))
            try await second.post(
                page + "/notation", Dictionary(uniqueKeysWithValues: criteria.map { ("score-\($0)", "1") }))
            #expect(second.lastStatus == .seeOther)
            let after = try await second.get(page)
            #expect(after.contains("Démarche exemplaire.") && after.contains("Désaccord entre relecteur·rices"))

            // A reviewer cannot score their own submission; someone outside the call cannot at all.
            let writer = Browser(app)
            try await writer.login("relecture1@appel-national.example")
            try await writer.get("/appels/\(national)/contribuer")
            try await writer.postMultipart(
                "/appels/\(national)/contribuer", [("title", "Ma propre expérience"), ("action", "draft")])
            let (own, _) = try #require(try await Self.experience(titled: "Ma propre expérience", app))
            try await writer.get("/appels/\(national)/contributions/\(own)/modifier")
            try await writer.postMultipart(
                "/appels/\(national)/contributions/\(own)/modifier",
                Self.complete.map { $0.0 == "title" ? ("title", "Ma propre expérience") : $0 } + [("action", "send")])
            #expect(try await Self.experience(titled: "Ma propre expérience", app)?.status == "submitted")
            try await writer.get("/appels/\(national)/contributions/\(own)/notation")
            #expect(writer.lastStatus == .forbidden && writer.lastBody.contains("vous ne pouvez pas l&#39;évaluer"))
            try await writer.post("/appels/\(national)/contributions/\(own)/notation", scores)
            #expect(writer.lastStatus == .forbidden)
            let outsider = Browser(app)
            try await outsider.login("decideur@vitre.example")  // a reviewer of the local call only
            try await outsider.get(page + "/notation")
            #expect(outsider.lastStatus == .notFound)
            try await outsider.get("/appels/\(national)/evaluation")
            #expect(outsider.lastStatus == .forbidden)
        }
    }

    @Test func moreInformationThenRemarkableThenPublished() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let (id, _) = try #require(
                try await Self.experience(titled: "Conseil de la vie sociale élargi en EHPAD", app))
            let page = "/appels/\(national)/contributions/\(id)"
            let organiser = Browser(app)
            try await organiser.login("organisation@appel-national.example")
            let seen = try await organiser.get(page)
            #expect(seen.contains("Notes des relecteur·rices"))  // an organiser who does not review sees the scores
            try await organiser.post(page + "/etat", ["status": "more_info", "message": ""])
            #expect(
                organiser.lastStatus == .unprocessableEntity && organiser.lastBody.contains("Écrivez les précisions"))
            try await organiser.post(page + "/etat", ["status": "published"])
            #expect(organiser.lastStatus == .unprocessableEntity && organiser.lastBody.contains("ne peut pas passer"))
            try await organiser.post(
                page + "/etat", ["status": "more_info", "message": "Combien de résidents ont participé ?"])
            #expect(organiser.lastStatus == .seeOther)
            let mail = try await OutboxMail.query(on: app.db).filter(\.$recipient == "partenaire@vitre.example").sort(
                \.$id, .descending
            ).first()
            #expect(
                mail?.subject.hasPrefix("Précisions demandées") == true
                    && mail?.body.contains("Combien de résidents") == true)

            let author = Browser(app)
            try await author.login("partenaire@vitre.example")
            let asked = try await author.get(page)
            #expect(
                asked.contains("Combien de résidents ont participé ?")
                    && asked.contains("Votre réponse aux relecteur·rices"))
            try await author.post(page + "/reponse", ["message": " "])
            #expect(author.lastStatus == .unprocessableEntity)
            try await author.post(page + "/reponse", ["message": "Vingt-deux résidents et quinze familles."])
            #expect(
                try await Self.experience(titled: "Conseil de la vie sociale élargi en EHPAD", app)?.status
                    == "under_review")

            try await organiser.get(page)
            try await organiser.post(page + "/etat", ["status": "remarkable"])
            #expect(organiser.lastStatus == .seeOther, "\(organiser.lastBody.prefix(3000))")
            try await organiser.get(page)
            #expect(organiser.lastBody.contains("Publiée au catalogue"))
            try await organiser.post(page + "/etat", ["status": "published"])
            #expect(
                try await Self.experience(titled: "Conseil de la vie sociale élargi en EHPAD", app)?.status
                    == "published")
            let catalogue = try await Browser(app).get("/experiences?q=EHPAD")
            #expect(
                catalogue.contains("Conseil de la vie sociale élargi en EHPAD") && catalogue.contains("Remarquable"))
            struct Audit: Decodable { let n: Int }
            #expect(
                try await Self.sql(app).raw("SELECT count(*) AS n FROM audit_log WHERE action = 'experience.status'")
                    .first(decoding: Audit.self)?.n == 3)
            // Only organisers decide.
            let reviewer = Browser(app)
            try await reviewer.login("relecture1@appel-national.example")
            try await reviewer.get(page)
            try await reviewer.post(page + "/etat", ["status": "under_review"])
            #expect(reviewer.lastStatus == .forbidden)
        }
    }

    @Test func afterTheDeadlineNothingIsSentButNothingIsLost() async throws {
        try await withDemoApp { app in
            let national = try await Self.nationalCall(app)
            let (id, _) = try #require(
                try await Self.experience(titled: "Plan local de santé écrit avec les habitants", app))
            try await Self.sql(app).raw(
                "UPDATE experience_calls SET closes_on = '2020-05-31' WHERE id = \(bind: national)"
            ).run()
            let author = Browser(app)
            try await author.login("pro@vitre.example")
            try await author.get("/appels/\(national)")
            #expect(author.lastBody.contains("Appel clos depuis le 31 mai 2020"))
            try await author.get("/appels/\(national)/contribuer")
            #expect(author.lastStatus == .forbidden)
            try await author.get("/appels/\(national)/contributions/\(id)/modifier")
            try await author.postMultipart(
                "/appels/\(national)/contributions/\(id)/modifier",
                Self.complete.map { $0.0 == "title" ? ("title", "Plan local de santé, version finale") : $0 } + [
                    ("action", "send")
                ])
            #expect(
                author.lastStatus == .unprocessableEntity
                    && author.lastBody.contains("votre texte est gardé en brouillon"))
            let kept = try #require(try await Self.experience(titled: "Plan local de santé, version finale", app))
            #expect(kept.status == "draft")
        }
    }

    @Test func organisersOpenCallsAndSeeFigures() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/appels/nouveau")
            #expect(coordinator.lastStatus == .ok)
            var form = [
                "title": "Appel local test", "body": "Racontez-nous.", "opens_on": "2026-01-01",
                "closes_on": "2099-12-31", "audience": "membres",
                "reviewers": "decideur@vitre.example\ninconnu@nulle-part.example", "criteria": "Participation ; 2",
                "max_score": "4", "required_reviews": "1",
            ]
            try await coordinator.post("/vitre/appels/nouveau", form)
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Aucun compte pour : inconnu@nulle-part.example"))
            form["reviewers"] = "decideur@vitre.example"
            try await coordinator.post("/vitre/appels/nouveau", form)
            #expect(coordinator.lastStatus == .seeOther)
            // A national call: only national organisers.
            try await coordinator.get("/appels/nouveau")
            #expect(coordinator.lastStatus == .forbidden)
            let organiser = Browser(app)
            try await organiser.login("organisation@appel-national.example")
            try await organiser.get("/appels/nouveau")
            #expect(organiser.lastStatus == .ok)

            let national = try await Self.nationalCall(app)
            // Reviewers are added by the e-mail of their account; only organisers add them.
            try await organiser.get("/appels/\(national)/evaluation")
            try await organiser.post("/appels/\(national)/relecteurs", ["email": "personne@nulle-part.example"])
            #expect(
                organiser.lastStatus == .unprocessableEntity
                    && organiser.lastBody.contains("Aucun compte pour personne@nulle-part.example"))
            try await organiser.post("/appels/\(national)/relecteurs", ["email": "partenaire@broceliande.example"])
            #expect(organiser.lastStatus == .seeOther)
            #expect(try await organiser.get("/appels/\(national)/evaluation").contains("Yannick Le Gall"))
            try await coordinator.get("/appels")
            try await coordinator.post("/appels/\(national)/relecteurs", ["email": "coordination@vitre.example"])
            #expect(coordinator.lastStatus == .forbidden)
            // Editing the call: the deadline moves; the grid no longer changes once scores were given.
            let edit = "/appels/\(national)/modifier"
            let form0 = try await organiser.get(edit)
            #expect(organiser.lastStatus == .ok && form0.contains("Participation réelle des usagers ; 3"))
            try await organiser.post(
                edit,
                [
                    "title": "Recueil national 2026 (prolongé)", "body": "Texte.", "opens_on": "2026-01-15",
                    "closes_on": "2027-06-30",
                    "reviewers": "relecture1@appel-national.example\nrelecture2@appel-national.example",
                    "criteria": "Participation réelle des usagers ; 5", "max_score": "4", "required_reviews": "2",
                ])
            #expect(
                organiser.lastStatus == .unprocessableEntity && organiser.lastBody.contains("La grille ne change plus"))
            try await organiser.post(
                edit,
                [
                    "title": "Recueil national 2026 (prolongé)", "body": "Texte.", "opens_on": "2026-01-15",
                    "closes_on": "2027-06-30",
                    "reviewers": "relecture1@appel-national.example\nrelecture2@appel-national.example",
                    "criteria":
                        "Participation réelle des usagers ; 3\nRésultats et évaluation ; 2\nTransférabilité ailleurs ; 2\nClarté de la description ; 1",
                    "max_score": "4", "required_reviews": "2",
                ])
            #expect(organiser.lastStatus == .seeOther)
            #expect(try await organiser.get("/appels/\(national)").contains("jusqu&#39;au 30 juin 2027 inclus"))
            try await coordinator.get(edit)
            #expect(coordinator.lastStatus == .forbidden)
            let figures = try await organiser.get("/appels/\(national)/chiffres")
            #expect(
                organiser.lastStatus == .ok && figures.contains("Contributions par contexte")
                    && figures.contains("Contributions par région"))
            #expect(figures.contains("11 contributions envoyées"))
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get("/appels/\(national)/chiffres")
            #expect(resident.lastStatus == .forbidden)
            let local = try await Self.localCall(app)
            let decider = Browser(app)
            try await decider.login("decideur@vitre.example")
            try await decider.get("/appels/\(local)/chiffres")
            #expect(decider.lastStatus == .ok)
        }
    }

    @Test func personalDataAndErasure() async throws {
        try await withDemoApp { app in
            struct Row: Decodable { let id: Int }
            let person = try #require(
                try await Self.sql(app).raw("SELECT id FROM people WHERE email = 'pro@vitre.example'").first(
                    decoding: Row.self)
            ).id
            let module = ExperiencesModule()
            let data = try await module.personalData(of: person, on: app.db)
            guard case .list(let mine)? = data["experiences"] else {
                Issue.record("no experiences in the export"); return
            }
            #expect(mine.count == 1)  // the demo draft of pro@vitre.example
            #expect(data["experience_reviews"] != nil && data["experience_messages"] != nil)
            try await module.erase(personID: person, env: app.useCases(), on: app.db)
            // their own draft
            #expect(try await Self.experience(titled: "Plan local de santé écrit avec les habitants", app) == nil)
            let reviewer = try #require(
                try await Self.sql(app).raw("SELECT id FROM people WHERE email = 'relecture1@appel-national.example'")
                    .first(decoding: Row.self)
            ).id
            let reviews = try await Self.count(app, "experience_reviews")
            try await module.erase(personID: reviewer, env: app.useCases(), on: app.db)
            #expect(try await Self.count(app, "experience_reviews") == reviews)  // kept, without their author
        }
    }
}
