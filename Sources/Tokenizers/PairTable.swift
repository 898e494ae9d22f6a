// Merge rules as an open-addressing hash table keyed by a token-id pair: one multiply per look-up
// instead of SipHash, since the merge loop performs a look-up for every adjacent pair it (re)examines.

/// `(left, right)` token ids → `(rank, merged id)`.
struct PairTable: Sendable {
    private var keys: [UInt64]  // left << 32 | right, UInt64.max when empty
    private var ranks: [UInt32]
    private var merged: [Int32]
    private let shift: UInt64
    private let mask: Int

    /// Number of rules stored.
    private(set) var count = 0

    /// An empty table sized for `capacity` rules at a load factor of at most one half.
    init(capacity: Int) {
        var bits: UInt64 = 4
        while (1 << bits) < capacity * 2 { bits += 1 }
        let size = 1 << Int(bits)
        keys = [UInt64](repeating: .max, count: size)
        ranks = [UInt32](repeating: 0, count: size)
        merged = [Int32](repeating: 0, count: size)
        shift = 64 - bits
        mask = size - 1
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds a rule unless the pair already has one (the first, lowest-rank rule wins).
    mutating func insert(left: Int32, right: Int32, rank: UInt32, merged id: Int32) {
        let key = Self.key(left, right)
        var index = slot(for: key)
        while keys[index] != .max {
            if keys[index] == key { return }
            index = (index + 1) & mask
        }
        keys[index] = key
        ranks[index] = rank
        merged[index] = id
        count += 1
    }

    /// The rule for a pair: its rank (`UInt32.max` when there is none) and merged id.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32) {
        let key = Self.key(left, right)
        return keys.withUnsafeBufferPointer { keys in
            var index = slot(for: key)
            while true {
                let stored = keys[index]
                if stored == key { return (ranks[index], merged[index]) }
                if stored == .max { return (.max, 0) }
                index = (index + 1) & mask
            }
        }
    }
}
