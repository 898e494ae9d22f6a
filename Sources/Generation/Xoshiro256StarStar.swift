// Xoshiro256StarStar: the seeded, portable random number generator used by sampling.
// It follows the published algorithm (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// https://prng.di.unimi.it/xoshiro256starstar.c) and seeds through SplitMix64 (https://prng.di.unimi.it/splitmix64.c),
// so a seed gives the same stream on every platform and run. Not cryptographic.

/// The xoshiro256** generator: 256 bits of state, 64-bit outputs, period 2^256 − 1.
///
/// Streams for different completions are derived from `(seed, promptIndex, sampleIndex)` with
/// `init(seed:stream:)`, so a completion's tokens do not depend on which other completions share its batch.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 42, stream: [3, 1])   // prompt 3, sample 1
/// let u = rng.nextUnitDouble()                              // in [0, 1)
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable, Hashable {
    /// The four state words (never all zero).
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state with four successive SplitMix64 outputs starting from `seed`.
    /// - Parameter seed: any 64-bit value (zero is fine: SplitMix64 never yields four zero words).
    public init(seed: UInt64) {
        var mixer = seed
        state = (
            Self.splitMix64(&mixer), Self.splitMix64(&mixer),
            Self.splitMix64(&mixer), Self.splitMix64(&mixer)
        )
    }

    /// Seeds an independent stream identified by a list of indices (e.g. `[promptIndex, sampleIndex]`).
    ///
    /// The key starts as `finalize(seed)` and folds each index in order as
    /// `key = finalize((key ^ UInt64(bitPattern: index)) &+ 0x9E3779B97F4A7C15)`, where `finalize` is
    /// SplitMix64's output function; the result seeds `init(seed:)`.
    /// - Parameters:
    ///   - seed: the user seed.
    ///   - stream: stream indices; order matters.
    public init(seed: UInt64, stream: [Int]) {
        var key = Self.finalize(seed)
        for index in stream {
            key = Self.finalize((key ^ UInt64(bitPattern: Int64(index))) &+ 0x9E37_79B9_7F4A_7C15)
        }
        self.init(seed: key)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.state.0 == rhs.state.0 && lhs.state.1 == rhs.state.1 && lhs.state.2 == rhs.state.2 && lhs.state.3 == rhs.state.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }

    /// The next 64-bit output.
    /// - Returns: a uniformly distributed `UInt64`.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform double in `[0, 1)` from the top 53 bits of the next output.
    /// - Returns: `Double(next() >> 11) * 2^-53`.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// SplitMix64 step: advances `x` by the golden-ratio increment and returns the mixed value.
    static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        return finalize(x)
    }

    /// SplitMix64's output function (a bijective 64-bit mixer).
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
