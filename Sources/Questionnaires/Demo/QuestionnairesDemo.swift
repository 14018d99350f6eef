import Core
import Fluent
import Foundation
import SQLKit

/// Ready-made needs questionnaires (users, professionals) and simulated answers, for the demo
/// territories and the benchmark.
public enum NeedsTemplates {
    /// An agreement item of a theme; `satisfaction` when agreeing means being satisfied (reverse-scored).
    static func agreement(
        _ d: inout Definition, _ label: String, theme: Theme, required: Bool = true, satisfaction: Bool = false
    ) -> Question {
        Question(
            key: d.newKey("q"), kind: .agreement, label: label, required: required, theme: theme.rawValue,
            reverseScored: satisfaction)
    }

    public static func users() -> Definition {
        var d = Definition()
        let s1 = d.newKey("s"), s2 = d.newKey("s"), s3 = d.newKey("s")
        let age = Question(
            key: d.newKey("q"), kind: .single, label: "Quel âge avez-vous ?", required: true,
            choices: ["Moins de 25 ans", "25 à 44 ans", "45 à 64 ans", "65 à 79 ans", "80 ans ou plus"].enumerated().map
            { Choice(key: String($0.offset + 1), label: $0.element) },
            profile: true)
        let commune = Question(
            key: d.newKey("q"), kind: .commune, label: "Dans quelle commune habitez-vous ?", required: true,
            profile: true)
        let doctor = Question(
            key: d.newKey("q"), kind: .single, label: "Avez-vous un médecin traitant ?", required: true,
            choices: [
                Choice(key: "1", label: "Oui"), Choice(key: "2", label: "Non"),
                Choice(key: "3", label: "Je ne sais pas"),
            ])
        let search = Question(
            key: d.newKey("q"), kind: .number, label: "Depuis combien de mois en cherchez-vous un ?",
            help: "0 si vous n'en cherchez pas.",
            minValue: 0, maxValue: 240, condition: Condition(question: doctor.key, equals: "2"))
        let access = agreement(
            &d, "J'obtiens un rendez-vous médical dans un délai raisonnable.", theme: .access, satisfaction: true)
        let prevention = agreement(
            &d, "Je sais où faire un dépistage ou un vaccin près de chez moi.", theme: .prevention, satisfaction: true)
        let mental = agreement(
            &d, "Je saurais où trouver de l'aide pour ma santé mentale ou celle d'un proche.", theme: .mentalHealth,
            satisfaction: true)
        let mobility = agreement(
            &d, "Me rendre à un rendez-vous de santé est facile (transport, distance).", theme: .mobility,
            satisfaction: true)
        let rights = agreement(&d, "Je connais mes droits de patient.", theme: .rights, satisfaction: true)
        let barriers = Question(
            key: d.newKey("q"), kind: .multiple, label: "Qu'est-ce qui vous a déjà fait renoncer à des soins ?",
            choices: [
                "Le délai", "Le coût", "La distance", "Je ne savais pas à qui m'adresser", "La peur ou la gêne",
                "Rien de cela",
            ].enumerated().map { Choice(key: String($0.offset + 1), label: $0.element) },
            maxChoices: 3)
        let priorities = Question(
            key: d.newKey("q"), kind: .ranking, label: "Classez vos trois priorités pour la santé sur le territoire",
            required: true,
            choices: [Theme.access, .prevention, .mentalHealth, .ageing, .mobility, .rights].map {
                Choice(key: $0.rawValue, label: $0.label.fr, theme: $0.rawValue)
            },
            maxChoices: 3)
        let services = Question(
            key: d.newKey("q"), kind: .matrix,
            label: "Êtes-vous d'accord avec ces phrases sur les services de santé proches ?",
            rows: [
                Choice(key: "r1", label: "Les horaires me conviennent"),
                Choice(key: "r2", label: "L'accueil est bienveillant"),
                Choice(key: "r3", label: "L'information est claire"),
            ], theme: Theme.information.rawValue, reverseScored: true)
        let satisfaction = Question(
            key: d.newKey("q"), kind: .scale,
            label: "Dans l'ensemble, quelle note donnez-vous à l'offre de santé près de chez vous ?", required: true,
            theme: Theme.access.rawValue, reverseScored: true)
        let idea = Question(
            key: d.newKey("q"), kind: .longText,
            label: "Qu'est-ce qui améliorerait le plus votre santé ou celle de vos proches ?")
        d.sections = [
            Section(key: s1, title: "Vous", questions: [age, commune]),
            Section(
                key: s2, title: "Votre accès aux soins",
                questions: [doctor, search, access, prevention, mental, mobility, rights, barriers]),
            Section(key: s3, title: "Vos priorités", questions: [priorities, services, satisfaction, idea]),
        ]
        return d
    }

