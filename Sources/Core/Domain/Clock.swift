import Foundation
import NIOConcurrencyHelpers

/// What time it is, for every rule that depends on it (deadlines, waves, reminders, "past"
/// events, cache freshness). Injected through `AgoraServices.clock` so that tests move time
/// forward instead of sleeping; the server uses `SystemClock`.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only when told: `advance(by:)` or `set(_:)`.
public final class ManualClock: WallClock {
    private let box: NIOLockedValueBox<Date>
    public init(_ start: Date = Date()) { box = NIOLockedValueBox(start) }
    public var now: Date { box.withLockedValue { $0 } }
    public func advance(by seconds: TimeInterval) { box.withLockedValue { $0 += seconds } }
    public func set(_ date: Date) { box.withLockedValue { $0 = date } }
}
