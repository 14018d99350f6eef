import Core
import Foundation
import Testing
@testable import Questionnaires

@Suite("Questionnaire rules")
struct QuestionnaireRulesTests {
    static func sample() -> Definition {
        var d = Definition(nextKey: 10)
        let s = "s1"
        let doctor = Question(
            key: "q2", kind: .single, label: "Médecin traitant ?", required: true,
            choices: [Choice(key: "1", label: "Oui"), Choice(key: "2", label: "Non")])
        let months = Question(
            key: "q3", kind: .number, label: "Depuis combien de mois ?", required: true, minValue: 0, maxValue: 240,
            condition: Condition(question: doctor.key, equals: "2"))
        let barriers = Question(
            key: "q5", kind: .multiple, label: "Freins",
            choices: (1...4).map { Choice(key: String($0), label: "Frein \($0)") }, maxChoices: 2)
        let ranking = Question(
            key: "q6", kind: .ranking, label: "Priorités",
            choices: [Theme.access, .prevention, .mentalHealth].map {
                Choice(key: $0.rawValue, label: $0.rawValue, theme: $0.rawValue)
            }, maxChoices: 2)
        let scale = Question(key: "q7", kind: .agreement, label: "Accès facile", theme: Theme.access.rawValue)
        let matrix = Question(
            key: "q8", kind: .matrix, label: "Services", required: true,
            rows: [Choice(key: "r1", label: "Horaires"), Choice(key: "r2", label: "Accueil")])
        let commune = Question(key: "q9", kind: .commune, label: "Commune", profile: true)
        d.sections = [
            Section(key: s, title: "Tout", questions: [doctor, months, barriers, ranking, scale, matrix, commune])
        ]
        return d
    }

    static let validator = AnswerValidator(definition: sample(), communes: ["35360": "Vitré"], lang: .fr)

    static func typed(_ fields: [String: String], lists: [String: [String]] = [:]) -> TypedAnswers {
        var base = ["q2": "1", "q8-r1": "4", "q8-r2": "5"]
        base.merge(fields) { $1 }
        return TypedAnswers(fields: base.filter { !$0.value.isEmpty }, lists: lists)
    }

    @Test func aValidAnswerIsTyped() {
        let (answers, errors) = Self.validator.validate(
            Self.typed(
                ["q6-1": "sante-mentale", "q6-2": "acces-aux-soins", "q7": "4", "q9": "35360"],
                lists: ["q5": ["3", "1"]]))
        #expect(errors.isEmpty)
        #expect(answers["q2"] == .choice("1"))
        #expect(answers["q5"] == .choices(["1", "3"]))
        #expect(answers["q6"] == .ranking(["sante-mentale", "acces-aux-soins"]))
        #expect(answers["q7"] == .point(4))
        #expect(answers["q8"] == .matrix(["r1": 4, "r2": 5]))
        #expect(answers["q9"] == .choice("35360"))
        #expect(answers["q3"] == nil)  // hidden: the condition is not met
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
        let (answers, errors) = Self.validator.validate(
            Self.typed(
                ["q2": "2", "q3": "300", "q6-1": "prevention", "q6-2": "prevention", "q7": "9", "q9": "75056"],
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
        #expect(
            Self.validator.validate(Self.typed(["q3": "douze", "q2": "2"])).errors["q3"]
                == "Indiquez un nombre, par exemple 12.")
    }

    @Test func storedAnswersRoundTripThroughJSONAndTheForm() {
        let definition = Self.sample()
        let answers: Answers = [
            "q2": .choice("2"), "q3": .number(12), "q5": .choices(["1", "4"]), "q6": .ranking(["prevention"]),
            "q7": .point(3),
            "q8": .matrix(["r1": 1, "r2": 2]), "q9": .choice("35360"),
        ]
        #expect(AnswerCodec.decode(AnswerCodec.json(answers), definition: definition) == answers)
        #expect(AnswerCodec.json(["q3": .number(7.5), "q2": .choice("1")]) == #"{"q2":"1","q3":7.5}"#)
        // Free text with quotes, a backslash, line breaks, a control character and accents.
        var long = Definition()
        long.sections = [Section(key: "s1", title: "", questions: [Question(key: "q1", kind: .longText, label: "")])]
        let tricky: Answers = ["q1": .text("Il a dit \"non\" \\ puis\n\tpartit\u{1} — été")]
        #expect(AnswerCodec.decode(AnswerCodec.json(tricky), definition: long) == tricky)
        let again = Self.validator.validate(TypedAnswers.from(answers, definition: definition))
        #expect(again.errors.isEmpty && again.answers == answers)
        #expect(
            TypedAnswers.decode(TypedAnswers(fields: ["q2": "1"], lists: ["q5": ["2"]]).json())
                == TypedAnswers(fields: ["q2": "1"], lists: ["q5": ["2"]]))
    }