    public static func professionals() -> Definition {
        var d = Definition()
        let s1 = d.newKey("s"), s2 = d.newKey("s")
        let job = Question(
            key: d.newKey("q"), kind: .single, label: "Quelle est votre profession ?", required: true,
            choices: [
                "Médecin", "Infirmier·ère", "Pharmacien·ne", "Kinésithérapeute", "Travailleur·se social·e", "Autre",
            ].enumerated().map { Choice(key: String($0.offset + 1), label: $0.element) },
            profile: true)
        let commune = Question(
            key: d.newKey("q"), kind: .commune, label: "Dans quelle commune exercez-vous surtout ?", required: true,
            profile: true)
        let access = agreement(&d, "L'accès aux soins de premier recours est un problème urgent ici.", theme: .access)
        let prevention = agreement(&d, "La prévention manque de moyens sur le territoire.", theme: .prevention)
        let mental = agreement(
            &d, "Je sais vers qui orienter un patient en souffrance psychique.", theme: .mentalHealth,
            satisfaction: true)
        let mobility = agreement(&d, "La mobilité des patients freine leur suivi.", theme: .mobility)
        let rights = agreement(&d, "Les patients connaissent leurs droits.", theme: .rights, satisfaction: true)
        let priorities = Question(
            key: d.newKey("q"), kind: .ranking, label: "Classez vos trois priorités pour la santé sur le territoire",
            required: true,
            choices: [Theme.access, .prevention, .mentalHealth, .ageing, .mobility, .rights].map {
                Choice(key: $0.rawValue, label: $0.label.fr, theme: $0.rawValue)
            },
            maxChoices: 3)
        let coordination = Question(
            key: d.newKey("q"), kind: .scale,
            label: "Comment notez-vous la coordination entre professionnels du territoire ?", required: true)
        let idea = Question(key: d.newKey("q"), kind: .longText, label: "Quelle action proposeriez-vous en premier ?")
        d.sections = [
            Section(key: s1, title: "Votre exercice", questions: [job, commune]),
            Section(
                key: s2, title: "Les besoins du territoire",
                questions: [access, prevention, mental, mobility, rights, priorities, coordination, idea]),
        ]
        return d
    }

    /// A long questionnaire for the benchmark: the users' one, then `count` more questions of every kind.
    public static func large(questions count: Int) -> Definition {
        var d = users()
        var extra = Section(key: d.newKey("s"), title: "Questions complémentaires")
        let kinds: [QuestionKind] = [.agreement, .single, .scale, .multiple, .agreement, .number]
        let themes = Theme.allCases
        while d.questions.count + extra.questions.count < count {
            let i = extra.questions.count
            let kind = kinds[i % kinds.count]
            var q = Question(
                key: d.newKey("q"), kind: kind, label: "Question complémentaire \(i + 1)",
                theme: kind == .agreement ? themes[i % themes.count].rawValue : nil)
            if kind == .single || kind == .multiple {
                q.choices = (1...5).map { Choice(key: String($0), label: "Réponse \($0)") }
            }
            if kind == .number { q.minValue = 0; q.maxValue = 100 }
            extra.questions.append(q)
        }
        d.sections.append(extra)
        return d
    }
}

/// Deterministic simulated answers: each group leans towards some themes, and waves drift a little.
public struct AnswerSimulator {
    var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// A commune drawn in proportion to population.
    public mutating func commune(_ communes: [CommuneInfo]) -> String? {
        let total = communes.reduce(0) { $0 + $1.population }
        guard total > 0 else { return communes.first?.code }
        var pick = Int(next() % UInt64(total))
        for c in communes { pick -= c.population; if pick < 0 { return c.code } }
        return communes.last?.code
    }

    public mutating func channel() -> Channel {
        let u = unit()
        return u < 0.62 ? .online : u < 0.82 ? .paper : u < 0.9 ? .tablet : u < 0.95 ? .phone : .inPerson
    }

