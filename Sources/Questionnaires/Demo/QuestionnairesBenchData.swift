import Core
import Fluent
import Foundation
import SQLKit

/// Answers for `make bench`: a 30-question users' questionnaire with 100,000 simulated answers and
/// a professionals' one with a fifth of that, in /vitre, over two waves. Also writes a complete,
/// valid answer as a URL-encoded form (`bench-answer.txt` in the data folder) for the write test.
enum QuestionnairesBenchData {
    static let title = "Charge : grand questionnaire des besoins"

    static func load(
        count: Int, territory: TerritoryInfo, dataDirectory: String, on db: any Database
    ) async throws -> (users: Int, professionals: Int) {
        let sql = db.sql
        struct Row: Decodable { let id: Int }
        let definition = NeedsTemplates.large(questions: 30)
        var ids: [Int] = []
        for (index, (name, audience, template)) in [
            (title, QAudience.users, definition),
            ("Charge : questionnaire des professionnels", QAudience.professionals, NeedsTemplates.professionals()),
        ].enumerated() {
            if let found = try await sql.raw("SELECT id FROM questionnaires WHERE title = \(bind: name)").first(
                decoding: Row.self)
            {
                ids.append(found.id); continue
            }
            let id = try await QuestionnaireStore.create(
                territoryID: territory.id, title: name, intro: "Questionnaire de charge pour les mesures.",
                audience: audience,
                linkAccounts: false, definition: template, by: nil, on: db)
            try await QuestionnaireStore.setStatus(id, .published, on: db)
            try await QuestionnaireStore.saveWave(
                questionnaireID: id, waveID: nil, name: "Vague 1", starts: "2025-01-01", ends: "2025-12-31",
                total: count / 2,
                users: 0, professionals: 0, overrides: [:], on: db)
            try await QuestionnaireStore.saveWave(
                questionnaireID: id, waveID: nil, name: "Vague 2", starts: "2026-01-01", ends: "2027-12-31",
                total: count / 2,
                users: 0, professionals: 0, overrides: [:], on: db)
            guard let record = try await QuestionnaireStore.load(id, territoryID: territory.id, on: db) else {
                continue
            }
            let waves = try await QuestionnaireStore.waves(of: id, on: db)
            let total = index == 0 ? count : count / 5
            var rng = AnswerSimulator(seed: UInt64(1000 + index))
            var made = 0
            while made < total {
                let upper = min(made + 5000, total)
                var batch: [NewResponse] = []
                for i in made..<upper {
                    let second = i >= total / 2
                    let answers = rng.answers(
                        for: template, communes: territory.communes, professionals: audience == .professionals,
                        wave: second ? 2 : 1)
                    let commune = template.questions.first { $0.kind == .commune }.flatMap { q -> String? in
                        if case .choice(let c)? = answers[q.key] { return c } else { return nil }
                    }
                    // from 2025-01-01, over 600 days
                    let at = Date(timeIntervalSince1970: 1_735_689_600 + Double(i) / Double(total) * 600 * 86400)
                    batch.append(
                        NewResponse(
                            questionnaireID: id, versionID: record.current_version_id, waveID: waves[second ? 1 : 0].id,
                            channel: rng.channel(),
                            audience: audience, commune: commune, answers: answers, at: at))
                }
                let rows = batch
                try await db.transaction { db in
                    for response in rows { try await QuestionnaireStore.insert(response, on: db) }
                }
                made = upper
            }
            ids.append(id)
        }
        // One complete answer to post again and again.
        var rng = AnswerSimulator(seed: 7)
        let answer = rng.answers(for: definition, communes: territory.communes, professionals: false, wave: 2)
        let typed = TypedAnswers.from(answer, definition: definition)
        var pairs = typed.fields.map { ($0.key, $0.value) }
        for (key, values) in typed.lists { for value in values { pairs.append((key + "[]", value)) } }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        let body = pairs.sorted { $0.0 < $1.0 }.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }
        .joined(separator: "&")
        try body.write(
            toFile: (dataDirectory as NSString).appendingPathComponent("bench-answer.txt"), atomically: true,
            encoding: .utf8)
        return (ids[0], ids[1])
    }
}
