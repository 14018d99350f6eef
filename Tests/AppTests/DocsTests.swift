import Accounts
import Core
import Experiences
import Foundation
import Testing

/// The README is the newcomer's first page: it must name every setting and every demo account.
@Suite("Docs stay true")
struct DocsTests {
    static func read(_ relative: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
            .standardized
        return try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    @Test func readmeListsEverySetting() throws {
        let readme = try Self.read("README.md")
        for setting in AppConfig.documentation {
            for name in setting.name.components(separatedBy: " / ") {
                #expect(readme.contains("`\(name)`"), "README lacks the setting \(name)")
            }
        }
    }

    @Test func readmeListsEveryDemoAccountAndThePassword() throws {
        let readme = try Self.read("README.md")
        for account in AccountsDemo.accounts {
            #expect(readme.contains("`\(account.email)`"), "README lacks \(account.email)")
        }
        #expect(readme.contains(AccountsDemo.password))
    }

    @Test func readmeListsTheNationalAccountsOfTheExperiencesDemo() throws {
        let readme = try Self.read("README.md")
        for email in [ExperiencesDemo.organiser.email] + ExperiencesDemo.reviewers.map(\.email) {
            #expect(readme.contains("`\(email)`"), "README lacks \(email)")
        }
    }
}