    static func dataset(_ definition: Definition, _ rows: [(Answers, Channel, Int)]) -> Dataset {
        var data = Dataset()
        for (i, row) in rows.enumerated() {
            data.append(
                id: i + 1,
                meta: .init(
                    wave: row.2, channel: row.1, audience: .users, commune: i % 2 == 0 ? "35360" : nil, day: 20_000 + i),
                answers: row.0,
                questions: definition.questions)
        }
        data.seal()
        return data
    }

    @Test func resultsCountMeanMedianAndFilter() {
        let definition = Self.sample()
        let q = definition.question("q7")!
        let points = [1, 2, 2, 4, 5, 5, 5]
        let data = Self.dataset(
            definition,
            points.enumerated().map {
                (
                    ["q7": .point($0.element), "q5": .choices($0.offset < 3 ? ["1", "2"] : ["2"])],
                    $0.offset < 2 ? .paper : .online, $0.offset < 4 ? 1 : 2
                )
            })
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
        data.append(
            id: 1, meta: .init(wave: 0, channel: .online, audience: .users, commune: nil, day: 1),
            answers: ["q2": .choice("1")], questions: [definition.question("q2")!])
        data.append(
            id: 2, meta: .init(wave: 0, channel: .online, audience: .users, commune: nil, day: 1),
            answers: ["q2": .choice("2"), "q7": .point(5)], questions: definition.questions)
        data.seal()
        #expect(Filter(profile: ("q2", "2")).rows(of: data) == [1])
        let r = Results.of(definition.question("q7")!, in: data, rows: [0, 1])
        #expect(r.answered == 1 && r.lines[4].count == 1)
    }

    @Test func rankingScoresFirstPlacesHighest() {
        let definition = Self.sample()
        let q = definition.question("q6")!
        let data = Self.dataset(
            definition,
            [
                (["q6": .ranking(["prevention", "acces-aux-soins"])], .online, 0),
                (["q6": .ranking(["prevention"])], .online, 0),
            ])
        let result = Results.of(q, in: data, rows: [0, 1])
        #expect(result.ranked.first?.key == "prevention")
        #expect(result.ranked.first?.score == 100)
        #expect(result.ranked.first { $0.key == "acces-aux-soins" }?.score == 25)  // (2-1)/2×100 once, over 2 people
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
        func s(_ theme: String, _ score: Double, _ n: Int = 50) -> CrossAnalysis.Score {
            .init(theme: theme, score: score, answers: n, measures: 1)
        }
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
        let data = Self.dataset(
            definition,
            (0..<6).map { i in (["q7": .point(5), "q6": .ranking(["acces-aux-soins", "prevention"])], .online, 0) })
        let scores = CrossAnalysis.scores(definition: definition, data: data, rows: Array(0..<6))
        let access = scores.first { $0.theme == "acces-aux-soins" }
        #expect(access?.measures == 2)
        #expect(access?.score == 100)  // agreement 5 → 100, ranked first → 100
        #expect(scores.first { $0.theme == "prevention" }?.score == 50)
        #expect(scores.first { $0.theme == "sante-mentale" }?.score == 0)
    }