    /// How strongly a group cares about a theme (0…1).
    static func lean(_ theme: String?, professionals: Bool, wave: Int) -> Double {
        let users: [String: Double] = [
            "acces-aux-soins": 0.85, "sante-mentale": 0.62, "mobilite": 0.8, "prevention": 0.3,
            "droits-des-patients": 0.5, "vieillissement": 0.55, "information": 0.55,
        ]
        let pros: [String: Double] = [
            "acces-aux-soins": 0.75, "prevention": 0.8, "vieillissement": 0.7, "sante-mentale": 0.6, "mobilite": 0.3,
            "droits-des-patients": 0.45, "information": 0.5,
        ]
        let base = (professionals ? pros : users)[theme ?? ""] ?? 0.5
        return min(0.95, base + (wave > 1 && theme == "sante-mentale" ? 0.1 : 0))
    }

    public mutating func answers(
        for definition: Definition, communes: [CommuneInfo], professionals: Bool, wave: Int
    ) -> Answers {
        var out: Answers = [:]
        for q in definition.questions {
            guard AnswerValidator.isShown(q, answers: out) else { continue }
            if !q.required && unit() < 0.15 { continue }
            // How strongly the group sees a problem; on a satisfaction wording it answers the other way.
            let concern = Self.lean(q.theme, professionals: professionals, wave: wave)
            let lean = q.isReverseScored ? 1 - concern : concern
            switch q.kind {
            case .single:
                out[q.key] = .choice(
                    q.choices[min(q.choices.count - 1, Int(pow(unit(), 1.3) * Double(q.choices.count)))].key)
            case .multiple:
                var picked = q.choices.map(\.key).filter { _ in unit() < 0.3 }
                if picked.isEmpty { picked = [q.choices[int(0...(q.choices.count - 1))].key] }
                if let max = q.maxChoices { picked = Array(picked.prefix(max)) }
                out[q.key] = .choices(picked)
            case .agreement: out[q.key] = .point(max(1, min(5, Int((lean * 4 + 1 + (unit() - 0.5) * 2.4).rounded()))))
            case .scale: out[q.key] = .point(max(0, min(10, Int((lean * 10 + (unit() - 0.5) * 5).rounded()))))
            case .number: out[q.key] = .number(Double(int(Int(q.minValue ?? 0)...Int(min(q.maxValue ?? 24, 24)))))
            case .ranking:
                let scored = q.choices.map {
                    ($0.key, Self.lean($0.theme, professionals: professionals, wave: wave) + unit() * 0.5)
                }.sorted { $0.1 > $1.1 }
                out[q.key] = .ranking(scored.prefix(q.rankCount).map(\.0))
            case .matrix:
                var points: [String: Int] = [:]
                for row in q.rows {
                    points[row.key] = max(1, min(5, Int((lean * 4 + 1 + (unit() - 0.5) * 2.4).rounded())))
                }
                out[q.key] = .matrix(points)
            case .commune: if let code = commune(communes) { out[q.key] = .choice(code) }
            case .longText, .shortText:
                let ideas = [
                    "Plus de médecins dans les maisons de santé, même à mi-temps.",
                    "Un transport à la demande pour aller aux rendez-vous.",
                    "Des permanences d'écoute pour les jeunes.", "Des dépistages itinérants dans les bourgs.",
                    "Une information claire sur qui fait quoi.",
                    "Des consultations le samedi matin.", "Aider les aidants à souffler.",
                ]
                if unit() < 0.45 { out[q.key] = .text(ideas[int(0...(ideas.count - 1))]) }
            case .date: break
            }
        }
        return out
    }
}

public enum QuestionnairesDemo {
    struct IDRow: Decodable { let id: Int }

    public static func communes(of territoryID: Int, on db: any Database) async throws -> [CommuneInfo] {
        struct CommuneRow: Decodable { let id: Int; let code_insee: String; let name: String; let population: Int }
        return try await db.sql.raw(
            """
            SELECT id, code_insee, name, population FROM communes WHERE territory_id = \(bind: territoryID) ORDER BY name
            """
        ).all(decoding: CommuneRow.self).map {
            CommuneInfo(id: $0.id, code: $0.code_insee, name: $0.name, postalCodes: [], population: $0.population)
        }
    }

