import Accounts
import App
import Core
import Fluent
import Foundation
import Questionnaires
import SQLKit
import Testing
import Vapor

@Suite("Questionnaires", .serialized)
struct QuestionnaireJourneyTests {
    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }
    struct Row: Decodable { let id: Int }
    struct Count: Decodable { let n: Int }

    static func count(_ app: Application, _ filter: SQLQueryString) async throws -> Int {
        try await sql(app).raw("SELECT count(*) AS n FROM questionnaire_responses WHERE \(filter)").first(
            decoding: Count.self)?.n ?? 0
    }

    /// Whether a page says `text` (an apostrophe may be written &#39;).
    static func says(_ body: String, _ text: String) -> Bool {
        body.contains(text) || body.contains(text.replacingOccurrences(of: "'", with: "&#39;"))
    }

    /// The keys of the current version's questions, in order, and their display conditions.
    static func questions(_ app: Application, _ id: Int) async throws -> [(key: String, condition: String?)] {
        struct Row: Decodable { let definition: String }
        let row = try #require(
            try await sql(app).raw(
                """
                SELECT v.definition FROM questionnaires q JOIN questionnaire_versions v ON v.id = q.current_version_id WHERE q.id = \(bind: id)
                """
            ).first(decoding: Row.self))
        return Definition.decode(row.definition).questions.map {
            ($0.key, $0.condition.map { "\($0.question)=\($0.equals)" })
        }
    }

    static func demo(_ app: Application, audience: String = "usagers", slug: String = "vitre") async throws -> Int {
        try #require(
            try await sql(app).raw(
                """
                SELECT q.id FROM questionnaires q JOIN territories t ON t.id = q.territory_id WHERE t.slug = \(bind: slug) AND q.audience = \(bind: audience)
                """
            ).first(decoding: Row.self)
        ).id
    }

    /// A coordinator builds a questionnaire; a resident answers it (errors keep every answer);
    /// a change after the first answer makes a version 2 while the answer keeps version 1.
    @Test func buildAnswerAndVersion() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/questionnaires/nouveau")
            try await coordinator.post(
                "/vitre/questionnaires/nouveau", ["title": "", "intro": "Pour savoir", "audience": "usagers"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Donnez un titre.") && coordinator.lastBody.contains("Pour savoir"))
            try await coordinator.post(
                "/vitre/questionnaires/nouveau",
                ["title": "Transport et santé", "intro": "Pour savoir", "audience": "usagers"])
            #expect(coordinator.lastStatus == .seeOther)
            let builder = try #require(coordinator.location)
            let base = String(builder.dropLast("/construire".count))
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "single", "section": "s1", "label": "Avez-vous une voiture ?", "choices": "Oui",
                    "required": "on",
                ])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                coordinator.lastBody.contains("Écrivez au moins deux choix")
                    && coordinator.lastBody.contains("Avez-vous une voiture ?"))
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "single", "section": "s1", "label": "Avez-vous une voiture ?", "choices": "Oui\nNon",
                    "required": "on",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "number", "section": "s1", "label": "Combien de kilomètres jusqu'au médecin ?",
                    "min_value": "0",
                    "max_value": "200", "required": "on", "condition": "q2=2",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "ranking", "section": "s1", "label": "Vos priorités", "themed_choices": "on",
                    "max_choices": "2",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let id = Int(base.split(separator: "/").last!)!

            // A display condition may only test an earlier question: the select lists only those,
            // and a condition on a later one is refused next to the field, nothing saved.
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                ["kind": "single", "section": "s1", "label": "Prenez-vous le bus ?", "choices": "Oui\nNon"])
            #expect(coordinator.lastStatus == .seeOther)
            let q2Form = try await coordinator.get(base + "/questions/q2")
            #expect(
                coordinator.lastStatus == .ok && !q2Form.contains("value=\"q5=1\"")
                    && !q2Form.contains("value=\"q2=1\""))
            let q5Form = try await coordinator.get(base + "/questions/q5")
            #expect(q5Form.contains("value=\"q2=1\""))
            try await coordinator.get(base + "/questions/q2")
            try await coordinator.post(
                base + "/questions/q2",
                [
                    "section": "s1", "label": "Avez-vous une voiture ?", "choices": "Oui\nNon", "required": "on",
                    "condition": "q5=1",
                ])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                Self.says(coordinator.lastBody, "La condition doit porter sur une réponse d'une question posée avant.")
                    && coordinator.lastBody.contains("champ-condition-erreur"))
            try await coordinator.post(
                base + "/questions/nouvelle",
                ["kind": "short_text", "section": "s1", "label": "Lequel ?", "condition": "q5=1"])
            #expect(coordinator.lastStatus == .seeOther)  // q5 comes before the new question: allowed
            let order = ["q2", "q3", "q4", "q5", "q6"]
            #expect(try await Self.questions(app, id).map(\.key) == order)
            #expect(try await Self.questions(app, id).map(\.condition) == [nil, "q2=2", nil, nil, "q5=1"])
            // Moves that would put a question before the one it depends on are refused.
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "question-up", "target": "q3"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Déplacement refusé, rien n&#39;a changé"))
            #expect(
                coordinator.lastBody.contains("id=\"champ-question-q3\"")
                    && coordinator.lastBody.contains("href=\"#champ-question-q3\""))
            try await coordinator.post(builder, ["op": "question-down", "target": "q5"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains(
                        "« Lequel ? » n&#39;est posée que selon la réponse à « Prenez-vous le bus ? »")
            )
            try await coordinator.post(builder, ["op": "section-add", "new_section": "Fin"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/q2")
            try await coordinator.post(
                base + "/questions/q2",
                ["section": "s7", "label": "Avez-vous une voiture ?", "choices": "Oui\nNon", "required": "on"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains(
                        "Dans cette section, la question viendrait après « Combien de kilomètres jusqu&#39;au médecin ? »"
                    ))
            // Moving the last question to the new section keeps every condition.
            try await coordinator.get(base + "/questions/q6")
            try await coordinator.post(
                base + "/questions/q6", ["section": "s7", "label": "Lequel ?", "condition": "q5=1"])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await Self.questions(app, id).map(\.key) == order)
            #expect(try await Self.questions(app, id).map(\.condition) == [nil, "q2=2", nil, nil, "q5=1"])
            // Moving the section with q6 above the first one would break its condition: refused.
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "section-up", "target": "s7"])
            #expect(
                coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Déplacement refusé"))
            #expect(try await Self.questions(app, id).map(\.key) == order)
            // Deleting the bus question says the condition of « Lequel ? » goes with it.
            try await coordinator.post(builder, ["op": "question-delete", "target": "q5"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(builder)
            #expect(coordinator.lastBody.contains("désormais toujours posées : « Lequel ? »"))
            try await coordinator.post(builder, ["op": "question-delete", "target": "q6"])
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "section-delete", "target": "s7"])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await Self.questions(app, id).map(\.key) == ["q2", "q3", "q4"])
            // A satisfaction-worded scale is marked "score inversé", and the builder says so.
            let scaleForm = try await coordinator.get(base + "/questions/nouvelle")
            #expect(scaleForm.contains("name=\"reverse_scored\""))
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "agreement", "section": "s1", "label": "Je trouve facilement un transport.",
                    "theme": "mobilite", "reverse_scored": "on",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            let marked = try await coordinator.get(builder)
            #expect(marked.contains("Je trouve facilement un transport.") && marked.contains("score inversé"))
            let added = try #require(try await Self.questions(app, id).last?.key)
            #expect(try await Self.questions(app, id).map(\.key) == ["q2", "q3", "q4", added])
            try await coordinator.post(builder, ["op": "question-delete", "target": added])
            #expect(try await Self.questions(app, id).map(\.key) == ["q2", "q3", "q4"])
            // Tampered question and section ids: a plain French 404, nothing changed.
            try await coordinator.get(base + "/questions/q999")
            #expect(coordinator.lastStatus == .notFound && coordinator.lastBody.contains("Question introuvable"))
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "question-up", "target": "q999"])
            #expect(
                coordinator.lastStatus == .notFound
                    && Self.says(
                        coordinator.lastBody,
                        "Cette question n'existe pas (ou plus) dans ce questionnaire : rien n'a été modifié.")
            )
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "section-down", "target": "s99"])
            #expect(coordinator.lastStatus == .notFound && coordinator.lastBody.contains("Section introuvable"))
            try await coordinator.get(builder)
            try await coordinator.post(base + "/questions/q999", ["section": "s1", "label": "Piège"])
            #expect(coordinator.lastStatus == .notFound && coordinator.lastBody.contains("Question introuvable"))
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "tout-effacer"])
            #expect(coordinator.lastStatus == .badRequest && coordinator.lastBody.contains("Action inconnue"))
            #expect(try await Self.questions(app, id).map(\.key) == ["q2", "q3", "q4"])
            // Publishing; a visitor cannot see the builder.
            try await coordinator.get(builder)
            #expect(
                coordinator.lastBody.contains("Combien de kilomètres")
                    && coordinator.lastBody.contains("Seulement si vous avez répondu « Non »"))
            try await coordinator.post(builder, ["op": "publish"])
            #expect(coordinator.lastStatus == .seeOther)
            let resident = Browser(app)
            try await resident.get(builder)
            #expect(resident.lastStatus == .seeOther)  // to the login page
            try await resident.login("habitant@vitre.example")
            try await resident.get(builder)
            #expect(resident.lastStatus == .forbidden)

            // Answering: a missing answer, a value out of bounds and a duplicate ranking keep every answer typed.
            try await resident.get(base + "/repondre")
            #expect(resident.lastStatus == .ok && resident.lastBody.contains("Avez-vous une voiture ?"))
            try await resident.post(
                base + "/repondre", ["q2": "2", "q3": "500", "q4-1": "prevention", "q4-2": "prevention"])
            #expect(resident.lastStatus == .unprocessableEntity)
            #expect(resident.lastBody.contains("Indiquez un nombre entre 0 et 200."))
            #expect(
                resident.lastBody.contains("Chaque choix ne peut être classé qu&#39;une fois.")
                    || resident.lastBody.contains("Chaque choix ne peut être classé qu'une fois."))
            #expect(resident.lastBody.contains("value=\"500\""))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == 0)
            // A field for a question the questionnaire does not have: refused, nothing saved, answers kept.
            try await resident.post(base + "/repondre", ["q2": "2", "q3": "12", "q4-1": "prevention", "q999": "1"])
            #expect(resident.lastStatus == .unprocessableEntity)
            #expect(
                Self.says(resident.lastBody, "une question qui n'existe pas dans ce questionnaire (« q999 »)")
                    && resident.lastBody.contains("href=\"#champ-_formulaire\""))
            #expect(
                resident.lastBody.contains("id=\"champ-_formulaire\"") && resident.lastBody.contains("value=\"12\""))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == 0)
            try await resident.post(
                base + "/repondre", ["q2": "2", "q3": "12", "q4-1": "prevention", "q4-2": "mobilite"])
            #expect(resident.lastStatus == .seeOther)
            struct Stored: Decodable {
                let person_id: Int?; let channel: String; let answers: String; let version_id: Int
            }
            let stored = try #require(
                try await Self.sql(app).raw(
                    "SELECT person_id, channel, answers, version_id FROM questionnaire_responses WHERE questionnaire_id = \(bind: id)"
                ).first(decoding: Stored.self))
            #expect(stored.person_id == nil)  // anonymous
            #expect(stored.channel == "en-ligne")
            #expect(stored.answers.contains("\"q3\":12") && stored.answers.contains("mobilite"))

            // A change now makes version 2; the answer keeps version 1.
            try await coordinator.get(base + "/questions/q2")
            try await coordinator.post(
                base + "/questions/q2",
                [
                    "section": "s1", "label": "Avez-vous une voiture ou un deux-roues ?", "choices": "Oui\nNon",
                    "required": "on",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            struct Version: Decodable { let number: Int; let id: Int }
            let versions = try await Self.sql(app).raw(
                "SELECT id, number FROM questionnaire_versions WHERE questionnaire_id = \(bind: id) ORDER BY number"
            ).all(decoding: Version.self)
            #expect(versions.map(\.number) == [1, 2])
            // Read again after the change: the answer still points at version 1.
            let reread = try #require(
                try await Self.sql(app).raw(
                    "SELECT person_id, channel, answers, version_id FROM questionnaire_responses WHERE questionnaire_id = \(bind: id)"
                ).first(decoding: Stored.self))
            #expect(reread.version_id == versions[0].id && reread.version_id == stored.version_id)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == 1)
            // Closing refuses new answers everywhere — online, assisted entry, CSV import — and saves nothing.
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "close"])
            try await resident.get(base)
            try await resident.post(base + "/repondre", ["q2": "1"])
            #expect(resident.lastStatus == .conflict && resident.lastBody.contains("ne reçoit plus de réponses"))
            try await coordinator.get(base + "/saisie")
            #expect(coordinator.lastStatus == .conflict && coordinator.lastBody.contains("Ce questionnaire est clos"))
            try await coordinator.get(builder)  // a page with a form, for the CSRF token
            try await coordinator.post(
                base + "/saisie", ["_canal": "telephone", "q2": "2", "q3": "12", "q4-1": "prevention"])
            #expect(
                coordinator.lastStatus == .conflict
                    && Self.says(coordinator.lastBody, "celle-ci n'a pas été enregistrée"))
            #expect(
                // typed answers kept
                coordinator.lastBody.contains("value=\"12\"") && coordinator.lastBody.contains("value=\"2\" checked"))
            try await coordinator.get(base + "/import")
            #expect(coordinator.lastStatus == .conflict && !coordinator.lastBody.contains("name=\"fichier\""))
            try await coordinator.get(builder)
            try await coordinator.postMultipart(
                base + "/import", [], files: [("fichier", "papier.csv", Array("canal,q2\npapier,1\n".utf8))])
            #expect(coordinator.lastStatus == .conflict && coordinator.lastBody.contains("Ce questionnaire est clos"))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == 1)
            // Another territory's coordinator may not build it.
            let other = Browser(app)
            try await other.login("coordination@broceliande.example")
            try await other.get(builder)
            #expect(other.lastStatus == .forbidden)
            try await other.get("/broceliande/questionnaires/\(id)")
            #expect(other.lastStatus == .notFound)
        }
    }

    /// Issue #15: an anonymous form counts once; a signed-in person answers once per wave and
    /// changes their answer; a draft is found again from the questionnaire's page.
    @Test func answersCountOnceAndDraftsAreFoundAgain() async throws {
        try await withDemoApp { app in
            let id = try await Self.demo(app)
            let base = "/vitre/questionnaires/\(id)"
            let before = try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'")
            let definition = NeedsTemplates.users()
            var rng = AnswerSimulator(seed: 7)
            let answers = rng.answers(
                for: definition,
                communes: try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes,
                professionals: false, wave: 1)
            let form = TypedAnswers.from(answers, definition: definition)
            var pairs = form.fields.map { ($0.key, $0.value) }
            for (key, values) in form.lists { for v in values { pairs.append((key + "[]", v)) } }

            // Anonymous: the form's token is taken once.
            let visitor = Browser(app)
            try await visitor.get(base + "/repondre")
            let token = try #require(visitor.formToken)
            try await visitor.postPairs(base + "/repondre", pairs)
            #expect(visitor.lastStatus == .seeOther, "\(visitor.lastBody.prefix(2000))")
            try await visitor.get(base + "/repondre")
            try await visitor.postPairs(base + "/repondre", [("_jeton", token)] + pairs)
            #expect(visitor.lastStatus == .conflict && Self.says(visitor.lastBody, "Ce formulaire a déjà été envoyé"))
            try await visitor.postPairs(base + "/repondre", [("_jeton", "forge.abc")] + pairs)
            #expect(visitor.lastStatus == .forbidden && Self.says(visitor.lastBody, "n'est pas valable"))
            try await visitor.postPairs(base + "/repondre", [("_jeton", "")] + pairs)
            #expect(visitor.lastStatus == .badRequest)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'") == before + 1)

            // Signed in: once per wave, then changed.
            let resident = Browser(app)
            try await resident.login("habitant@vitre.example")
            try await resident.get(base + "/repondre")
            let blank = try #require(resident.formToken)
            try await resident.postPairs(base + "/repondre", pairs)
            #expect(resident.lastStatus == .seeOther)
            let show = try await resident.get(base)
            #expect(show.contains("Vous avez déjà répondu — modifier ma réponse"))
            try await resident.postPairs(base + "/repondre", [("_jeton", blank)] + pairs)
            #expect(resident.lastStatus == .conflict && Self.says(resident.lastBody, "Vous avez déjà répondu"))
            let mine = try await resident.get(base + "/repondre")
            #expect(mine.contains("name=\"_modifier\" value=\"1\""))
            try await resident.postPairs(base + "/repondre", [("_modifier", "1")] + pairs)
            #expect(resident.lastStatus == .seeOther)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'") == before + 2)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND person_id IS NOT NULL") == 0)

            // A draft of a browser without an account shows again on the questionnaire's page.
            let other = Browser(app)
            try await other.get(base + "/repondre")
            try await other.post(base + "/repondre", ["q4": "2", "_plus_tard": "1"])
            #expect(other.cookies["agora_brouillon"] != nil)
            #expect(try await other.get(base).contains("Reprendre mon questionnaire"))
            #expect(try await other.get(base + "/repondre?reprendre=1").contains("value=\"2\" checked"))
            #expect(try await Browser(app).get(base).contains("Reprendre mon questionnaire") == false)
        }
    }

    @Test func saveResumeAssistedEntryAndImport() async throws {
        try await withDemoApp { app in
            let id = try await Self.demo(app)
            let base = "/vitre/questionnaires/\(id)"
            let before = try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'")
            // Save and resume later, without an account.
            let visitor = Browser(app)
            try await visitor.get(base + "/repondre")
            try await visitor.post(base + "/repondre", ["q4": "2", "_plus_tard": "1"])
            #expect(visitor.lastStatus == .seeOther)
            let resume = try #require(visitor.location)
            #expect(resume.contains("/reprendre/"))
            try await visitor.get(resume)
            #expect(visitor.lastBody.contains("value=\"2\" checked"))
            let token = String(resume.split(separator: "/").last!)
            let typed = NeedsTemplates.users()
            var rng = AnswerSimulator(seed: 42)
            let answers = rng.answers(
                for: typed, communes: try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes,
                professionals: false, wave: 1)
            var pairs: [(String, String)] = [("_reprise", token)]
            let form = TypedAnswers.from(answers, definition: typed)
            pairs += form.fields.map { ($0.key, $0.value) }
            for (key, values) in form.lists { for v in values { pairs.append((key + "[]", v)) } }
            try await visitor.postPairs(base + "/repondre", pairs)
            #expect(visitor.lastStatus == .seeOther, "\(visitor.lastBody.prefix(3000))")
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'") == before + 1)
            #expect(try await Self.count(app, "resume_hash = \(bind: Tokens.sha256Hex(token))") == 0)

            // Assisted entry by a patient partner, by phone: the answer and its audit entry together.
            struct Audits: Decodable { let n: Int }
            func assistedAudits() async throws -> Int {
                try await Self.sql(app).raw(
                    "SELECT count(*) AS n FROM audit_log WHERE action = 'questionnaire.answer.assisted'"
                ).first(decoding: Audits.self)?.n ?? 0
            }
            let auditsBefore = try await assistedAudits()
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await partner.get(base + "/saisie")
            #expect(partner.lastStatus == .ok)
            let answerPairs = pairs.filter { $0.0 != "_reprise" }
            try await partner.postPairs(base + "/saisie", [("_canal", "telephone")] + answerPairs)
            #expect(partner.lastStatus == .seeOther)
            #expect(
                try await Self.count(
                    app, "questionnaire_id = \(bind: id) AND channel = 'telephone' AND entered_by_id IS NOT NULL") == 1)
            #expect(try await assistedAudits() == auditsBefore + 1)
            try await partner.get(base + "/saisie")
            try await partner.postPairs(base + "/saisie", [("_canal", "pigeon")])
            #expect(partner.lastStatus == .unprocessableEntity && partner.lastBody.contains("Choisissez le canal."))
            // A tampered question id in assisted entry: refused in the error summary, nothing saved, answers kept.
            let typedBefore = try await Self.count(app, "questionnaire_id = \(bind: id)")
            try await partner.postPairs(
                base + "/saisie",
                [("_canal", "telephone"), ("q999", "2")] + answerPairs.filter { $0.0 != "q4" } + [("q4", "4")])
            #expect(partner.lastStatus == .unprocessableEntity)
            #expect(
                Self.says(partner.lastBody, "une question qui n'existe pas dans ce questionnaire (« q999 »)")
                    && partner.lastBody.contains("href=\"#champ-_formulaire\""))
            #expect(partner.lastBody.contains("name=\"q4\" value=\"4\" checked"))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == typedBefore)
            #expect(try await assistedAudits() == auditsBefore + 1)
            // A decimal answer (7,5 months), typed by the partner, for the spreadsheet export below.
            try await partner.get(base + "/saisie")
            try await partner.postPairs(
                base + "/saisie",
                [("_canal", "papier")] + answerPairs.filter { $0.0 != "q6" && $0.0 != "q7" } + [
                    ("q6", "2"), ("q7", "7,5"),
                ])
            #expect(partner.lastStatus == .seeOther, "\(partner.lastBody.prefix(2000))")

            // CSV import: a wrong column or a bad row imports nothing; a good file imports everything.
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            // The `;` export writes decimals with a comma, the `,` export with a point; read back with the CSV parser.
            let excel = try CSV.parse(try await coordinator.get(base + "/reponses-tableur.csv"), delimiter: ";")
            let months = try #require(excel.first?.fields.firstIndex(of: "q7"))
            #expect(excel.dropFirst().contains { $0.fields[months] == "7,5" })
            #expect(!excel.dropFirst().contains { $0.fields[months].contains(".") })
            let plain = try CSV.parse(try await coordinator.get(base + "/reponses.csv"))
            #expect(plain.dropFirst().contains { $0.fields[months] == "7.5" })
            try await coordinator.get(base + "/import")
            let columns = AnswerLayout.columns(typed)
            let good =
                CSV.line(["canal"] + columns.map(\.name)) + "\n"
                + CSV.line(["papier"] + AnswerLayout.cells(answers, columns: columns)) + "\n"
            let count = try await Self.count(app, "questionnaire_id = \(bind: id)")
            try await coordinator.postMultipart(
                base + "/import", [], files: [("fichier", "paper.csv", Array(("colonne_inconnue," + good).utf8))])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Colonne inconnue"))
            try await coordinator.get(base + "/import")
            let badRow =
                good
                + CSV.line(
                    ["papier"] + AnswerLayout.cells(answers.merging(["q4": .choice("9")]) { $1 }, columns: columns))
                + "\n"
            try await coordinator.postMultipart(
                base + "/import", [], files: [("fichier", "paper.csv", Array(badRow.utf8))])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Cette réponse ne fait pas partie des choix proposés."))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == count)
            try await coordinator.get(base + "/import")
            let semicolons =
                good.replacingOccurrences(of: ",", with: ";")
                + good.split(separator: "\n")[1].replacingOccurrences(of: ",", with: ";") + "\n"
            let paperBefore = try await Self.count(app, "questionnaire_id = \(bind: id) AND channel = 'papier'")
            try await coordinator.postMultipart(
                base + "/import", [], files: [("fichier", "paper.csv", Array(semicolons.utf8))])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(
                try await Self.count(app, "questionnaire_id = \(bind: id) AND channel = 'papier'") == paperBefore + 2)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == count + 2)
            // Without `vague` or `date`, an answer typed today goes to the wave running today (none between two).
            struct Stored: Decodable { let id: Int; let wave_id: Int?; let submitted_at: Date }
            func latest(_ n: Int) async throws -> [Stored] {
                try await Self.sql(app).raw(
                    "SELECT id, wave_id, submitted_at FROM questionnaire_responses WHERE questionnaire_id = \(bind: id) ORDER BY id DESC LIMIT \(literal: n)"
                )
                .all(decoding: Stored.self).reversed()
            }
            let waves = try await QuestionnaireStore.waves(of: id, on: app.db)
            let today = DateText.isoDay(Date())
            #expect(
                try await latest(2).map(\.wave_id) == [
                    waves.first { $0.contains(day: today) }?.id, waves.first { $0.contains(day: today) }?.id,
                ])

            // Export then import keeps each answer's wave and date (the `vague` and `date` columns are read).
            let exported = try CSV.parse(try await coordinator.get(base + "/reponses.csv"))
            let header = exported[0].fields
            let waveColumn = try #require(header.firstIndex(of: "vague")),
                dateColumn = try #require(header.firstIndex(of: "date"))
            let picked = [exported[1], exported[2]]  // the demo's first answers: wave 1, spring 2026
            #expect(picked.allSatisfy { $0.fields[waveColumn] == waves[0].name })
            let roundTrip = ([header] + picked.map(\.fields)).map { CSV.line($0) }.joined(separator: "\n") + "\n"
            try await coordinator.get(base + "/import")
            try await coordinator.postMultipart(
                base + "/import", [], files: [("fichier", "export.csv", Array(roundTrip.utf8))])
            #expect(coordinator.lastStatus == .seeOther, "\(coordinator.lastBody.prefix(3000))")
            let imported = try await latest(2)
            #expect(imported.map(\.wave_id) == [waves[0].id, waves[0].id])
            #expect(imported.map { DateText.isoDay($0.submitted_at) } == picked.map { $0.fields[dateColumn] })
            // A day between the two waves goes to none; a wave by number; DD/MM/YYYY is read too.
            var rows = [["vague", "date"] + header.dropFirst(6)]
            rows.append(["", "2026-08-01"] + picked[0].fields.dropFirst(6))
            rows.append([String(waves[1].id), "05/10/2026"] + picked[0].fields.dropFirst(6))
            try await coordinator.get(base + "/import")
            try await coordinator.postMultipart(
                base + "/import", [],
                files: [
                    ("fichier", "vagues.csv", Array((rows.map { CSV.line($0) }.joined(separator: "\n") + "\n").utf8))
                ])
            #expect(coordinator.lastStatus == .seeOther, "\(coordinator.lastBody.prefix(3000))")
            let placed = try await latest(2)
            #expect(placed.map(\.wave_id) == [nil, waves[1].id])
            #expect(placed.map { DateText.isoDay($0.submitted_at) } == ["2026-08-01", "2026-10-05"])
            // A bad wave or date is a problem on its row and column, and nothing is imported.
            let total = try await Self.count(app, "questionnaire_id = \(bind: id)")
            rows.append(["Vague 9", "31/02/2026"] + picked[0].fields.dropFirst(6))
            try await coordinator.get(base + "/import")
            try await coordinator.postMultipart(
                base + "/import", [],
                files: [
                    ("fichier", "vagues.csv", Array((rows.map { CSV.line($0) }.joined(separator: "\n") + "\n").utf8))
                ])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                coordinator.lastBody.contains("Vague inconnue « Vague 9 »")
                    && coordinator.lastBody.contains("Date invalide « 31/02/2026 »"))
            #expect(coordinator.lastBody.contains("<td>vague</td>") && coordinator.lastBody.contains("<td>date</td>"))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == total)
        }
    }

    @Test func resultsExportsAndCrossAnalysisRespectSmallCells() async throws {
        try await withDemoApp { app in
            let id = try await Self.demo(app)
            let base = "/vitre/questionnaires/\(id)"
            let decider = Browser(app)
            try await decider.login("decideur@vitre.example")
            let page = try await decider.get(base + "/resultats")
            #expect(decider.lastStatus == .ok)
            #expect(page.contains("Réponses comptées : 360</strong>"))
            // The page says whose answers it counts.
            #expect(page.contains("Qui répond : tout le monde, avec ou sans compte."))
            #expect(page.contains("<svg class=\"chart\"") && page.contains("<table"))
            // A filter down to a handful shows nothing but "moins de 5".
            let communes = try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes.sorted {
                $0.population < $1.population
            }
            let small = try await decider.get(base + "/resultats?commune=\(communes[0].code)&canal=telephone")
            #expect(small.contains("aucun résultat n&#39;est montré") || small.contains("aucun résultat n'est montré"))
            #expect(decider.lastStatus == .unprocessableEntity)  // refused as asked, the filters kept
            #expect(small.contains("name=\"canal\"") && small.contains("value=\"telephone\" selected"))
            // Raw answers are for coordinators only.
            try await decider.get(base + "/reponses.csv")
            #expect(decider.lastStatus == .forbidden)
            let aggregated = try await decider.get(base + "/resultats.csv")
            let rows = try CSV.parse(aggregated)
            #expect(rows.first?.fields == ["question", "libelle", "reponse", "nombre", "part_pourcent"])
            // Every count is a real number of 5 or more (or 0), or reads "masqué": both occur.
            let counted = rows.dropFirst().filter {
                !$0.fields[2].contains("_moyenne") && !$0.fields[2].contains("_mediane")
                    && !$0.fields[2].contains("(score")
            }.map { $0.fields[3] }
            #expect(
                counted.allSatisfy { cell in
                    ["moins de 5", "masqué"].contains(cell) || Int(cell).map { $0 == 0 || $0 >= 5 } == true
                },
                "\(counted)")
            #expect(counted.contains { Int($0).map { $0 >= 5 } == true })
            #expect(counted.contains("masqué"))
            // The number question (months searching for a doctor) has its distribution in ranges.
            #expect(rows.contains { $0.fields[0] == "q7" && $0.fields[2].contains(" à ") })
            #expect(page.contains("Réponses à la question 4, par tranche"))
            let cross = try await decider.get("/vitre/questionnaires/croisement")
            #expect(cross.contains("Spearman") && cross.contains(" thèmes communs."))
            #expect(cross.contains("Les usagers placent"))
            // The satisfaction-worded items are turned round, and the page says which.
            #expect(cross.contains("Questions au score inversé"))
            #expect(
                cross.contains(
                    "<li>« J&#39;obtiens un rendez-vous médical dans un délai raisonnable. » (Accès aux soins)</li>"))
            #expect(cross.contains("<li>« Les patients connaissent leurs droits. » (Droits des usagers)</li>"))
            #expect(!cross.contains("« La prévention manque de moyens sur le territoire. »"))
            // The table beside the chart carries the very figures drawn: each theme's mean score.
            let chart = try #require(cross.range(of: "id=\"priorites-graphique-titre\"")).upperBound
            let svg = String(cross[chart...].prefix { _ in true }.split(separator: "</svg>", maxSplits: 1)[0])
            let drawn = svg.components(separatedBy: "class=\"chart-label\">").dropFirst().map {
                part -> (String, String) in
                let label = String(part.prefix { $0 != "<" })
                let value = part.components(separatedBy: "class=\"chart-value\">")[1].prefix { $0 != "<" }
                return (label, String(value))
            }
            #expect(drawn.count >= 3)
            #expect(cross.contains("<th scope=\"col\" class=\"num\">Score moyen</th>"))
            for (theme, value) in drawn {
                #expect(
                    cross.contains("<th scope=\"row\">\(theme)</th><td class=\"num\">\(value)</td>"),
                    "\(theme) \(value)")
            }
            let participation = try await decider.get(base + "/participation")
            #expect(participation.contains("Pour 1 000 habitants") && participation.contains("Vitré"))

            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let csv = try await coordinator.get(base + "/reponses.csv")
            let table = try CSV.parse(csv)
            #expect(table.count == 361)
            #expect(table[0].fields.prefix(6) == ["reponse", "version", "vague", "canal", "public", "date"])
            #expect(table[0].fields.contains("q14_1"))  // the ranking's first place
            let excel = try await coordinator.get(base + "/reponses-tableur.csv")
            #expect(excel.hasPrefix("\u{FEFF}"))
            #expect(try CSV.parse(excel, delimiter: ";").count == 361)
            let codebook = try CSV.parse(try await coordinator.get(base + "/livre-de-codes.csv"))
            #expect(codebook.contains { $0.fields.first == "q14_1" })
            // Free text: search and code.
            struct Reads: Decodable { let n: Int }
            func readAudits() async throws -> Int {
                try await Self.sql(app).raw(
                    "SELECT count(*) AS n FROM audit_log WHERE action = 'questionnaire.read-texts' AND subject LIKE \(bind: "questionnaire \(id) %")"
                ).first(decoding: Reads.self)?.n ?? 0
            }
            let readsBefore = try await readAudits()
            let texts = try await coordinator.get(base + "/textes?q=samedi")
            #expect(texts.contains("Des consultations le samedi matin."))
            // Staff reading raw answers is in the audit trail.
            #expect(try await readAudits() == readsBefore + 1)
            try await coordinator.post(base + "/textes", ["op": "new-code", "question": "q17", "name": "Horaires"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/textes")
            try await coordinator.post(base + "/textes", ["op": "new-code", "question": "q17", "name": ""])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("Donnez un nom au code."))
            struct Code: Decodable { let id: Int }
            let code = try #require(
                try await Self.sql(app).raw("SELECT id FROM questionnaire_codes WHERE name = 'Horaires'").first(
                    decoding: Code.self)
            ).id
            struct Response: Decodable { let id: Int }
            let response = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM questionnaire_responses WHERE questionnaire_id = \(bind: id) AND answers LIKE '%samedi%'"
                ).first(decoding: Response.self)
            ).id
            try await coordinator.get(base + "/textes")
            try await coordinator.post(
                base + "/textes", ["op": "code", "question": "q17", "response": String(response), "code": String(code)])
            #expect(coordinator.lastStatus == .seeOther)
            // Another questionnaire's answer cannot be coded here.
            let pros = try await Self.demo(app, audience: "professionnels")
            let foreign = try #require(
                try await Self.sql(app).raw(
                    "SELECT id FROM questionnaire_responses WHERE questionnaire_id = \(bind: pros)"
                ).first(decoding: Response.self)
            ).id
            try await coordinator.get(base + "/textes")
            try await coordinator.post(
                base + "/textes", ["op": "code", "question": "q17", "response": String(foreign), "code": String(code)])
            #expect(coordinator.lastStatus == .notFound)
        }
    }

    /// Many answers at the same moment: each acknowledged one is in the database, once.
    @Test func concurrentAnswersAreAllSavedOnce() async throws {
        try await withDemoApp { app in
            let id = try await Self.demo(app)
            let territory = try #require(app.agora.territories.all.first { $0.slug == "vitre" })
            let record = try #require(try await QuestionnaireStore.load(id, territoryID: territory.id, on: app.db))
            let before = try await Self.count(app, "questionnaire_id = \(bind: id)")
            let writer = app.questionnaireWriter
            let db = app.db
            let ids = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await writer.save(
                            NewResponse(
                                questionnaireID: id, versionID: record.current_version_id, waveID: nil,
                                channel: .online,
                                audience: .users, commune: nil, answers: ["q4": .choice(String(1 + i % 5))]), on: db)
                    }
                }
                var ids: [Int] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            #expect(Set(ids).count == 200)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == before + 200)
            #expect(try await Self.count(app, "id IN (\(binds: ids))") == 200)
            // Closed between the page's read and the write: refused by the write itself.
            try await QuestionnaireStore.setStatus(id, .closed, on: db)
            await #expect(throws: QuestionnaireClosed.self) {
                try await writer.save(
                    NewResponse(
                        questionnaireID: id, versionID: record.current_version_id, waveID: nil, channel: .online,
                        audience: .users, commune: nil, answers: [:]), on: db)
            }
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == before + 200)
        }
    }

    /// Number and date questions have a chart and a table (ranges, months) under the small-cell
    /// rule, on screen and in the aggregated CSV; waves never overlap.
    @Test func numberAndDateDistributionsAndWaves() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/questionnaires/nouveau")
            try await coordinator.post(
                "/vitre/questionnaires/nouveau",
                ["title": "Âge et consultations", "intro": "Deux questions", "audience": "usagers"])
            let builder = try #require(coordinator.location)
            let base = String(builder.dropLast("/construire".count))
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                [
                    "kind": "number", "section": "s1", "label": "Votre âge", "min_value": "0", "max_value": "120",
                    "required": "on",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(
                base + "/questions/nouvelle",
                ["kind": "date", "section": "s1", "label": "Votre dernière consultation", "required": "on"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "publish"])
            #expect(coordinator.lastStatus == .seeOther)

            // Waves: one saved; one overlapping it refused with a French message; one after it saved.
            let waves = base + "/vagues"
            try await coordinator.get(waves)
            try await coordinator.post(
                waves, ["name": "Hiver", "starts_on": "2026-01-01", "ends_on": "2026-03-31", "target_total": "100"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(waves)
            try await coordinator.post(
                waves, ["name": "Printemps", "starts_on": "2026-03-15", "ends_on": "2026-04-30", "target_total": "100"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(
                coordinator.lastBody.contains(
                    "Cette période chevauche la vague « Hiver » (du 1er janvier 2026 au 31 mars 2026)"))
            #expect(coordinator.lastBody.contains("value=\"Printemps\""))  // typed input kept
            try await coordinator.post(
                waves, ["name": "Printemps", "starts_on": "2026-04-01", "ends_on": "2026-04-30", "target_total": "100"])
            #expect(coordinator.lastStatus == .seeOther)
            let id = Int(base.split(separator: "/").last!)!
            let saved = try await QuestionnaireStore.waves(of: id, on: app.db)
            #expect(saved.map(\.name) == ["Hiver", "Printemps"])
            // Editing a wave into the next one is refused; keeping its own days is fine.
            try await coordinator.get(waves + "?vague=\(saved[0].id)")
            try await coordinator.post(
                waves,
                [
                    "wave_id": String(saved[0].id), "name": "Hiver", "starts_on": "2026-01-01", "ends_on": "2026-04-05",
                    "target_total": "100",
                ])
            #expect(
                coordinator.lastStatus == .unprocessableEntity
                    && coordinator.lastBody.contains("chevauche la vague « Printemps »"))
            try await coordinator.post(
                waves,
                [
                    "wave_id": String(saved[0].id), "name": "Hiver 2026", "starts_on": "2026-01-01",
                    "ends_on": "2026-03-31", "target_total": "120",
                ])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await QuestionnaireStore.waves(of: id, on: app.db).map(\.name) == ["Hiver 2026", "Printemps"])

            // Twelve answers: ages 20–29 seven times; consultations 8 in March, 4 in May.
            let ages = [20, 21, 22, 23, 24, 25, 28, 31, 33, 45, 67, 70]
            let resident = Browser(app)
            for (i, age) in ages.enumerated() {
                try await resident.get(base + "/repondre")
                try await resident.post(
                    base + "/repondre", ["q2": String(age), "q3": i < 8 ? "2026-03-1\(i)" : "2026-05-0\(i - 7)"])
                #expect(resident.lastStatus == .seeOther, "\(resident.lastBody.prefix(1500))")
            }
            let page = try await coordinator.get(base + "/resultats")
            let number = try #require(
                page.components(separatedBy: "id=\"resultat-q2\"").dropFirst().first?.components(
                    separatedBy: "</section>"
                ).first)
            #expect(number.contains("<svg class=\"chart\"") && number.contains("Réponses à la question 1, par tranche"))
            #expect(number.contains("<th scope=\"row\">20 à 29</th><td class=\"num\">7</td>"))
            #expect(number.contains("<th scope=\"row\">30 à 39</th><td class=\"num\">masqué</td>"))
            #expect(number.contains("<th scope=\"row\">50 à 59</th><td class=\"num\">0</td>"))
            let dates = try #require(
                page.components(separatedBy: "id=\"resultat-q3\"").dropFirst().first?.components(
                    separatedBy: "</section>"
                ).first)
            #expect(dates.contains("<svg class=\"chart\"") && dates.contains("par mois"))
            // 4 in May would be 12 − 8: March is hidden with it.
            #expect(dates.contains("<th scope=\"row\">mars 2026</th><td class=\"num\">masqué</td>"))
            #expect(dates.contains("<th scope=\"row\">avril 2026</th><td class=\"num\">0</td>"))
            #expect(dates.contains("<th scope=\"row\">mai 2026</th><td class=\"num\">masqué</td>"))
            // The aggregated export, read back: same ranges, same months, same small-cell rule.
            let rows = try CSV.parse(try await coordinator.get(base + "/resultats.csv")).map(\.fields)
            func cell(_ question: String, _ answer: String) -> String? {
                rows.first { $0[0] == question && $0[2] == answer }?[3]
            }
            #expect(
                cell("q2", "20 à 29") == "7" && cell("q2", "30 à 39") == "masqué" && cell("q2", "_reponses") == "12"
            )
            #expect(
                cell("q3", "2026-03") == "masqué" && cell("q3", "2026-04") == "0" && cell("q3", "2026-05") == "masqué")
            #expect(!rows.dropFirst().contains { Int($0[3]).map { (1...4).contains($0) } == true })
        }
    }

    /// The three attacks of issue #15 replayed on the demo: a hidden cell solved from its total, a
    /// hidden cell solved from a mean, and a respondent singled out by subtracting two filtered
    /// views. None of them gets a number any more.
    @Test func theDisclosureAttacksOnTheDemoFindNothing() async throws {
        try await withDemoApp { app in
            let decider = Browser(app)
            try await decider.login("decideur@vitre.example")
            let communes = try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes
            for audience in ["usagers", "professionnels"] {
                let base = "/vitre/questionnaires/\(try await Self.demo(app, audience: audience))"
                var views = [""] + communes.map { "?commune=\($0.code)" }
                views += communes.prefix(6).map { "?commune=\($0.code)&canal=en-ligne" }
                var totals: [String: Int] = [:]
                for view in views {
                    let rows = try CSV.parse(try await decider.get(base + "/resultats.csv" + view)).map(\.fields)
                    #expect(decider.lastStatus == .ok)
                    totals[view] = rows.first { $0[0] == "_total" }.flatMap { Int($0[3]) }
                    let byQuestion = Dictionary(grouping: rows.dropFirst(2), by: { $0[0] })
                    for (question, lines) in byQuestion {
                        let cells = lines.filter { !$0[2].hasPrefix("_") && !$0[2].contains("_moyenne") }
                        // Within one line: a hidden cell is never alone beside a shown total.
                        let single = cells.filter { !$0[2].contains("(classé") && !$0[2].contains("(score") }
                        let masked = single.filter { $0[3] == "masqué" || $0[3] == "moins de 5" }
                        if !lines.contains(where: { $0[2].contains(" = ") }) {
                            #expect(masked.count != 1, "\(audience) \(view) \(question): one hidden cell")
                        }
                        // From a mean: no mean beside a hidden cell.
                        if !masked.isEmpty, !lines.contains(where: { $0[2].contains(" = ") }) {
                            #expect(!lines.contains { $0[2] == "_moyenne" }, "\(audience) \(view) \(question): a mean")
                        }
                        // Ranking scores only for choices whose places are all shown.
                        for line in cells where line[2].contains("(score") && !line[3].isEmpty {
                            let choice = line[2].replacingOccurrences(of: " (score 0 à 100)", with: "")
                            #expect(
                                lines.first { $0[2] == choice + " (classé 1er)" }?[3] != "masqué",
                                "\(audience) \(view) \(question): a score beside a hidden first place")
                        }
                    }
                    #expect(!rows.dropFirst().contains { Int($0[3]).map { (1...4).contains($0) } == true })
                }
                // Between two filter sets: never two published totals 1 to 4 apart.
                for commune in communes.prefix(6) {
                    let whole = totals["?commune=\(commune.code)"],
                        online = totals["?commune=\(commune.code)&canal=en-ligne"]
                    if let whole, let online {
                        #expect(!(1...4).contains(whole - online), "\(audience) \(commune.name)")
                    }
                }
            }
        }
    }
}
