import Foundation
import NIOConcurrencyHelpers

/// Counts events per key in a sliding window, in memory. Used to slow down password guessing
/// and sign-up floods. Each instance counts on its own (see docs/SECURITY.md).
public final class RateLimiter: Sendable {
    private let box = NIOLockedValueBox<[String: [Date]]>([:])
    /// How many keys are kept at most (memory under a flood).
    public let capacity: Int
    public init(capacity: Int = 100_000) { self.capacity = max(capacity, 10) }

    /// Whether `key` has had fewer than `limit` events in the last `window` seconds (does not count one).
    public func allows(_ key: String, limit: Int, window: TimeInterval, now: Date = Date()) -> Bool {
        box.withLockedValue { events in
            let recent = (events[key] ?? []).filter { now.timeIntervalSince($0) < window }
            events[key] = recent.isEmpty ? nil : recent
            return recent.count < limit
        }
    }

    public func record(_ key: String, now: Date = Date()) {
        box.withLockedValue { events in
            events[key, default: []].append(now)
            if events.count > capacity { Self.evict(&events, keeping: capacity * 9 / 10) }
        }
    }

    /// Makes room under a flood without forgetting who is being limited: the keys with the fewest
    /// events go first (a flood of new keys has one each), the oldest among them first. Emptying
    /// the table, as before, let whoever filled it reset the counter of the account they guess.
    static func evict(_ events: inout [String: [Date]], keeping: Int) {
        let excess = events.count - keeping
        guard excess > 0 else { return }
        struct Entry {
            let key: String
            let count: Int
            let last: Date
        }
        var order: [Entry] = []
        order.reserveCapacity(events.count)
        for (key, dates) in events {
            order.append(Entry(key: key, count: dates.count, last: dates.last ?? .distantPast))
        }
        order.sort { a, b in a.count != b.count ? a.count < b.count : a.last < b.last }
        for entry in order.prefix(excess) { events[entry.key] = nil }
    }

    /// How many keys are counted now (tests).
    public var keyCount: Int { box.withLockedValue { $0.count } }

    public func reset(_ key: String) {
        _ = box.withLockedValue { $0.removeValue(forKey: key) }
    }
}
