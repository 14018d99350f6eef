import Foundation
import NIOConcurrencyHelpers

/// Counts events per key in a sliding window, in memory. Used to slow down password guessing
/// and sign-up floods. Each instance counts on its own (see docs/SECURITY.md).
public final class RateLimiter: Sendable {
    private let box = NIOLockedValueBox<[String: [Date]]>([:])
    public init() {}

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
            if events.count > 100_000 { events.removeAll() }  // bound memory under a flood
        }
    }

    public func reset(_ key: String) {
        _ = box.withLockedValue { $0.removeValue(forKey: key) }
    }
}
