import Core
import Foundation
import Testing

@testable import Proposals

/// The list's item is a pure function of its row and the visit: checked without a server.
@Suite("Proposal views")
struct ProposalViewTests {
    static let vitre = TerritoryInfo(
        id: 1, slug: "vitre", name: "Vitré Communauté", epciSiren: nil,
        communes: [CommuneInfo(id: 1, code: "35360", name: "Vitré", postalCodes: ["35500"], population: 18_000)])

    static func visit(_ lang: Lang) -> Visit {
        Visit(
            lang: lang, viewer: nil, territory: vitre, csrfToken: "tok", flash: nil, path: "/vitre/propositions",
            query: nil)
    }

    static func row(supports: Int, comments: Int) -> ProposalSummary {
        ProposalSummary(
            id: 12, title: "Un bus <vers> l'hôpital", status: .received, themes: [], submittedAt: nil,
            supportCount: supports, commentCount: comments, audience: "resident", communes: ["35360", "99999"])
    }

    @Test func anItemLinksToItsProposalEscapesItsTitleAndCountsInGoodFrenchAndEnglish() {
        let one = ProposalPages.listItem(
            Self.row(supports: 1, comments: 0), territory: Self.vitre, visit: Self.visit(.fr)
        )
        .rendered
        #expect(one.contains("href=\"/vitre/propositions/12\""))
        #expect(one.contains("Un bus &lt;vers&gt; l&#39;hôpital"))
        #expect(one.contains("1 soutien") && one.contains("0 commentaire<"))
        #expect(one.contains(" · Vitré</p>"), "an unknown commune is left out")
        let many = ProposalPages.listItem(
            Self.row(supports: 2, comments: 1), territory: Self.vitre, visit: Self.visit(.en)
        ).rendered
        #expect(many.contains("2 supports") && many.contains("1 comment<"))
    }
}
