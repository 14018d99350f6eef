import Foundation
import NIOConcurrencyHelpers

/// The territories of the instance, kept in memory. Writes call `reload`; a slug that is not
/// known triggers at most one reload every few seconds, so territories created by another
/// process (the `demo` command, another instance) appear without a restart.
public final class TerritoryDirectory: Sendable {
    public typealias Loader = @Sendable () async throws -> [TerritoryInfo]

    private struct State {
        var bySlug: [String: TerritoryInfo] = [:]
        var byID: [Int: TerritoryInfo] = [:]
        var ordered: [TerritoryInfo] = []
        var lastLoad: Date = .distantPast
        var fragments: [String: HTML] = [:]
    }
    private let state = NIOLockedValueBox(State())
    private let loader: Loader
    private let missReloadInterval: TimeInterval

    public init(missReloadInterval: TimeInterval = 5, loader: @escaping Loader) {
        self.loader = loader
        self.missReloadInterval = missReloadInterval
    }

    public func reload() async throws {
        let territories = try await loader()
        state.withLockedValue { state in
            state.ordered = territories.sorted { $0.name < $1.name }
            state.bySlug = Dictionary(territories.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
            state.byID = Dictionary(territories.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            state.lastLoad = Date()
            state.fragments = [:]
        }
    }

    /// A piece of page that depends only on the territories (e.g. a territory's table of
    /// communes in one language): rendered once, kept until the next reload.
    public func fragment(_ key: String, render: () -> HTML) -> HTML {
        if let cached = state.withLockedValue({ $0.fragments[key] }) { return cached }
        let html = render()
        state.withLockedValue { $0.fragments[key] = html }
        return html
    }

    public var all: [TerritoryInfo] { state.withLockedValue { $0.ordered } }
    public func find(id: Int) -> TerritoryInfo? { state.withLockedValue { $0.byID[id] } }

    public func find(slug: String) async throws -> TerritoryInfo? {
        let (found, stale) = state.withLockedValue { state in
            (state.bySlug[slug], Date().timeIntervalSince(state.lastLoad) > missReloadInterval)
        }
        if let found { return found }
        guard stale, ReservedSlugs.isAcceptable(slug) else { return nil }
        try await reload()
        return state.withLockedValue { $0.bySlug[slug] }
    }
}