    /// Per demo territory: a users' and a professionals' questionnaire, two waves, and a few
    /// hundred simulated answers over communes and channels. Idempotent.
    static func load(on db: any Database) async throws -> [String] {
        let sql = db.sql
        var lines: [String] = []
        for (slug, usersCount, prosCount) in [("vitre", 360, 140), ("broceliande", 180, 70)] {
            guard
                let territory = try await sql.raw("SELECT id FROM territories WHERE slug = \(bind: slug)").first(
                    decoding: IDRow.self)
            else { continue }
            struct Count: Decodable { let n: Int }
            guard
                (try await sql.raw(
                    "SELECT count(*) AS n FROM questionnaires WHERE territory_id = \(bind: territory.id)"
                ).first(decoding: Count.self)?.n ?? 0) == 0
            else { continue }
            let communes = try await communes(of: territory.id, on: db)
            let seed = UInt64(territory.id) &* 7919
            lines += try await db.transaction { db in
                var rng = AnswerSimulator(seed: seed)
                var lines: [String] = []
                for (professionals, count) in [(false, usersCount), (true, prosCount)] {
                    let definition = professionals ? NeedsTemplates.professionals() : NeedsTemplates.users()
                    let title =
                        professionals
                        ? "Besoins de santé du territoire : l'avis des professionnels"
                        : "Vos besoins de santé sur le territoire"
                    let intro =
                        professionals
                        ? "Ce questionnaire s'adresse aux professionnels de santé et du social qui exercent sur le territoire. Il prend 5 minutes.\n\nSes résultats sont croisés avec ceux des habitants pour choisir les actions du contrat local de santé."
                        : "Dites-nous ce qui compte pour votre santé et celle de vos proches. Le questionnaire prend 10 minutes et vos réponses sont anonymes.\n\nLes résultats sont publiés par thème et servent à décider des actions à mener."
                    let id = try await QuestionnaireStore.create(
                        territoryID: territory.id, title: title, intro: intro,
                        audience: professionals ? .professionals : .users,
                        linkAccounts: false, definition: definition, by: nil, on: db)
                    try await QuestionnaireStore.setStatus(id, .published, on: db)
                    let total = count / 2
                    try await QuestionnaireStore.saveWave(
                        questionnaireID: id, waveID: nil, name: "Vague 1 · printemps 2026", starts: "2026-03-01",
                        ends: "2026-06-30",
                        total: total + 20, users: professionals ? 0 : total + 20,
                        professionals: professionals ? total + 20 : 0, overrides: [:], on: db)
                    try await QuestionnaireStore.saveWave(
                        questionnaireID: id, waveID: nil, name: "Vague 2 · automne 2026", starts: "2026-09-15",
                        ends: "2027-01-31",
                        total: total + 20, users: professionals ? 0 : total + 20,
                        professionals: professionals ? total + 20 : 0, overrides: [:], on: db)
                    let waves = try await QuestionnaireStore.waves(of: id, on: db)
                    guard let record = try await QuestionnaireStore.load(id, territoryID: territory.id, on: db) else {
                        continue
                    }
                    for i in 0..<count {
                        let wave = i < count / 2 ? waves[0] : waves[1]
                        let startDay =
                            wave.id == waves[0].id
                            // 2026-03-01, 2026-09-15
                            ? Date(timeIntervalSince1970: 1_772_323_200) : Date(timeIntervalSince1970: 1_789_430_400)
                        let at = startDay.addingTimeInterval(
                            Double(rng.int(0...60)) * 86400 + Double(rng.int(28_800...72_000)))
                        let answers = rng.answers(
                            for: definition, communes: communes, professionals: professionals,
                            wave: wave.id == waves[0].id ? 1 : 2)
                        let commune = definition.questions.first { $0.kind == .commune }.flatMap { q -> String? in
                            if case .choice(let c)? = answers[q.key] { return c } else { return nil }
                        }
                        try await QuestionnaireStore.insert(
                            NewResponse(
                                questionnaireID: id, versionID: record.current_version_id, waveID: wave.id,
                                channel: rng.channel(),
                                audience: professionals ? .professionals : .users, commune: commune, answers: answers,
                                at: at), on: db)
                    }
                    lines.append("Questionnaire « \(title) » (\(slug)) : \(count) réponses simulées sur deux vagues.")
                }
                return lines
            }
        }
        return lines
    }
}
