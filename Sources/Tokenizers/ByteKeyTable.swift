// An open-addressing hash table from byte strings to short id lists, stored in flat arenas.
// Used for the BPE word cache and the whole-piece vocabulary look-up; avoids allocating a key per query
// and keeps a probe to one 8-byte slot (hash tag + entry index) until the tag matches.

/// Byte string → `[Int32]` map with no per-entry allocation (keys and values live in two arenas).
struct ByteKeyTable {
    private struct Entry {
        var keyStart: Int32
        var keyLength: Int32
        var valueStart: Int32
        var valueCount: Int32
    }

    /// `tag << 32 | (entry + 1)`; 0 marks an empty slot. The table doubles when half full.
    private var slots: [UInt64]
    private var entries: [Entry] = []
    private var keyBytes: [UInt8] = []
    private var values: [Int32] = []
    private var mask: Int
    /// Maximum number of entries; inserts beyond it are ignored.
    let capacity: Int

    var count: Int { entries.count }

    /// Creates an empty table holding at most `capacity` entries.
    init(capacity: Int) {
        slots = [UInt64](repeating: 0, count: 1024)
        mask = 1023
        self.capacity = capacity
    }

    /// FNV-1a over the bytes, then a final avalanche so all bits are well mixed.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }

    /// The entry index for `key` (or -1) and the slot where it is or would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (entry: Int, slot: Int) {
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                keyBytes.withUnsafeBufferPointer { arena in
                    while true {
                        let word = slots[slot]
                        if word == 0 { return (-1, slot) }
                        if word >> 32 == tag {
                            let entry = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                            let info = entries[entry]
                            if Int(info.keyLength) == key.count {
                                let start = Int(info.keyStart)
                                var i = 0
                                while i < key.count && arena[start + i] == key[i] { i += 1 }
                                if i == key.count { return (entry, slot) }
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Appends the value stored for `key` to `out`; returns false when absent.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, appendingTo out: inout [Int32]) -> Bool {
        let (entry, _) = probe(key, hash: hash)
        if entry < 0 { return false }
        let info = entries[entry]
        let start = Int(info.valueStart)
        if info.valueCount == 1 {
            out.append(values[start])
        } else {
            out.append(contentsOf: values[start..<start + Int(info.valueCount)])
        }
        return true
    }

    /// The first id stored for `key`, or `nil`.
    @inline(__always)
    func first(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let (entry, _) = probe(key, hash: hash)
        return entry < 0 ? nil : values[Int(entries[entry].valueStart)]
    }

    /// Stores `value` for `key` unless the table is full or the key is present.
    mutating func insert<C: Collection>(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: C)
    where C.Element == Int32 {
        guard count < capacity else { return }
        if (count + 1) * 2 > slots.count { grow() }
        let (entry, slot) = probe(key, hash: hash)
        if entry >= 0 { return }
        slots[slot] = (hash >> 32) << 32 | UInt64(entries.count + 1)
        entries.append(Entry(keyStart: Int32(keyBytes.count), keyLength: Int32(key.count),
                             valueStart: Int32(values.count), valueCount: Int32(value.count)))
        keyBytes.append(contentsOf: key)
        values.append(contentsOf: value)
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        keyBytes.withUnsafeBufferPointer { arena in
            for (index, info) in entries.enumerated() {
                let key = UnsafeBufferPointer(rebasing: arena[Int(info.keyStart)..<Int(info.keyStart + info.keyLength)])
                let hash = ByteKeyTable.hash(key)
                var slot = Int(truncatingIfNeeded: hash) & newMask
                while fresh[slot] != 0 { slot = (slot + 1) & newMask }
                fresh[slot] = (hash >> 32) << 32 | UInt64(index + 1)
            }
        }
        slots = fresh
        mask = newMask
    }
}
