import Core
import Foundation
import Testing
@testable import Questionnaires

@Suite("Questionnaire rules")
struct QuestionnaireRulesTests {
    static func sample() -> Definition {
        var d = Definition(nextKey: 10)
        let s = "s1"
        let doctor = Question(key: "q2", kind: .single, label: "Médecin traitant ?", required: true,
                              choices: [Choice(key: "1", label: "Oui"), Choice(key: "2", label: "Non")])
        let months = Question(key: "q3", kind: .number, label: "Depuis combien de mois ?", required: true, minValue: 0, maxValue: 240,
                              condition: Condition(question: doctor.key, equals: "2"))
        let barriers = Question(key: "q5", kind: .multiple, label: "Freins", choices: (1...4).map { Choice(key: String($0), label: "Frein \($0)") }, maxChoices: 2)
        let ranking = Question(key: "q6", kind: .ranking, label: "Priorités",
                               choices: [Theme.access, .prevention, .mentalHealth].map { Choice(key: $0.rawValue, label: $0.rawValue, theme: $0.rawValue) }, maxChoices: 2)
        let scale = Question(key: "q7", kind: .agreement, label: "Accès facile", theme: Theme.access.rawValue)
        let matrix = Question(key: "q8", kind: .matrix, label: "Services", required: true, rows: [Choice(key: "r1", label: "Horaires"), Choice(key: "r2", label: "Accueil")])
        let commune = Question(key: "q9", kind: .commune, label: "Commune", profile: true)
        d.sections = [Section(key: s, title: "Tout", questions: [doctor, months, barriers, ranking, scale, matrix, commune])]
        return d
    }

    static let validator = AnswerValidator(definition: sample(), communes: ["35360": "Vitré"], lang: .fr)

    static func typed(_ fields: [String: String], lists: [String: [String]] = [:]) -> TypedAnswers {
        var base = ["q2": "1", "q8-r1": "4", "q8-r2": "5"]
        base.merge(fields) { $1 }
        return TypedAnswers(fields: base.filter { !$0.value.isEmpty }, lists: lists)
    }

    @Test func aValidAnswerIsTyped() {
        let (answers, errors) = Self.validator.validate(Self.typed(["q6-1": "sante-mentale", "q6-2": "acces-aux-soins", "q7": "4", "q9": "35360"], lists: ["q5": ["3", "1"]]))
        #expect(errors.isEmpty)
        #expect(answers["q2"] == .choice("1"))
        #expect(answers["q5"] == .choices(["1", "3"]))
        #expect(answers["q6"] == .ranking(["sante-mentale", "acces-aux-soins"]))
        #expect(answers["q7"] == .point(4))
        #expect(answers["q8"] == .matrix(["r1": 4, "r2": 5]))
        #expect(answers["q9"] == .choice("35360"))
        #expect(answers["q3"] == nil) // hidden: the condition is not met
    }

    @Test func requiredAnswersAndConditionsAreChecked() {
        let (_, missing) = Self.validator.validate(Self.typed(["q2": "", "q8-r2": ""]))
        #expect(missing["q2"] == "Choisissez une réponse.")
        #expect(missing["q8"] == "Répondez pour chaque ligne.")
        // The conditional question becomes required once its condition holds.
        let (_, conditional) = Self.validator.validate(Self.typed(["q2": "2"]))
        #expect(conditional["q3"] == "Cette question est obligatoire.")
        let (answers, none) = Self.validator.validate(Self.typed(["q2": "2", "q3": "7,5"]))
        #expect(none.isEmpty && answers["q3"] == .number(7.5))
    }

    @Test func badValuesGetFrenchMessagesAndNothingHalfWay() {
        let (answers, errors) = Self.validator.validate(Self.typed(["q2": "2", "q3": "300", "q6-1": "prevention", "q6-2": "prevention", "q7": "9", "q9": "75056"],
                                                                   lists: ["q5": ["1", "2", "3"]]))
        #expect(answers.isEmpty)
        #expect(errors["q3"] == "Indiquez un nombre entre 0 et 240.")
        #expect(errors["q5"] == "Cochez 2 réponses au plus.")
        #expect(errors["q6"] == "Chaque choix ne peut être classé qu'une fois.")
        #expect(errors["q7"] == "Choisissez une valeur de 1 à 5.")
        #expect(errors["q9"] == "Choisissez une commune du territoire.")
        let (_, tampered) = Self.validator.validate(Self.typed(["q2": "99", "q6-2": "prevention"]))
        #expect(tampered["q2"] == "Cette réponse ne fait pas partie des choix proposés.")
        #expect(tampered["q6"] == "Remplissez les places dans l'ordre, sans en laisser une vide avant.")
        #expect(Self.validator.validate(Self.typed(["q3": "douze", "q2": "2"])).errors["q3"] == "Indiquez un nombre, par exemple 12.")
    }

