import Core
import Foundation
import Questionnaires
import TestSupport
import Testing

@testable import Events

/// The live participant cookie is issued and signed by the server (issue #15): a cookie the client
/// invents is refused, and an address gets a limited number of new participants an hour.
@Suite("Live participants")
struct LiveParticipantTests {
    let signer = Signer(secret: String(repeating: "k", count: 40))

    @Test func aCookieIsWorthSomethingOnlyWhenTheServerSignedIt() {
        let token = Tokens.random()
        let cookie = LiveRules.cookie(token: token, signer: signer)
        #expect(LiveRules.cookieState(cookie, signer: signer) == .valid(token: token))
        #expect(LiveRules.cookieState(nil, signer: signer) == .none)
        #expect(LiveRules.cookieState("", signer: signer) == .none)
        // A value the client invents (as before, a bare random token), or a changed signature.
        #expect(LiveRules.cookieState(Tokens.random(), signer: signer) == .forged)
        #expect(LiveRules.cookieState(cookie.dropLast() + "A", signer: signer) == .forged)
        let other = Signer(secret: String(repeating: "z", count: 40))
        #expect(LiveRules.cookieState(cookie, signer: other) == .forged)
        // A signed value that is not a participant token.
        #expect(LiveRules.cookieState(LiveRules.cookie(token: "court", signer: signer), signer: signer) == .forged)
        #expect(LiveRules.forgedCookie.fr.contains("rien n'a été compté"))
    }

    @Test func anAddressGetsALimitedNumberOfNewParticipantsAnHour() async throws {
        try await UseCaseWorld.with([QuestionnairesModule(), EventsModule()]) { world in
            let limiter = RateLimiter()
            var participants: Set<String> = []
            for _ in 0..<3 {
                guard
                    case .issued(let cookie, let participant) = JoinLive.run(
                        address: "203.0.113.9", limit: 3, limiter: limiter, env: world.env)
                else { Issue.record("expected a participant"); return }
                guard case .valid(let token) = LiveRules.cookieState(cookie, signer: world.env.signer) else {
                    Issue.record("expected a signed cookie"); return
                }
                #expect(Tokens.sha256Hex(token) == participant)
                participants.insert(participant)
            }
            #expect(participants.count == 3)
            #expect(JoinLive.run(address: "203.0.113.9", limit: 3, limiter: limiter, env: world.env) == .tooMany)
            // Another address is not held back; an hour later this one is given new participants again.
            guard case .issued = JoinLive.run(address: "198.51.100.2", limit: 3, limiter: limiter, env: world.env)
            else { Issue.record("expected a participant"); return }
            world.clock.advance(by: LiveRules.newParticipantWindow + 1)
            guard case .issued = JoinLive.run(address: "203.0.113.9", limit: 3, limiter: limiter, env: world.env)
            else { Issue.record("expected a participant"); return }
        }
    }

    @Test func theDefaultsLetAFullRoomOnOneAddressTakePart() {
        // 300 participants on the venue's Wi-Fi, each voting twice in a minute, stay under both limits.
        #expect(LiveRules.newParticipantLimit >= 300)
        #expect(LiveRules.addressLimit >= 2 * 300)
        #expect(AppConfig().liveNewParticipantLimit == LiveRules.newParticipantLimit)
        #expect(AppConfig().liveAddressLimit == LiveRules.addressLimit)
    }
}