    @Test func publishedThemeScoresAreTheRawOnesWhenNothingIsHidden() {
        let definition = Self.sample()
        let data = Self.dataset(
            definition,
            (0..<30).map { i in
                (["q7": .point(i % 2 == 0 ? 5 : 4), "q6": .ranking(["acces-aux-soins", "prevention"])], .online, 0)
            })
        let raw = CrossAnalysis.scores(definition: definition, data: data, rows: Array(0..<30))
        let published = CrossAnalysis.scores(
            definition: definition, data: data, split: Filter.Split(rows: Array(0..<30)), disclosure: .standard)
        // A theme nobody ranked has no published score (a count of 0 ranked describes nobody but
        // gives no score either); the others are exactly the raw ones.
        let byTheme = Dictionary(uniqueKeysWithValues: raw.map { ($0.theme, $0) })
        #expect(published.filter { $0.measures > 0 }.map(\.theme).sorted() == ["acces-aux-soins", "prevention"])
        for score in published where score.measures > 0 {
            #expect(abs(score.score - (byTheme[score.theme]?.score ?? -1)) < 1e-9, "\(score.theme)")
            #expect(score.answers == byTheme[score.theme]?.answers)
        }
        // 3 answers only: every measure rests on a hidden count; the themes are listed without one.
        let few = CrossAnalysis.scores(
            definition: definition, data: data, split: Filter.Split(rows: [0, 1, 2]), disclosure: .standard)
        #expect(few.allSatisfy { $0.measures == 0 } && few.contains { $0.theme == "acces-aux-soins" })
    }