    @Test func storedAnswersRoundTripThroughJSONAndTheForm() {
        let definition = Self.sample()
        let answers: Answers = ["q2": .choice("2"), "q3": .number(12), "q5": .choices(["1", "4"]), "q6": .ranking(["prevention"]), "q7": .point(3),
                                "q8": .matrix(["r1": 1, "r2": 2]), "q9": .choice("35360")]
        #expect(AnswerCodec.decode(AnswerCodec.json(answers), definition: definition) == answers)
        #expect(AnswerCodec.json(["q3": .number(7.5), "q2": .choice("1")]) == #"{"q2":"1","q3":7.5}"#)
        // Free text with quotes, a backslash, line breaks, a control character and accents.
        var long = Definition()
        long.sections = [Section(key: "s1", title: "", questions: [Question(key: "q1", kind: .longText, label: "")])]
        let tricky: Answers = ["q1": .text("Il a dit \"non\" \\ puis\n\tpartit\u{1} — été")]
        #expect(AnswerCodec.decode(AnswerCodec.json(tricky), definition: long) == tricky)
        let again = Self.validator.validate(TypedAnswers.from(answers, definition: definition))
        #expect(again.errors.isEmpty && again.answers == answers)
        #expect(TypedAnswers.decode(TypedAnswers(fields: ["q2": "1"], lists: ["q5": ["2"]]).json()) == TypedAnswers(fields: ["q2": "1"], lists: ["q5": ["2"]]))
    }

    static func dataset(_ definition: Definition, _ rows: [(Answers, Channel, Int)]) -> Dataset {
        var data = Dataset()
        for (i, row) in rows.enumerated() {
            data.append(id: i + 1, meta: .init(wave: row.2, channel: row.1, audience: .users, commune: i % 2 == 0 ? "35360" : nil, day: 20_000 + i), answers: row.0,
                        questions: definition.questions)
        }
        data.seal()
        return data
    }

    @Test func resultsCountMeanMedianAndFilter() {
        let definition = Self.sample()
        let q = definition.question("q7")!
        let points = [1, 2, 2, 4, 5, 5, 5]
        let data = Self.dataset(definition, points.enumerated().map { (["q7": .point($0.element), "q5": .choices($0.offset < 3 ? ["1", "2"] : ["2"])], $0.offset < 2 ? .paper : .online, $0.offset < 4 ? 1 : 2) })
        let all = Results.of(q, in: data, rows: Filter().rows(of: data))
        #expect(all.answered == 7)
        #expect(all.lines.map(\.count) == [1, 2, 0, 1, 3])
        #expect(all.mean == 24.0 / 7)
        #expect(all.median == 4)
        let multiple = Results.of(definition.question("q5")!, in: data, rows: Filter().rows(of: data))
        #expect(multiple.lines.map(\.count) == [3, 7, 0, 0])
        #expect(Filter(channel: .paper).rows(of: data) == [0, 1])
        #expect(Filter(wave: 2).rows(of: data) == [4, 5, 6])
        #expect(Filter(commune: "35360").rows(of: data) == [0, 2, 4, 6])
        #expect(Results.of(q, in: data, rows: Filter(wave: 1).rows(of: data)).median == 2)
        #expect(Results.medianOfCounts([0, 1, 1], total: 2) == 1.5)
    }

    @Test func profileFiltersAndLaterQuestionsAreAligned() {
        let definition = Self.sample()
        var data = Dataset()
        data.append(id: 1, meta: .init(wave: 0, channel: .online, audience: .users, commune: nil, day: 1), answers: ["q2": .choice("1")], questions: [definition.question("q2")!])
        data.append(id: 2, meta: .init(wave: 0, channel: .online, audience: .users, commune: nil, day: 1), answers: ["q2": .choice("2"), "q7": .point(5)], questions: definition.questions)
        data.seal()
        #expect(Filter(profile: ("q2", "2")).rows(of: data) == [1])
        let r = Results.of(definition.question("q7")!, in: data, rows: [0, 1])
        #expect(r.answered == 1 && r.lines[4].count == 1)
    }

