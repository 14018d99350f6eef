import Core
import Foundation
import SQLKit
import TestSupport
import Testing

@testable import Experiences

/// What was typed when the session expired (issue #16, attack 1): kept for the browser that typed
/// it, recovered once, for its call, within 7 days; never saved by recovering it.
@Suite("Rescued texts")
struct RescueUseCaseTests {
    static let rooms: [any FeatureModule] = [ExperiencesModule()]
    static let text = RescuedText(fields: ["title": "Café des aidants"], multi: [:], submission: nil)
    static let browser = "browser-key-0123456789abcdef0123456789abcdef"

    @Test func aTextIsRecoveredOnceOnlyInTheBrowserThatTypedItForItsCallWithinSevenDays() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let call = try await ExperienceUseCaseTests.call(in: vitre, world: world)
            let otherCall = try await ExperienceUseCaseTests.call(in: vitre, world: world)
            let here = try await ExperienceUseCaseTests.context(call, anne, territory: vitre, world: world)
            let there = try await ExperienceUseCaseTests.context(otherCall, anne, territory: vitre, world: world)
            let token = try await KeepForLater.run(Self.text, browserKey: Self.browser, call: call, env: world.env)
            func recover(_ browser: String?, _ context: CallContext) async throws -> RescuedText? {
                guard
                    case .recovered(let text, let replacing, _) = try await RecoverText.run(
                        token: token, browserKey: browser, call: context, env: world.env)
                else { return nil }
                #expect(replacing == nil)
                return text
            }
            #expect(try await recover(nil, here) == nil, "no cookie, no text")
            #expect(try await recover("another-browser-0123456789abcdef0123456789", here) == nil)
            #expect(try await recover(Self.browser, there) == nil, "another call's link")
            #expect(try await RecoverText.exists(token: token, browserKey: Self.browser, call: here, env: world.env))
            let got = try await recover(Self.browser, here)
            #expect(got?.fields == ["title": "Café des aidants"])
            #expect(try await recover(Self.browser, here) == nil, "once")
            struct Count: Decodable { let n: Int }
            let saved = try await world.db.sql.raw("SELECT COUNT(*) AS n FROM experiences").first(decoding: Count.self)
            #expect(saved?.n == 0, "recovering saves nothing")

            let old = try await KeepForLater.run(Self.text, browserKey: Self.browser, call: call, env: world.env)
            world.clock.advance(by: KeepForLater.lifetime + 1)
            #expect(!(try await RecoverText.exists(token: old, browserKey: Self.browser, call: here, env: world.env)))
        }
    }

    @Test func theProofThatAFormHoldsARecoveredTextIsForOneCallAndTwoHours() {
        let signer = Signer(secret: String(repeating: "k", count: 40))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let proof = RecoverText.proof(call: 4, now: now, signer: signer)
        #expect(RecoverText.holds(proof, call: 4, now: now.addingTimeInterval(3600), signer: signer))
        #expect(!RecoverText.holds(proof, call: 5, now: now, signer: signer))
        #expect(!RecoverText.holds(proof, call: 4, now: now.addingTimeInterval(2 * 3600 + 1), signer: signer))
        #expect(!RecoverText.holds(proof + "x", call: 4, now: now, signer: signer))
        #expect(!RecoverText.holds(nil, call: 4, now: now, signer: signer))
    }
}
