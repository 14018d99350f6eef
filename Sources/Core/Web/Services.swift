import Vapor
import NIOConcurrencyHelpers

/// The person behind a request, as read from their session.
public struct Viewer: Sendable, Equatable {
    public let personID: Int
    public let displayName: String
    public let email: String?
    public let rolesByTerritory: [Int: Set<Role>]
    public let sessionID: String

    public init(
        personID: Int, displayName: String, email: String?, rolesByTerritory: [Int: Set<Role>], sessionID: String
    ) {
        self.personID = personID; self.displayName = displayName; self.email = email
        self.rolesByTerritory = rolesByTerritory; self.sessionID = sessionID
    }

    public func roles(in territoryID: Int) -> Set<Role> { rolesByTerritory[territoryID] ?? [] }
}

/// A link a feature module adds to the main navigation.
public struct NavEntry: Sendable {
    public let label: Text
    /// The link for this visit, or nil when this visitor should not see it.
    public let link: @Sendable (Visit) -> String?
    public init(label: Text, link: @escaping @Sendable (Visit) -> String?) { self.label = label; self.link = link }
}

/// Reads the viewer of a session token (nil when the session is unknown or expired).
public protocol ViewerResolving: Sendable {
    func viewer(sessionToken: String, request: Request) async throws -> Viewer?
}

/// Everything the platform shares across requests, built once at start-up.
public final class AgoraServices: Sendable {
    public let config: AppConfig
    public let signer: Signer
    public let territories: TerritoryDirectory
    public let catalog = RouteCatalog()
    public let rateLimiter = RateLimiter()
    private let navBox = NIOLockedValueBox<[NavEntry]>([])
    private let resolverBox = NIOLockedValueBox<(any ViewerResolving)?>(nil)
    public let assets: StaticAssets
    /// Write transactions committed together on SQLite (one writer), each alone on PostgreSQL.
    public let writes: GroupCommit
    /// What time it is (a `ManualClock` in tests).
    public let clock: any WallClock
    /// The versions of what each room shows in each territory; a use case publishes its changes here.
    public let changes = ChangeFeed()
    /// Anonymous visitors' pages, each dropped by the next change of its room in its territory.
    public let pages: PageCache

    public init(
        config: AppConfig, secret: String, territories: TerritoryDirectory, assets: StaticAssets,
        batchedWrites: Bool = false, clock: any WallClock = SystemClock()
    ) {
        self.config = config
        self.clock = clock
        self.writes = GroupCommit(batching: batchedWrites)
        self.signer = Signer(secret: secret)
        self.territories = territories
        self.assets = assets
        self.pages = PageCache(feed: changes)
    }

    public var navigation: [NavEntry] { navBox.withLockedValue { $0 } }
    public func addNavigation(_ entries: [NavEntry]) { navBox.withLockedValue { $0 += entries } }

    /// The accounts room's reader of sessions. A protocol value, not a closure: a closure kept in
    /// a generic box is re-abstracted at each read and write, and a stack of such thunks made
    /// every signed-in request hold hundreds of async frames while it waited (docs/PERFORMANCE.md).
    public var viewerResolver: (any ViewerResolving)? { resolverBox.withLockedValue { $0 } }
    public func setViewerResolver(_ resolver: any ViewerResolving) { resolverBox.withLockedValue { $0 = resolver } }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = AgoraServices }
    public var agora: AgoraServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("AgoraServices used before configure(app)")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    public var agora: AgoraServices { application.agora }
    /// The time of the injected clock.
    public var now: Date { application.agora.clock.now }
}

/// Every route with what it requires, so the authorization matrix test can walk them all.
public final class RouteCatalog: Sendable {
    public struct Entry: Sendable {
        public let method: HTTPMethod
        public let path: String
        public let access: Access
        public var isTerritoryScoped: Bool { path.hasPrefix("/:territory") }
    }
    private let box = NIOLockedValueBox<[Entry]>([])
    public init() {}
    public var entries: [Entry] { box.withLockedValue { $0 } }
    func add(_ entry: Entry) { box.withLockedValue { $0.append(entry) } }
}