    @Test func rankingScoresFirstPlacesHighest() {
        let definition = Self.sample()
        let q = definition.question("q6")!
        let data = Self.dataset(definition, [(["q6": .ranking(["prevention", "acces-aux-soins"])], .online, 0), (["q6": .ranking(["prevention"])], .online, 0)])
        let result = Results.of(q, in: data, rows: [0, 1])
        #expect(result.ranked.first?.key == "prevention")
        #expect(result.ranked.first?.score == 100)
        #expect(result.ranked.first { $0.key == "acces-aux-soins" }?.score == 25) // (2-1)/2×100 once, over 2 people
        #expect(result.ranked.first { $0.key == "sante-mentale" }?.ranked == 0)
    }

    @Test func spearmanHandlesOrderReversalAndTies() {
        #expect(CrossAnalysis.ranks([10, 30, 20]) == [3, 1, 2])
        #expect(CrossAnalysis.ranks([5, 5, 1]) == [1.5, 1.5, 3])
        #expect(CrossAnalysis.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
        #expect(CrossAnalysis.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
        // Ranks 1 2 3 4 5 against 1 3 2 4 5: Σd² = 2 → 1 − 6·2/(5·24) = 0.9.
        let rho = CrossAnalysis.spearman([5, 4, 3, 2, 1], [5, 3, 4, 2, 0.5].map { $0 })
        #expect(abs((rho ?? 0) - 0.9) < 1e-9)
        #expect(abs((CrossAnalysis.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) ?? 0) - 0.8) < 1e-9)
        #expect(CrossAnalysis.spearman([1, 2], [1, 2]) == nil)
        #expect(CrossAnalysis.spearman([1, 1, 1], [1, 2, 3]) == nil)
    }

    @Test func comparisonPointsOutDivergencesAndHidesSmallGroups() {
        func s(_ theme: String, _ score: Double, _ n: Int = 50) -> CrossAnalysis.Score { .init(theme: theme, score: score, answers: n, measures: 1) }
        let users = [s("a", 90), s("b", 80), s("c", 50), s("d", 40), s("e", 20), s("f", 10), s("g", 99, 3)]
        let pros = [s("a", 15), s("b", 70), s("c", 60), s("d", 45), s("e", 30), s("f", 85), s("g", 10)]
        let result = CrossAnalysis.compare(users: users, professionals: pros)
        #expect(result.themeCount == 6)
        #expect(result.hidden == ["g"])
        #expect(result.usersFirst.map(\.theme) == ["a"])
        #expect(result.professionalsFirst.map(\.theme) == ["f"])
        #expect(result.rows.first { $0.theme == "a" }?.gap == 5)
    }

    @Test func themeScoresComeFromScalesAndRankings() {
        let definition = Self.sample()
        let data = Self.dataset(definition, (0..<6).map { i in (["q7": .point(5), "q6": .ranking(["acces-aux-soins", "prevention"])], .online, 0) })
        let scores = CrossAnalysis.scores(definition: definition, data: data, rows: Array(0..<6))
        let access = scores.first { $0.theme == "acces-aux-soins" }
        #expect(access?.measures == 2)
        #expect(access?.score == 100) // agreement 5 → 100, ranked first → 100
        #expect(scores.first { $0.theme == "prevention" }?.score == 50)
        #expect(scores.first { $0.theme == "sante-mentale" }?.score == 0)
    }

    @Test func targetsFollowPopulationAndAddUp() {
        let split = Targets.proportional(total: 100, populations: [("a", 1000), ("b", 2000), ("c", 3001)])
        #expect(split.values.reduce(0, +) == 100)
        #expect(split == ["a": 17, "b": 33, "c": 50])
        #expect(Targets.perThousand(12, population: 4000) == 3)
        let parsed = Targets.parseOverrides("Vitré ; 120\n\n35001;4", communes: [("35360", "Vitré"), ("35001", "Acigné")])
        #expect(parsed.values == ["35360": 120, "35001": 4] && parsed.error == nil)
        #expect(Targets.parseOverrides("Paris ; 3", communes: [("35360", "Vitré")]).error == "Ligne 1 : « Paris » n'est pas une commune du territoire.")
        #expect(Targets.parseOverrides("Vitré ; beaucoup", communes: [("35360", "Vitré")]).error != nil)
    }

