import Testing
@testable import Stats

@Suite("Small-cell suppression")
struct SmallCellsTests {
    @Test(arguments: [
        (0, SmallCells.Published.count(0)), (1, .suppressed), (4, .suppressed), (5, .count(5)), (120, .count(120)),
    ])
    func countsUnderFiveAreNeverPublished(count: Int, expected: SmallCells.Published) {
        #expect(SmallCells.publish(count) == expected)
    }

    @Test func sharesNeedPublishablePartsAndWholes() {
        #expect(SmallCells.share(3, of: 100) == nil)
        #expect(SmallCells.share(10, of: 4) == nil)
        #expect(SmallCells.share(25, of: 100) == 25)
        #expect(SmallCells.share(0, of: 10) == 0)
    }
}
