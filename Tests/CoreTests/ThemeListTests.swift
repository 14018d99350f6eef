import Core
import Testing

@Suite("Theme lists")
struct ThemeListTests {
    @Test func builtinThemesKeepTheirBitsAndSlugs() {
        // Bits are stored in every room's masks: they never move.
        #expect(
            Theme.access.bit == 1 && Theme.prevention.bit == 2 && Theme.information.bit == 1 << 9
                && Theme.carePathways.bit == 1 << 10)
        #expect(Set(Theme.builtin.map(\.bit)).count == Theme.builtin.count)
        #expect(Theme(rawValue: "parcours-de-soins") == .carePathways)
        #expect(Theme(rawValue: "inconnu") == nil)
        #expect(
            Theme.from(mask: Theme.access.bit | Theme.rights.bit).map(\.slug) == [
                "acces-aux-soins", "droits-des-patients",
            ])
    }

    @Test func aTerritoryRenamesHidesAndAddsThemes() {
        let list = ThemeList.territory([
            .init(
                slug: "jeunesse", labelFR: "Enfance et jeunesse", labelEN: nil, bitIndex: 4, hidden: false, position: 4),
            .init(slug: "handicap", labelFR: "Handicap", labelEN: nil, bitIndex: 8, hidden: true, position: 8),
            .init(
                slug: "sante-des-aidants", labelFR: "Santé des aidants", labelEN: "Carers' health", bitIndex: 17,
                hidden: false, position: 17),
            .init(slug: "addictions", labelFR: "Addictions", labelEN: nil, bitIndex: 16, hidden: false, position: 16),
            // A row whose bit is out of the territory's range is ignored rather than trusted.
            .init(slug: "bizarre", labelFR: "Bizarre", labelEN: nil, bitIndex: 3, hidden: false, position: 3),
        ])
        #expect(list.find("jeunesse")?.label == Text("Enfance et jeunesse", "Youth"))
        #expect(list.find("jeunesse")?.bit == Theme.youth.bit)
        #expect(list.all.suffix(2).map(\.slug) == ["addictions", "sante-des-aidants"])
        #expect(list.find("addictions")?.label.en == "Addictions")
        #expect(list.find("bizarre") == nil)
        #expect(!list.visible.contains { $0.slug == "handicap" })
        // What is already filed under a hidden theme keeps it, in forms and on pages.
        #expect(list.offered(keeping: ["handicap"]).contains { $0.slug == "handicap" })
        #expect(list.from(mask: Theme.disability.bit | 1 << 17).map(\.slug) == ["handicap", "sante-des-aidants"])
        #expect(
            list.parse(["sante-des-aidants", "inconnu", "prevention"]).map(\.slug) == [
                "prevention", "sante-des-aidants",
            ])
        #expect(list.label("inconnu", .fr) == "inconnu")
        #expect(list.nextBit() == 18)
        #expect(list.fingerprint != ThemeList.builtin.fingerprint)
        #expect(list != ThemeList.builtin)
        #expect(ThemeList.territory([]) == ThemeList.builtin)
    }

    @Test func customBitsRunOut() {
        let rows = (Theme.firstCustomBit...Theme.lastCustomBit).map {
            ThemeList.Row(slug: "t\($0)", labelFR: "T\($0)", labelEN: nil, bitIndex: $0, hidden: false, position: $0)
        }
        #expect(ThemeList.territory(rows).nextBit() == nil)
        #expect(ThemeList.territory(Array(rows.dropFirst())).nextBit() == Theme.firstCustomBit)
    }

    @Test func slugsAreMadeFromFrenchNames() {
        #expect(ThemeRules.slug("Santé des aidants") == "sante-des-aidants")
        #expect(ThemeRules.slug("  Éducation thérapeutique (ETP) ! ") == "education-therapeutique-etp")
        #expect(ThemeRules.slug("!!!") == "")
    }
}