    @Test func theCSVLayoutRoundTripsAndReportsEveryProblem() throws {
        let definition = Self.sample()
        let columns = AnswerLayout.columns(definition)
        #expect(columns.map(\.name) == ["q2", "q3", "q5_1", "q5_2", "q5_3", "q5_4", "q6_1", "q6_2", "q7", "q8_r1", "q8_r2", "q9"])
        let answers: Answers = ["q2": .choice("1"), "q5": .choices(["2"]), "q6": .ranking(["prevention"]), "q8": .matrix(["r1": 3, "r2": 4])]
        let cells = AnswerLayout.cells(answers, columns: columns)
        #expect(cells == ["1", "", "0", "1", "0", "0", "prevention", "", "", "3", "4", ""])
        let text = CSV.line(["canal"] + columns.map(\.name)) + "\n" + CSV.line(["telephone"] + cells) + "\n" + CSV.line(["fax"] + cells) + "\n"
        let read = AnswerLayout.read(try CSV.parse(text), definition: definition)
        #expect(read.rows.count == 2)
        #expect(read.rows[0].channel == .phone)
        #expect(Self.validator.validate(read.rows[0].typed).answers == answers)
        #expect(read.problems == [AnswerLayout.ImportProblem(line: 3, column: "canal", message: "Canal inconnu « fax » : écrivez en-ligne, papier, tablette, telephone, en-personne.")])
        let wrong = AnswerLayout.read(try CSV.parse("q2,q99\n1,2\n"), definition: definition)
        #expect(wrong.rows.isEmpty && wrong.problems.first?.column == "q99")
        let codebook = AnswerLayout.codebook(definition, lang: .fr)
        #expect(codebook.contains { $0[0] == "q5_2" && $0[3].contains("Frein 2") })
    }

    @Test func theQuestionFormKeepsChoiceKeysAndChecksItsFields() {
        let definition = Self.sample()
        let q = definition.question("q5")!
        let (edited, errors) = QuestionInput.read(["label": "Freins", "choices": "Frein 1\nNouveau\nFrein 4", "max_choices": "2"], into: q, definition: definition, lang: .fr)
        #expect(errors.isEmpty)
        #expect(edited.choices.map(\.key) == ["1", "5", "4"])
        let (_, bad) = QuestionInput.read(["label": "", "choices": "Seul", "max_choices": "9", "condition": "q9=xx", "theme": "inconnu"], into: q, definition: definition, lang: .fr)
        #expect(bad["label"] == "Écrivez la question.")
        #expect(bad["choices"] == "Écrivez au moins deux choix, un par ligne.")
        #expect(bad["condition"] != nil && bad["theme"] != nil)
        var number = Question(key: "q50", kind: .number, label: "")
        number = QuestionInput.read(["label": "Âge", "min_value": "10", "max_value": "5"], into: number, definition: definition, lang: .fr).question
        #expect(QuestionInput.read(["label": "Âge", "min_value": "10", "max_value": "5"], into: number, definition: definition, lang: .fr).errors["max_value"] != nil)
        let conditional = QuestionInput.read(["label": "Si non", "condition": "q2=2"], into: Question(key: "q50", kind: .shortText, label: ""), definition: definition, lang: .fr)
        #expect(conditional.errors.isEmpty && conditional.question.condition == Condition(question: "q2", equals: "2"))
    }

    @Test func definitionsMoveAndRemoveQuestions() {
        var d = Self.sample()
        d.sections.append(Section(key: "s99", title: "Fin"))
        d.move(question: "q2", up: true)
        #expect(d.questions.first?.key == "q2") // already first: nothing moves
        d.move(question: "q2", up: false)
        #expect(d.questions.map(\.key).prefix(2) == ["q3", "q2"])
        d.move(question: "q9", up: false)
        #expect(d.sections[1].questions.map(\.key) == ["q9"])
        d.remove(question: "q2")
        #expect(d.question("q2") == nil && d.question("q3")?.condition == nil)
        #expect(Definition.decode(d.json()) == d)
    }
}