    @Test func aReverseScoredItemIsTurnedRoundBeforeThemesAreRanked() {
        var definition = Self.sample()
        // Strong agreement with a satisfaction wording ("Accès facile") is a low priority.
        var satisfied = definition.question("q7")!
        satisfied.reverseScored = true
        definition.put(satisfied, inSection: "s1")
        let data = Self.dataset(definition, (0..<6).map { _ in (["q7": .point(5)], .online, 0) })
        let scores = CrossAnalysis.scores(definition: definition, data: data, rows: Array(0..<6))
        #expect(scores.first { $0.theme == "acces-aux-soins" }?.score == 0)
        // Agreement 2 of 5 on it (25) is a priority of 75; without the option it stays 25.
        let unhappy = Self.dataset(definition, (0..<6).map { _ in (["q7": .point(2)], .online, 0) })
        #expect(
            CrossAnalysis.scores(definition: definition, data: unhappy, rows: Array(0..<6))
                .first { $0.theme == "acces-aux-soins" }?.score == 75)
        #expect(
            CrossAnalysis.scores(definition: Self.sample(), data: unhappy, rows: Array(0..<6))
                .first { $0.theme == "acces-aux-soins" }?.score == 25)
        #expect(CrossAnalysis.reversedItems(of: definition).map(\.key) == ["q7"])
        #expect(CrossAnalysis.reversedItems(of: Self.sample()).isEmpty)
        // A ranking is never turned round, whatever is stored.
        var ranking = definition.question("q6")!
        ranking.reverseScored = true
        #expect(!ranking.isReverseScored)
    }

    @Test func theReverseScoreOptionIsReadFromTheFormAndKeptOutOfOlderDefinitions() throws {
        let definition = Self.sample()
        let scale = definition.question("q7")!
        let read = QuestionInput.read(
            ["label": "Accès facile", "reverse_scored": "on"], into: scale, definition: definition, lang: .fr)
        #expect(read.errors.isEmpty && read.question.isReverseScored)
        #expect(QuestionInput.fields(of: read.question)["reverse_scored"] == "on")
        #expect(QuestionInput.fields(of: scale)["reverse_scored"] == nil)
        // On a kind without a scale the box is ignored.
        let single = QuestionInput.read(
            ["label": "Médecin ?", "choices": "Oui\nNon", "reverse_scored": "on"], into: definition.question("q2")!,
            definition: definition, lang: .fr)
        #expect(single.question.reverseScored == nil)
        // A definition stored before the option decodes unchanged, and an unset option is not written.
        #expect(!Definition.decode(definition.json()).questions.contains { $0.isReverseScored })
        #expect(!definition.json().contains("reverseScored"))
        var turned = definition
        turned.put(read.question, inSection: "s1")
        #expect(Definition.decode(turned.json()).question("q7")?.isReverseScored == true)
    }

    @Test func targetsFollowPopulationAndAddUp() {
        let split = Targets.proportional(total: 100, populations: [("a", 1000), ("b", 2000), ("c", 3001)])
        #expect(split.values.reduce(0, +) == 100)
        #expect(split == ["a": 17, "b": 33, "c": 50])
        #expect(Targets.perThousand(12, population: 4000) == 3)
        let parsed = Targets.parseOverrides(
            "Vitré ; 120\n\n35001;4", communes: [("35360", "Vitré"), ("35001", "Acigné")])
        #expect(parsed.values == ["35360": 120, "35001": 4] && parsed.error == nil)
        #expect(
            Targets.parseOverrides("Paris ; 3", communes: [("35360", "Vitré")]).error
                == "Ligne 1 : « Paris » n'est pas une commune du territoire.")
        #expect(Targets.parseOverrides("Vitré ; beaucoup", communes: [("35360", "Vitré")]).error != nil)
    }

    @Test func theCSVLayoutRoundTripsAndReportsEveryProblem() throws {
        let definition = Self.sample()
        let columns = AnswerLayout.columns(definition)
        #expect(
            columns.map(\.name) == [
                "q2", "q3", "q5_1", "q5_2", "q5_3", "q5_4", "q6_1", "q6_2", "q7", "q8_r1", "q8_r2", "q9",
            ])
        let answers: Answers = [
            "q2": .choice("1"), "q5": .choices(["2"]), "q6": .ranking(["prevention"]),
            "q8": .matrix(["r1": 3, "r2": 4]),
        ]
        let cells = AnswerLayout.cells(answers, columns: columns)
        #expect(cells == ["1", "", "0", "1", "0", "0", "prevention", "", "", "3", "4", ""])
        let text =
            CSV.line(["canal"] + columns.map(\.name)) + "\n" + CSV.line(["telephone"] + cells) + "\n"
            + CSV.line(["fax"] + cells) + "\n"
        let read = AnswerLayout.read(try CSV.parse(text), definition: definition, waves: [], today: "2026-12-01")
        #expect(read.rows.count == 2)
        #expect(read.rows[0].channel == .phone)
        #expect(Self.validator.validate(read.rows[0].typed).answers == answers)
        #expect(
            read.problems == [
                AnswerLayout.ImportProblem(
                    line: 3, column: "canal",
                    message: "Canal inconnu « fax » : écrivez en-ligne, papier, tablette, telephone, en-personne.")
            ])
        let wrong = AnswerLayout.read(
            try CSV.parse("q2,q99\n1,2\n"), definition: definition, waves: [], today: "2026-12-01")
        #expect(wrong.rows.isEmpty && wrong.problems.first?.column == "q99")
        let codebook = AnswerLayout.codebook(definition, lang: .fr)
        #expect(codebook.contains { $0[0] == "q5_2" && $0[3].contains("Frein 2") })
    }

    @Test func theQuestionFormKeepsChoiceKeysAndChecksItsFields() {
        let definition = Self.sample()
        let q = definition.question("q5")!
        let (edited, errors) = QuestionInput.read(
            ["label": "Freins", "choices": "Frein 1\nNouveau\nFrein 4", "max_choices": "2"], into: q,
            definition: definition, lang: .fr)
        #expect(errors.isEmpty)
        #expect(edited.choices.map(\.key) == ["1", "5", "4"])
        let (_, bad) = QuestionInput.read(
            ["label": "", "choices": "Seul", "max_choices": "9", "condition": "q9=xx", "theme": "inconnu"], into: q,
            definition: definition, lang: .fr)
        #expect(bad["label"] == "Écrivez la question.")
        #expect(bad["choices"] == "Écrivez au moins deux choix, un par ligne.")
        #expect(bad["condition"] != nil && bad["theme"] != nil)
        var number = Question(key: "q50", kind: .number, label: "")
        number =
            QuestionInput.read(
                ["label": "Âge", "min_value": "10", "max_value": "5"], into: number, definition: definition, lang: .fr
            ).question
        #expect(
            QuestionInput.read(
                ["label": "Âge", "min_value": "10", "max_value": "5"], into: number, definition: definition, lang: .fr
            ).errors["max_value"] != nil)
        let conditional = QuestionInput.read(
            ["label": "Si non", "condition": "q2=2"], into: Question(key: "q50", kind: .shortText, label: ""),
            definition: definition, lang: .fr)
        #expect(conditional.errors.isEmpty && conditional.question.condition == Condition(question: "q2", equals: "2"))
    }

    @Test func definitionsMoveAndRemoveQuestions() {
        var d = Self.sample()
        d.sections.append(Section(key: "s99", title: "Fin"))
        #expect(d.move(question: "q2", up: true) == nil)  // already first: nothing moves
        #expect(d.questions.first?.key == "q2")
        // q3 is asked only after q2's answer: neither may pass the other, and nothing moves.
        let conflict = Definition.OrderConflict(question: "q3", dependsOn: "q2")
        #expect(d.move(question: "q2", up: false) == conflict)
        #expect(d.move(question: "q3", up: true) == conflict)
        #expect(d.questions.map(\.key).prefix(2) == ["q2", "q3"])
        // A question without a link to them passes freely.
        #expect(d.move(question: "q5", up: true) == nil)
        #expect(d.questions.map(\.key).prefix(3) == ["q2", "q5", "q3"])
        #expect(d.move(question: "q9", up: false) == nil)
        #expect(d.sections[1].questions.map(\.key) == ["q9"])
        #expect(d.brokenConditions().isEmpty)
        #expect(d.dependents(of: "q2").map(\.key) == ["q3"])
        d.remove(question: "q2")
        #expect(d.question("q2") == nil && d.question("q3")?.condition == nil)
        #expect(Definition.decode(d.json()) == d)
    }

    /// Two sections: "Vous" (q2, q7) then "Suite" (q3, shown after q2 = 2).
    static func twoSections() -> Definition {
        let sample = Self.sample()
        var d = Definition(nextKey: 20)
        d.sections = [
            Section(key: "s1", title: "Vous", questions: [sample.question("q2")!, sample.question("q7")!]),
            Section(key: "s2", title: "Suite", questions: [sample.question("q3")!]),
            Section(key: "s3", title: "Fin", questions: [sample.question("q9")!]),
        ]
        return d
    }

    @Test func sectionMovesThatWouldBreakAConditionAreRefused() {
        var d = Self.twoSections()
        let conflict = Definition.OrderConflict(question: "q3", dependsOn: "q2")
        #expect(d.move(section: "s2", up: true) == conflict)
        #expect(d.move(section: "s1", up: false) == conflict)
        #expect(d.sections.map(\.key) == ["s1", "s2", "s3"])
        // Sections without a condition between them swap.
        #expect(d.move(section: "s3", up: true) == nil)
        #expect(d.sections.map(\.key) == ["s1", "s3", "s2"])
        // Across a section edge, question by question.
        #expect(d.move(question: "q2", up: false) == nil)  // below q7, still in s1
        #expect(d.move(question: "q2", up: false) == nil)  // to the top of s3
        #expect(d.move(question: "q2", up: false) == nil)  // below q9
        #expect(d.move(question: "q2", up: false) == nil)  // to the top of s2, still before q3
        #expect(d.move(question: "q2", up: false) == conflict)  // would pass q3
        #expect(d.questions.map(\.key) == ["q7", "q9", "q2", "q3"])
    }

    @Test func conditionsMayOnlyTestAnEarlierQuestion() {
        let d = Self.twoSections()
        // The builder's list: questions before where the question will stand.
        #expect(d.questions(before: nil, inSection: "s1").map(\.key) == ["q2", "q7"])
        #expect(d.questions(before: "q7", inSection: "s1").map(\.key) == ["q2"])
        #expect(d.questions(before: "q2", inSection: "s3").map(\.key) == ["q7", "q3", "q9"])
        #expect(d.questions(before: nil, inSection: nil).map(\.key) == ["q2", "q7", "q3", "q9"])
        let message = "La condition doit porter sur une réponse d'une question posée avant."
        // A new question at the end of "Vous" may test q7 (agreement) but not q3, asked later.
        let fresh = Question(key: "q20", kind: .shortText, label: "")
        let ok = QuestionInput.read(
            ["label": "Pourquoi ?", "section": "s1", "condition": "q7=4"], into: fresh, definition: d, lang: .fr)
        #expect(ok.errors.isEmpty && ok.question.condition == Condition(question: "q7", equals: "4"))
        let later = QuestionInput.read(
            ["label": "Pourquoi ?", "section": "s1", "condition": "q3=4"], into: fresh, definition: d, lang: .fr)
        #expect(later.errors["condition"] == message && later.question.condition == nil)
        // Editing q2 to test q7, after it: refused; an unknown question: refused.
        let q2 = d.question("q2")!
        #expect(
            QuestionInput.read(
                ["label": "Médecin", "section": "s1", "choices": "Oui\nNon", "condition": "q7=4"], into: q2,
                definition: d, lang: .fr
            ).errors["condition"] == message)
        #expect(
            QuestionInput.read(
                ["label": "Médecin", "section": "s1", "choices": "Oui\nNon", "condition": "q77=1"], into: q2,
                definition: d, lang: .fr
            ).errors["condition"] == message)
        // Moved to the last section, q2 would come after q7: then q7 may be tested.
        let moved = QuestionInput.read(
            ["label": "Médecin", "section": "s3", "choices": "Oui\nNon", "condition": "q7=4"], into: q2, definition: d,
            lang: .fr)
        #expect(moved.errors.isEmpty)
        // …but saving it there leaves q3 (which tests q2) before it: the builder refuses that.
        let saved = d.saving(moved.question, inSection: "s3")
        #expect(saved.questions.map(\.key) == ["q7", "q3", "q9", "q2"])
        #expect(saved.brokenConditions() == [Definition.OrderConflict(question: "q3", dependsOn: "q2")])
        // Saving q3 into another section keeps its condition (nothing cleared on the way).
        let q3 = d.question("q3")!
        #expect(d.saving(q3, inSection: "s3").question("q3")?.condition == q3.condition)
        #expect(d.saving(q3, inSection: "s3").brokenConditions().isEmpty)
        // A condition on an unknown question is broken too.
        var unknown = d
        unknown.sections[0].questions[1].condition = Condition(question: "q99", equals: "1")
        #expect(unknown.brokenConditions() == [Definition.OrderConflict(question: "q7", dependsOn: "q99")])
        // The demo questionnaires hold no broken condition.
        #expect(
            NeedsTemplates.users().brokenConditions().isEmpty
                && NeedsTemplates.professionals().brokenConditions().isEmpty)
    }

    @Test func fieldsOfUnknownQuestionsAreFound() {
        let validator = Self.validator
        let clean = Self.typed(
            ["q6-1": "prevention", "q6-2": "sante-mentale", "q7": "4", "_canal": "papier"], lists: ["q5": ["1"]])
        #expect(validator.unknownFields(clean, extra: ["_canal"]).isEmpty)
        // as the CSV import writes lists
        #expect(validator.unknownFields(TypedAnswers(lists: ["q5[]": ["1"]]), extra: []).isEmpty)
        let tampered = Self.typed(
            ["q99": "1", "q6-3": "prevention", "q8-r9": "2", "_canal": "papier"], lists: ["q55": ["1"]])
        #expect(validator.unknownFields(tampered, extra: ["_canal"]) == ["q55", "q6-3", "q8-r9", "q99"])
        #expect(validator.unknownFields(Self.typed(["_canal": "papier"]), extra: []) == ["_canal"])
        #expect(
            validator.unknownMessage(["q99"]).contains("« q99 »")
                && validator.unknownMessage(["q99"]).contains("rien n'a été enregistré"))
    }

    @Test func numbersFallIntoRoundRanges() {
        let whole = Results.bins((0...23).map(Double.init))
        #expect(whole.map { $0.label(.fr) } == ["0 à 4", "5 à 9", "10 à 14", "15 à 19", "20 à 24"])
        #expect(whole.map(\.count) == [5, 5, 5, 5, 4])
        let decimals = Results.bins([0.5, 1.25, 2.0, 3.75])
        #expect(decimals.count == 7)
        #expect(decimals.first?.label(.fr) == "de 0,5 à moins de 1")
        #expect(decimals.last?.label(.fr) == "de 3,5 à 4" && decimals.last?.label(.en) == "from 3.5 to 4")
        #expect(decimals.map(\.count) == [1, 1, 0, 1, 0, 0, 1])
        #expect(Results.bins([7, 7, 7]).map { "\($0.label(.fr)) \($0.count)" } == ["7 3"])
        #expect(Results.bins([]).isEmpty)
        // Never more than 8 ranges, every value counted once.
        let samples: [[Double]] = [
            (0...80).map(Double.init), [0, 1000], [3, 4, 5, 6, 7], [-12.5, 0.01, 99.99], [1e6, 2e6 + 1],
        ]
        for values in samples {
            let bins = Results.bins(values)
            #expect(bins.count <= 8 && bins.map(\.count).reduce(0, +) == values.count, "\(values)")
            #expect(zip(bins, bins.dropFirst()).allSatisfy { $0.upper == $1.lower })
        }
        #expect(Results.bins([3, 4, 5, 6, 7]).map { $0.label(.fr) } == ["3", "4", "5", "6", "7"])
        // A number question's result carries them.
        let definition = Self.sample()
        let data = Self.dataset(
            definition, [1, 2, 2, 30, 45].map { (["q2": .choice("2"), "q3": .number(Double($0))], .online, 0) })
        let result = Results.of(definition.question("q3")!, in: data, rows: Array(0..<5))
        #expect(result.bins.map(\.count).reduce(0, +) == 5 && result.bins.first?.count == 3)
    }

    @Test func datesAreCountedByMonthOrByYear() {
        let items: [(row: Int, text: String)] = [
            (0, "2026-03-05"), (1, "2026-05-01"), (2, "2026-03-31"), (4, "2026-05-20"),
        ]
        let all = Results.dates(items, rows: [0, 1, 2, 3, 4], key: "q1")
        #expect(all.answered == 4)
        #expect(
            all.lines == [
                .init(key: "2026-03", count: 2), .init(key: "2026-04", count: 0), .init(key: "2026-05", count: 2),
            ])
        #expect(Results.dates(items, rows: [1, 3], key: "q1").lines == [.init(key: "2026-05", count: 1)])
        #expect(Results.dates(items, rows: [], key: "q1").answered == 0)
        let births = Results.dates(
            [(0, "1950-02-01"), (1, "1952-07-14"), (2, "1990-01-01")], rows: [0, 1, 2], key: "q1")
        #expect(
            births.lines.count == 41 && births.lines.first == .init(key: "1950", count: 1)
                && births.lines.last == .init(key: "1990", count: 1))
        #expect(
            Results.periodLabel("2026-03", lang: .fr) == "mars 2026" && Results.periodLabel("1950", lang: .fr) == "1950"
        )
    }

    static func wave(_ id: Int, _ name: String, _ starts: String, _ ends: String) -> WaveRecord {
        WaveRecord(
            id: id, questionnaire_id: 1, name: name, starts_on: starts, ends_on: ends, target_total: 100,
            target_users: 0, target_professionals: 0, commune_targets: "{}")
    }

    static let waves = [
        wave(1, "Vague 1 · printemps", "2026-03-01", "2026-06-30"),
        wave(2, "Vague 2 · automne", "2026-09-15", "2027-01-31"),
    ]

    @Test func wavesDoNotOverlapAndADayBetweenTwoBelongsToNone() {
        let waves = Self.waves
        #expect(Waves.running(on: "2026-03-01", in: waves)?.id == 1)
        #expect(Waves.running(on: "2026-06-30", in: waves)?.id == 1)
        #expect(Waves.running(on: "2026-08-01", in: waves) == nil)  // between the two: hors vague
        #expect(Waves.running(on: "2027-02-01", in: waves) == nil)  // after the last
        #expect(Waves.running(on: "2026-10-01", in: waves)?.id == 2)
        #expect(Waves.overlapping(starts: "2026-06-30", ends: "2026-07-15", excluding: nil, in: waves)?.id == 1)
        #expect(Waves.overlapping(starts: "2026-01-01", ends: "2027-12-31", excluding: nil, in: waves)?.id == 1)
        #expect(Waves.overlapping(starts: "2026-07-01", ends: "2026-09-14", excluding: nil, in: waves) == nil)
        // editing wave 1 itself
        #expect(Waves.overlapping(starts: "2026-03-01", ends: "2026-07-31", excluding: 1, in: waves) == nil)
        #expect(
            Waves.day("31/03/2026") == "2026-03-31" && Waves.day("1/4/2026") == "2026-04-01"
                && Waves.day(" 2026-03-31 ") == "2026-03-31")
        #expect(Waves.day("31/02/2026") == nil && Waves.day("2026-3-31") == nil && Waves.day("hier") == nil)
        #expect((try? Waves.named("vague 1 · PRINTEMPS", in: waves).get())?.id == 1)
        #expect((try? Waves.named("2", in: waves).get())?.id == 2)
        guard case .failure(let unknown) = Waves.named("Vague 9", in: waves) else {
            Issue.record("a wave nobody has was found"); return
        }
        #expect(unknown.message.hasPrefix("Vague inconnue « Vague 9 »"))
        guard
            case .failure(let twice) = Waves.named(
                "Pareil",
                in: [
                    Self.wave(1, "Pareil", "2026-01-01", "2026-01-31"),
                    Self.wave(2, "Pareil", "2026-02-01", "2026-02-28"),
                ])
        else {
            Issue.record("an ambiguous name was accepted"); return
        }
        #expect(twice.message.contains("numéro"))
    }

    @Test func theImportReadsWavesAndDates() throws {
        let definition = Self.sample()
        let columns = AnswerLayout.columns(definition)
        let cells = AnswerLayout.cells(["q2": .choice("1"), "q8": .matrix(["r1": 3, "r2": 4])], columns: columns)
        func row(_ wave: String, _ date: String) -> String { CSV.line([wave, date] + cells) }
        let header = CSV.line(["vague", "date"] + columns.map(\.name))
        let good = [
            header, row("Vague 1 · printemps", "05/04/2026"), row("", "2026-10-01"), row("", "2026-08-01"), row("", ""),
            row("1", "2026-10-01"),
        ].joined(separator: "\n")
        let read = AnswerLayout.read(
            try CSV.parse(good), definition: definition, waves: Self.waves, today: "2026-12-01")
        #expect(read.problems.isEmpty)
        // named; running on its day; between two waves: none; today's; by number
        #expect(read.rows.map(\.wave) == [1, 2, nil, 2, 1])
        #expect(read.rows.map(\.day) == ["2026-04-05", "2026-10-01", "2026-08-01", "2026-12-01", "2026-10-01"])
        let bad = [header, row("Vague 9", "2026-13-01"), row("", "2027-05-01")].joined(separator: "\n")
        let problems = AnswerLayout.read(
            try CSV.parse(bad), definition: definition, waves: Self.waves, today: "2026-12-01"
        ).problems
        #expect(problems.map(\.line) == [2, 2, 3] && problems.map(\.column) == ["vague", "date", "date"])
        #expect(
            problems[1].message
                == "Date invalide « 2026-13-01 » : écrivez-la AAAA-MM-JJ (2026-03-31) ou JJ/MM/AAAA (31/03/2026).")
        #expect(problems[2].message.contains("dans le futur"))
        // The codebook lists the waves by number; the spreadsheet variant writes decimals with a comma.
        #expect(
            AnswerLayout.codebook(definition, lang: .fr, waves: Self.waves).contains {
                $0[0] == "vague" && $0[3] == "1 = Vague 1 · printemps ; 2 = Vague 2 · automne"
            })
        let number = AnswerLayout.columns(definition).filter { $0.name == "q3" }
        #expect(AnswerLayout.cells(["q3": .number(7.5)], columns: number, decimalComma: true) == ["7,5"])
        #expect(AnswerLayout.cells(["q3": .number(7.5)], columns: number) == ["7.5"])
    }
}

