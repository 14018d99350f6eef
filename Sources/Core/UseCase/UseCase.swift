import Fluent
import Foundation
import Vapor

/// Who does something: the person (nil when nobody is signed in), their roles in the territory
/// where it happens, and the language they read messages in. A use case decides from this, never
/// from a request.
public struct Actor: Sendable {
    public let personID: Int?
    public let name: String?
    public let email: String?
    public let roles: Set<Role>
    public let lang: Lang

    public init(personID: Int?, name: String? = nil, email: String? = nil, roles: Set<Role>, lang: Lang = .fr) {
        self.personID = personID
        self.name = name
        self.email = email
        self.roles = roles
        self.lang = lang
    }

    /// The person of a territory route.
    public init(_ scope: TerritoryScope) {
        self.init(
            personID: scope.viewer?.personID, name: scope.viewer?.displayName, email: scope.viewer?.email,
            roles: scope.roles, lang: scope.lang)
    }

    /// The person of a territory route for signed-in people.
    public init(_ scope: MemberScope) {
        self.init(
            personID: scope.personID, name: scope.viewer.displayName, email: scope.viewer.email,
            roles: scope.roles, lang: scope.lang)
    }

    public var isSignedIn: Bool { personID != nil }
    public func t(_ text: Text) -> String { text.in(lang) }
}

/// What a use case may reach besides its input and its actor: the database, the clock, the
/// writes that arrive in bursts (`GroupCommit`), and what makes the links and signatures its
/// mails carry. Built from the request by `Request.useCases`, or by hand in tests.
public struct UseCaseEnvironment: Sendable {
    public let db: any Database
    public let clock: any WallClock
    public let writes: GroupCommit
    public let baseURL: String
    public let signer: Signer
    /// Where a use case says, once committed, that what a room shows in a territory changed.
    public let changes: ChangeFeed
    /// A territory of the instance by its id (for a use case that crosses territories, such as
    /// an account's erasure).
    public let territory: @Sendable (Int) -> TerritoryInfo?
    /// The address mails come from (`SMTP_FROM`; without SMTP, `ne-pas-repondre@` the public
    /// host): the `ORGANIZER` of the invitations mails carry.
    public let sender: String

    public init(
        db: any Database, clock: any WallClock, writes: GroupCommit, baseURL: String, signer: Signer,
        changes: ChangeFeed = ChangeFeed(), territory: @escaping @Sendable (Int) -> TerritoryInfo? = { _ in nil },
        sender: String? = nil
    ) {
        self.sender = sender ?? ("ne-pas-repondre@" + (URLComponents(string: baseURL)?.host ?? "agora-sante.invalid"))
        self.db = db
        self.clock = clock
        self.writes = writes
        self.baseURL = baseURL
        self.signer = signer
        self.changes = changes
        self.territory = territory
    }

    public var now: Date { clock.now }

    /// What `room` shows in `territoryID` changed (call after the transaction committed).
    public func changed(_ room: String, territoryID: Int) {
        changes.publish(Change(room: room, territoryID: territoryID))
    }
}

extension Request {
    /// The environment of the use cases this request runs.
    public var useCases: UseCaseEnvironment { application.useCases(on: db) }
}

extension Application {
    /// The environment of use cases run outside a request (commands, periodic tasks).
    public func useCases(on db: (any Database)? = nil) -> UseCaseEnvironment {
        let services = agora
        return UseCaseEnvironment(
            db: db ?? self.db, clock: services.clock, writes: services.writes, baseURL: services.config.baseURL,
            signer: services.signer, changes: services.changes,
            territory: { services.territories.find(id: $0) }, sender: services.config.smtp?.from)
    }
}
