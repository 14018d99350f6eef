/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, well-mixed generator whose whole
/// state is one seed, so that a sequence can be replayed by anyone from the published seed (the
/// committees' draw by lot) or kept the same from run to run (the questionnaires' simulated answers).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound without modulo bias (rejection sampling).
    public mutating func below(_ bound: Int) -> Int {
        let bound = UInt64(bound)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = next()
            if value < limit { return Int(value % bound) }
        }
    }
}
