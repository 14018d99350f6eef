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
        try await sql(app).raw("SELECT count(*) AS n FROM questionnaire_responses WHERE \(filter)").first(decoding: Count.self)?.n ?? 0
    }

    static func demo(_ app: Application, audience: String = "usagers", slug: String = "vitre") async throws -> Int {
        try #require(try await sql(app).raw("""
            SELECT q.id FROM questionnaires q JOIN territories t ON t.id = q.territory_id WHERE t.slug = \(bind: slug) AND q.audience = \(bind: audience)
            """).first(decoding: Row.self)).id
    }

    /// A coordinator builds a questionnaire; a resident answers it (errors keep every answer);
    /// a change after the first answer makes a version 2 while the answer keeps version 1.
    @Test func buildAnswerAndVersion() async throws {
        try await withDemoApp { app in
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get("/vitre/questionnaires/nouveau")
            try await coordinator.post("/vitre/questionnaires/nouveau", ["title": "", "intro": "Pour savoir", "audience": "usagers"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Donnez un titre.") && coordinator.lastBody.contains("Pour savoir"))
            try await coordinator.post("/vitre/questionnaires/nouveau", ["title": "Transport et santé", "intro": "Pour savoir", "audience": "usagers"])
            #expect(coordinator.lastStatus == .seeOther)
            let builder = try #require(coordinator.location)
            let base = String(builder.dropLast("/construire".count))
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(base + "/questions/nouvelle", ["kind": "single", "section": "s1", "label": "Avez-vous une voiture ?", "choices": "Oui", "required": "on"])
            #expect(coordinator.lastStatus == .unprocessableEntity)
            #expect(coordinator.lastBody.contains("Écrivez au moins deux choix") && coordinator.lastBody.contains("Avez-vous une voiture ?"))
            try await coordinator.post(base + "/questions/nouvelle", ["kind": "single", "section": "s1", "label": "Avez-vous une voiture ?", "choices": "Oui\nNon", "required": "on"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(base + "/questions/nouvelle", ["kind": "number", "section": "s1", "label": "Combien de kilomètres jusqu'au médecin ?", "min_value": "0",
                                                                      "max_value": "200", "required": "on", "condition": "q2=2"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/questions/nouvelle")
            try await coordinator.post(base + "/questions/nouvelle", ["kind": "ranking", "section": "s1", "label": "Vos priorités", "themed_choices": "on", "max_choices": "2"])
            #expect(coordinator.lastStatus == .seeOther)
            // Publishing; a visitor cannot see the builder.
            try await coordinator.get(builder)
            #expect(coordinator.lastBody.contains("Combien de kilomètres") && coordinator.lastBody.contains("Seulement si vous avez répondu « Non »"))
            try await coordinator.post(builder, ["op": "publish"])
            #expect(coordinator.lastStatus == .seeOther)
            let resident = Browser(app)
            try await resident.get(builder)
            #expect(resident.lastStatus == .seeOther) // to the login page
            try await resident.login("habitant@vitre.example")
            try await resident.get(builder)
            #expect(resident.lastStatus == .forbidden)

            // Answering: a missing answer, a value out of bounds and a duplicate ranking keep every answer typed.
            try await resident.get(base + "/repondre")
            #expect(resident.lastStatus == .ok && resident.lastBody.contains("Avez-vous une voiture ?"))
            try await resident.post(base + "/repondre", ["q2": "2", "q3": "500", "q4-1": "prevention", "q4-2": "prevention"])
            #expect(resident.lastStatus == .unprocessableEntity)
            #expect(resident.lastBody.contains("Indiquez un nombre entre 0 et 200."))
            #expect(resident.lastBody.contains("Chaque choix ne peut être classé qu&#39;une fois.") || resident.lastBody.contains("Chaque choix ne peut être classé qu'une fois."))
            #expect(resident.lastBody.contains("value=\"500\""))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: Int(base.split(separator: "/").last!)!)") == 0)
            try await resident.post(base + "/repondre", ["q2": "2", "q3": "12", "q4-1": "prevention", "q4-2": "mobilite"])
            #expect(resident.lastStatus == .seeOther)
            let id = Int(base.split(separator: "/").last!)!
            struct Stored: Decodable { let person_id: Int?; let channel: String; let answers: String; let version_id: Int }
            let stored = try #require(try await Self.sql(app).raw("SELECT person_id, channel, answers, version_id FROM questionnaire_responses WHERE questionnaire_id = \(bind: id)").first(decoding: Stored.self))
            #expect(stored.person_id == nil) // anonymous
            #expect(stored.channel == "en-ligne")
            #expect(stored.answers.contains("\"q3\":12") && stored.answers.contains("mobilite"))

            // A change now makes version 2; the answer keeps version 1.
            try await coordinator.get(base + "/questions/q2")
            try await coordinator.post(base + "/questions/q2", ["section": "s1", "label": "Avez-vous une voiture ou un deux-roues ?", "choices": "Oui\nNon", "required": "on"])
            #expect(coordinator.lastStatus == .seeOther)
            struct Version: Decodable { let number: Int; let id: Int }
            let versions = try await Self.sql(app).raw("SELECT id, number FROM questionnaire_versions WHERE questionnaire_id = \(bind: id) ORDER BY number").all(decoding: Version.self)
            #expect(versions.map(\.number) == [1, 2])
            #expect(stored.version_id == versions[0].id)
            // A tampered question id is a 404; closing refuses new answers and saves nothing.
            try await coordinator.get(base + "/questions/q999")
            #expect(coordinator.lastStatus == .notFound)
            try await coordinator.get(builder)
            try await coordinator.post(builder, ["op": "close"])
            try await resident.get(base)
            try await resident.post(base + "/repondre", ["q2": "1"])
            #expect(resident.lastStatus == .conflict && resident.lastBody.contains("ne reçoit plus de réponses"))
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
            let answers = rng.answers(for: typed, communes: try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes, professionals: false, wave: 1)
            var pairs: [(String, String)] = [("_reprise", token)]
            let form = TypedAnswers.from(answers, definition: typed)
            pairs += form.fields.map { ($0.key, $0.value) }
            for (key, values) in form.lists { for v in values { pairs.append((key + "[]", v)) } }
            try await visitor.postPairs(base + "/repondre", pairs)
            #expect(visitor.lastStatus == .seeOther, "\(visitor.lastBody.prefix(3000))")
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND status = 'complete'") == before + 1)
            #expect(try await Self.count(app, "resume_hash = \(bind: Tokens.sha256Hex(token))") == 0)

            // Assisted entry by a patient partner, by phone.
            let partner = Browser(app)
            try await partner.login("partenaire@vitre.example")
            try await partner.get(base + "/saisie")
            #expect(partner.lastStatus == .ok)
            try await partner.postPairs(base + "/saisie", [("_canal", "telephone")] + pairs.filter { $0.0 != "_reprise" })
            #expect(partner.lastStatus == .seeOther)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND channel = 'telephone' AND entered_by_id IS NOT NULL") == 1)
            try await partner.get(base + "/saisie")
            try await partner.postPairs(base + "/saisie", [("_canal", "pigeon")])
            #expect(partner.lastStatus == .unprocessableEntity && partner.lastBody.contains("Choisissez le canal."))

            // CSV import: a wrong column or a bad row imports nothing; a good file imports everything.
            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            try await coordinator.get(base + "/import")
            let columns = AnswerLayout.columns(typed)
            let good = CSV.line(["canal"] + columns.map(\.name)) + "\n" + CSV.line(["papier"] + AnswerLayout.cells(answers, columns: columns)) + "\n"
            let count = try await Self.count(app, "questionnaire_id = \(bind: id)")
            try await coordinator.postMultipart(base + "/import", [], files: [("fichier", "paper.csv", Array(("colonne_inconnue," + good).utf8))])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Colonne inconnue"))
            try await coordinator.get(base + "/import")
            let badRow = good + CSV.line(["papier"] + AnswerLayout.cells(answers.merging(["q4": .choice("9")]) { $1 }, columns: columns)) + "\n"
            try await coordinator.postMultipart(base + "/import", [], files: [("fichier", "paper.csv", Array(badRow.utf8))])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Cette réponse ne fait pas partie des choix proposés."))
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == count)
            try await coordinator.get(base + "/import")
            let semicolons = good.replacingOccurrences(of: ",", with: ";") + good.split(separator: "\n")[1].replacingOccurrences(of: ",", with: ";") + "\n"
            try await coordinator.postMultipart(base + "/import", [], files: [("fichier", "paper.csv", Array(semicolons.utf8))])
            #expect(coordinator.lastStatus == .seeOther)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id) AND channel = 'papier'") >= 2)
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == count + 2)
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
            #expect(page.contains("<svg class=\"chart\"") && page.contains("<table"))
            // A filter down to a handful shows nothing but "moins de 5".
            let communes = try #require(app.agora.territories.all.first { $0.slug == "vitre" }).communes.sorted { $0.population < $1.population }
            let small = try await decider.get(base + "/resultats?commune=\(communes[0].code)&canal=telephone")
            #expect(small.contains("aucun résultat n&#39;est montré") || small.contains("aucun résultat n'est montré"))
            // Raw answers are for coordinators only.
            try await decider.get(base + "/reponses.csv")
            #expect(decider.lastStatus == .forbidden)
            let aggregated = try await decider.get(base + "/resultats.csv")
            let rows = try CSV.parse(aggregated)
            #expect(rows.first?.fields == ["question", "libelle", "reponse", "nombre", "part_pourcent"])
            #expect(rows.dropFirst().allSatisfy { row in Int(row.fields[3]).map { $0 == 0 || $0 >= 5 } ?? true })
            let cross = try await decider.get("/vitre/questionnaires/croisement")
            #expect(cross.contains("Spearman") && cross.contains("6 thèmes communs"))
            #expect(cross.contains("Les usagers placent"))
            let participation = try await decider.get(base + "/participation")
            #expect(participation.contains("Pour 1 000 habitants") && participation.contains("Vitré"))

            let coordinator = Browser(app)
            try await coordinator.login("coordination@vitre.example")
            let csv = try await coordinator.get(base + "/reponses.csv")
            let table = try CSV.parse(csv)
            #expect(table.count == 361)
            #expect(table[0].fields.prefix(6) == ["reponse", "version", "vague", "canal", "public", "date"])
            #expect(table[0].fields.contains("q14_1")) // the ranking's first place
            let excel = try await coordinator.get(base + "/reponses-tableur.csv")
            #expect(excel.hasPrefix("\u{FEFF}"))
            #expect(try CSV.parse(excel, delimiter: ";").count == 361)
            let codebook = try CSV.parse(try await coordinator.get(base + "/livre-de-codes.csv"))
            #expect(codebook.contains { $0.fields.first == "q14_1" })
            // Free text: search and code.
            let texts = try await coordinator.get(base + "/textes?q=samedi")
            #expect(texts.contains("Des consultations le samedi matin."))
            try await coordinator.post(base + "/textes", ["op": "new-code", "question": "q17", "name": "Horaires"])
            #expect(coordinator.lastStatus == .seeOther)
            try await coordinator.get(base + "/textes")
            try await coordinator.post(base + "/textes", ["op": "new-code", "question": "q17", "name": ""])
            #expect(coordinator.lastStatus == .unprocessableEntity && coordinator.lastBody.contains("Donnez un nom au code."))
            struct Code: Decodable { let id: Int }
            let code = try #require(try await Self.sql(app).raw("SELECT id FROM questionnaire_codes WHERE name = 'Horaires'").first(decoding: Code.self)).id
            struct Response: Decodable { let id: Int }
            let response = try #require(try await Self.sql(app).raw("SELECT id FROM questionnaire_responses WHERE questionnaire_id = \(bind: id) AND answers LIKE '%samedi%'").first(decoding: Response.self)).id
            try await coordinator.get(base + "/textes")
            try await coordinator.post(base + "/textes", ["op": "code", "question": "q17", "response": String(response), "code": String(code)])
            #expect(coordinator.lastStatus == .seeOther)
            // Another questionnaire's answer cannot be coded here.
            let pros = try await Self.demo(app, audience: "professionnels")
            let foreign = try #require(try await Self.sql(app).raw("SELECT id FROM questionnaire_responses WHERE questionnaire_id = \(bind: pros)").first(decoding: Response.self)).id
            try await coordinator.get(base + "/textes")
            try await coordinator.post(base + "/textes", ["op": "code", "question": "q17", "response": String(foreign), "code": String(code)])
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
                        try await writer.save(NewResponse(questionnaireID: id, versionID: record.current_version_id, waveID: nil, channel: .online,
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
                try await writer.save(NewResponse(questionnaireID: id, versionID: record.current_version_id, waveID: nil, channel: .online,
                                                  audience: .users, commune: nil, answers: [:]), on: db)
            }
            #expect(try await Self.count(app, "questionnaire_id = \(bind: id)") == before + 200)
        }
    }
}
