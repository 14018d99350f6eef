import Testing

@testable import Stats

/// The disclosure control, attacked: over generated small tables, an attacker who sees everything
/// published (cells, totals, and the same line over a larger view) enumerates every table that
/// agrees with it (hidden cells at least 1 within a view, since a zero is shown). A hidden count is
/// disclosed when all those tables agree on it and it lies between 1 and 4. The attacker does not
/// reason on which cell the rule picked as the second one to hide (docs/PRIVACY.md, "limits").
@Suite("Disclosure control")
struct DisclosureTests {
    let rule = Disclosure.standard

    /// A deterministic generator (SplitMix64), so a failure is reproduced by its seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
        }
        /// Small counts most of the time: the cases that matter.
        mutating func count() -> Int { int(0...3) == 0 ? int(5...14) : int(0...6) }
    }

    /// Every assignment of the hidden cells (each at least `minimum`: 1 within one view, where zero
    /// is always shown) adding up to `sum`, bounded by `upper` per cell.
    static func completions(
        of counts: [Int], hidden: [Bool], sum: Int, upper: [Int], minimum: Int = 1
    ) -> [[Int]] {
        let slots = counts.indices.filter { hidden[$0] }
        var out: [[Int]] = []
        var candidate = counts
        func fill(_ k: Int, left: Int) {
            if k == slots.count {
                if left == 0 { out.append(candidate) }
                return
            }
            let i = slots[k]
            let rest = slots.count - k - 1
            guard left - rest * minimum >= minimum else { return }
            for v in minimum...min(upper[i], left - rest * minimum) {
                candidate[i] = v
                fill(k + 1, left: left - v)
            }
        }
        fill(0, left: sum)
        return out
    }

    /// The hidden cells an attacker can pin to a value from 1 to 4.
    static func disclosed(_ candidates: [[Int]], hidden: [Bool], rule: Disclosure) -> [Int] {
        guard let first = candidates.first else { return [] }
        return hidden.indices.filter { i in
            hidden[i] && rule.isSmall(first[i]) && candidates.allSatisfy { $0[i] == first[i] }
        }
    }

    @Test func aLoneSmallCellIsHiddenWithTheNextSmallestSoTheTotalGivesNothingAway() {
        // "Droits des usagers" ranked first: 360 − (176 + 122 + 52 + 9 + 0) = 1.
        let line = rule.line([1, 176, 122, 52, 9, 0])
        #expect(line.cells == [.hidden, .shown(176), .shown(122), .shown(52), .hidden, .shown(0)])
        #expect(line.share(0) == nil && line.share(1) != nil)
        #expect(!line.complete, "a mean of this line would solve the hidden pair")
        // Participation: Téléphone = 140 − 138 = 2.
        let channels = rule.line([130, 8, 2, 0])
        #expect(channels.cells == [.shown(130), .hidden, .hidden, .shown(0)])
    }

    @Test func hiddenCellsThatAddUpToLessThanTheThresholdTakeOneMore() {
        // 1 + 1 = 2 hidden with a known total would give both away.
        let line = rule.line([1, 1, 7, 30])
        #expect(line.cells == [.hidden, .hidden, .hidden, .shown(30)])
    }

    @Test func aViewAddingOnlyAFewPeopleToAnotherIsNotPublished() {
        // ?commune=35097 gives 8 answers and ?commune=35097&canal=en-ligne gives 7.
        #expect(rule.view(population: 7, differences: [1]) == .tooClose)
        #expect(rule.view(population: 4, differences: []) == .tooFew)
        #expect(rule.view(population: 7, differences: [0, 12]) == .publishable)
        // The same question over the two views: cells whose difference is small are hidden.
        let line = rule.line([6, 9, 20], differences: [Disclosure.Difference(counts: [2, 0, 9])])
        #expect(line.cells[0] == .hidden && line.cells[1] == .hidden, "6 in the view, 8 in the larger one")
        #expect(rule.line([6, 9], differences: [Disclosure.Difference(counts: [2, 1])]).withheld)
    }

    @Test func theThresholdIsOneSettingAway() {
        let strict = Disclosure.healthData
        #expect(strict.threshold == 11)
        #expect(strict.line([10, 40, 50]).cells == [.hidden, .hidden, .shown(50)])
        #expect(strict.count(10) == .hidden && strict.count(11) == .shown(11))
    }

    @Test func rankingScoresAreShownOnlyWhenEveryPlaceTheyRestOnIs() {
        // "Prévention": 3 people ranked it third; its score would say so.
        let hidden = rule.table([[20, 10, 8], [9, 12, 3], [6, 13, 24]], linked: [1, 2])
        #expect(hidden[1] == [false, true, true] || hidden[1] == [true, true, true])
        #expect(hidden[1][2], "the small place is hidden")
        #expect(hidden[1][1], "and the places linked to it by the score")
        for column in 0..<3 {
            let inColumn = (0..<3).filter { hidden[$0][column] }
            #expect(inColumn.isEmpty || inColumn.count >= 2, "a column total would give a lone cell away")
        }
    }

    @Test(arguments: 0..<4)
    func noSmallCountCanBeWorkedOutFromALineAndItsTotal(batch: Int) {
        var random = Generator(state: UInt64(batch) &* 7919 &+ 1)
        for _ in 0..<500 {
            let counts = (0..<random.int(2...5)).map { _ in random.count() }
            let line = rule.line(counts)
            guard line.totalShown else { continue }
            // The attacker knows the total, the shown cells and the rule: every completion that
            // the rule would publish the same way.
            let shownSum = counts.indices.filter { !line.hidden[$0] }.reduce(0) { $0 + counts[$1] }
            let candidates = Self.completions(
                of: counts, hidden: line.hidden, sum: line.total - shownSum,
                upper: counts.map { _ in line.total })
            #expect(candidates.contains(counts))
            #expect(Self.disclosed(candidates, hidden: line.hidden, rule: rule) == [], "counts \(counts)")
        }
    }

    @Test(arguments: 0..<4)
    func noSmallCountCanBeWorkedOutBySubtractingALargerView(batch: Int) {
        var random = Generator(state: UInt64(batch) &* 104_729 &+ 3)
        for _ in 0..<400 {
            let width = random.int(2...4)
            let here = (0..<width).map { _ in random.count() }
            let added = (0..<width).map { _ in random.count() }
            let larger = zip(here, added).map { $0 + $1 }
            let big = rule.line(larger)
            let small = rule.line(here, differences: [Disclosure.Difference(counts: added)])
            guard big.totalShown, small.totalShown,
                rule.view(population: small.total, differences: [added.reduce(0, +)]) == .publishable
            else {
                continue
            }
            // Both views' shown cells are known. The cells of the people the larger view adds
            // (larger − here) must not be pinned to 1–4 either.
            let shownHere = here.indices.filter { !small.hidden[$0] }.reduce(0) { $0 + here[$1] }
            let upper = larger.indices.map { big.hidden[$0] ? big.total : larger[$0] }
            let candidates = Self.completions(
                of: here, hidden: small.hidden, sum: small.total - shownHere, upper: upper,
                minimum: 0  // a zero whose larger view has a few is hidden too
            )
            #expect(candidates.contains(here))
            #expect(
                Self.disclosed(candidates, hidden: small.hidden, rule: rule) == [], "here \(here), larger \(larger)")
            for i in here.indices where !small.hidden[i] && !big.hidden[i] {
                #expect(!rule.isSmall(larger[i] - here[i]), "a shown difference \(larger[i]) − \(here[i])")
            }
        }
    }

    @Test func aMeanIsPublishedOnlyWithEveryCellItRestsOn() {
        // 0, moins de 5, 16, 21, 0 with mean 3.41 gives 4: the mean is not published.
        let line = rule.line([0, 4, 16, 21, 0])
        #expect(!line.complete)
        #expect(rule.line([0, 5, 16, 21, 0]).complete)
    }

    @Test(arguments: [
        (31.25, 1, "31.3"), (0.15, 1, "0.2"), (2.675, 2, "2.68"), (-1.25, 1, "-1.3"), (12.0, 0, "12"),
        (-0.04, 1, "0.0"), (99.95, 1, "100.0"),
    ])
    func roundingIsHalfAwayFromZeroAsInASpreadsheet(value: Double, digits: Int, text: String) {
        #expect(Rounding.text(value, digits: digits) == text)
    }
}