@Suite("Questions and the territory's themes")
struct QuestionThemeTests {
    @Test func aQuestionTakesATerritorysOwnThemeAndRankingsListItsVisibleThemes() {
        let themes = ThemeList.territory([
            .init(
                slug: "sante-des-aidants", labelFR: "Santé des aidants", labelEN: nil, bitIndex: 16, hidden: false,
                position: 16),
            .init(slug: "handicap", labelFR: "Handicap", labelEN: nil, bitIndex: 8, hidden: true, position: 8),
        ])
        let section = "s1"
        let definition = Definition(sections: [Section(key: section, title: "Priorités")], nextKey: 90)
        let q = Question(key: "q90", kind: .agreement, label: "")
        let read = QuestionInput.read(
            ["label": "Les aidants sont soutenus", "section": section, "theme": "sante-des-aidants"], into: q,
            definition: definition, themes: themes, lang: .fr)
        #expect(read.errors.isEmpty)
        #expect(read.question.theme == "sante-des-aidants")
        // The platform's list does not know it.
        #expect(
            QuestionInput.read(
                ["label": "Les aidants sont soutenus", "section": section, "theme": "sante-des-aidants"], into: q,
                definition: definition, lang: .fr
            ).errors["theme"] != nil)
        let ranking = QuestionInput.read(
            ["label": "Classez", "section": section, "themed_choices": "on", "max_choices": "3"],
            into: Question(key: "q91", kind: .ranking, label: ""), definition: definition, themes: themes, lang: .fr
        ).question
        #expect(ranking.choices.contains { $0.theme == "sante-des-aidants" })
        #expect(!ranking.choices.contains { $0.theme == "handicap" })
    }
}
