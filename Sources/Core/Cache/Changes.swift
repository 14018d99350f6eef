import Foundation
import NIOConcurrencyHelpers

/// What changed: a room's content in a territory (a proposal published, an event edited…).
public struct Change: Sendable, Hashable, CustomStringConvertible {
    public let room: String
    public let territoryID: Int
    public init(room: String, territoryID: Int) {
        self.room = room
        self.territoryID = territoryID
    }
    public var description: String { "\(room)@\(territoryID)" }
}

/// The versions of what every room shows in every territory, and who listens to their changes.
///
/// A use case that changes what a room shows publishes a `Change` once its transaction has
/// committed; the change raises that room's version in that territory, and every cache built at
/// an older version stops serving what it built. A version only goes up, so an event received
/// twice or late does no harm: this is what a bus between several instances would carry
/// (`receive(_:version:)` takes a version raised elsewhere).
public final class ChangeFeed: Sendable {
    public typealias Listener = @Sendable (Change, Int) -> Void
    private let versions = NIOLockedValueBox<[Change: Int]>([:])
    private let listeners = NIOLockedValueBox<[String: [Listener]]>([:])

    public init() {}

    /// The current version of a room in a territory (0 before any change).
    public func version(of change: Change) -> Int { versions.withLockedValue { $0[change] ?? 0 } }

    /// This instance changed `change.room` in `change.territoryID`: its version goes up by one.
    @discardableResult
    public func publish(_ change: Change) -> Int {
        let version = versions.withLockedValue { store -> Int in
            let next = (store[change] ?? 0) + 1
            store[change] = next
            return next
        }
        notify(change, version)
        return version
    }

    /// A change made elsewhere, at `version`: taken when it is newer than the one known here.
    public func receive(_ change: Change, version: Int) {
        let newer = versions.withLockedValue { store -> Bool in
            guard version > (store[change] ?? 0) else { return false }
            store[change] = version
            return true
        }
        if newer { notify(change, version) }
    }

    /// Calls `listener` after each change of `room` (read models that rebuild on a change).
    public func listen(room: String, _ listener: @escaping Listener) {
        listeners.withLockedValue { $0[room, default: []].append(listener) }
    }

    private func notify(_ change: Change, _ version: Int) {
        for listener in listeners.withLockedValue({ $0[change.room] ?? [] }) { listener(change, version) }
    }
}

/// Whole pages as anonymous visitors see them (they hold nothing personal), by room, territory
/// and key (language and canonical address), each kept with the version of its room at the time
/// it was built: after a change of that room in that territory (`ChangeFeed`), it is built
/// again. `lifetime` bounds how long a page is served at all (a change made on another instance
/// that no bus carried is then seen within it). When a kept page grows old, the first request
/// to see it builds the next one while the others are still served the old one: a busy page is
/// never built by every request at once.
public final class PageCache: Sendable {
    struct Entry: Sendable {
        var version: Int
        var at: Date
        var value: String
    }

    public let feed: ChangeFeed
    public let lifetime: TimeInterval
    public let capacity: Int
    private let entries = NIOLockedValueBox<[Change: [String: Entry]]>([:])

    public init(feed: ChangeFeed, lifetime: TimeInterval = 2, capacity: Int = 1000) {
        self.feed = feed
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The kept page for `key` of `change`'s room and territory, or the one `build` makes (kept
    /// when not nil).
    public func value(
        _ change: Change, key: String, now: Date, build: () async throws -> String?
    ) async throws -> String? {
        let version = feed.version(of: change)
        let kept = entries.withLockedValue { store -> String? in
            guard let hit = store[change]?[key] else { return nil }
            if hit.version == version, now.timeIntervalSince(hit.at) < lifetime { return hit.value }
            if hit.version == version {
                store[change]?[key]?.at = now  // this request rebuilds; the others keep the old one meanwhile
                return nil
            }
            store[change]?[key] = nil
            return nil
        }
        if let kept { return kept }
        guard let fresh = try await build() else {
            entries.withLockedValue { _ = $0[change]?.removeValue(forKey: key) }
            return nil
        }
        entries.withLockedValue { store in
            var pages = store[change, default: [:]]
            if pages.count >= capacity { pages.removeAll(keepingCapacity: true) }
            pages[key] = Entry(version: version, at: now, value: fresh)
            store[change] = pages
        }
        return fresh
    }

    /// How many pages are kept for a room in a territory (tests).
    public func count(_ change: Change) -> Int { entries.withLockedValue { $0[change]?.count ?? 0 } }
}
