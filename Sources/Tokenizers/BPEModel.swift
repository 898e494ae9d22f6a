// The byte-level BPE merge loop with a word cache. Knows nothing about added tokens or splitting.
//
// Merge order follows Hugging Face `tokenizers` (models/bpe/word.rs, `Word::merge_all`): repeatedly apply
// the adjacent pair with the lowest merge rank, the leftmost one on ties, until no pair has a rule.
import Foundation

/// Byte-level BPE over token ids: bytes start as the ids of their byte tokens and merge by rank.
final class BPEModel: @unchecked Sendable {
    /// Id of the token spelling each byte, or -1 when the vocabulary lacks it.
    let byteToId: [Int32]
    /// Merge rules keyed by `left << 32 | right`; the value is `rank << 32 | mergedId`.
    let merges: [UInt64: UInt64]
    /// Whole-piece look-up used when `ignoreMerges` is set (Llama-3): a piece in the vocabulary is one token.
    private let vocabularyByBytes: ByteKeyTable
    let ignoreMerges: Bool
    let unknownId: Int32?

    private let lock = NSLock()
    private var cache = ByteKeyTable(capacity: 1 << 17)

    /// Builds the model.
    /// - Parameters:
    ///   - byteToId: 256 entries, -1 for bytes without a token.
    ///   - merges: see the property.
    ///   - pieces: byte spelling and id of every byte-level piece (used only with `ignoreMerges`).
    ///   - ignoreMerges: look whole pieces up in the vocabulary before merging.
    ///   - unknownId: emitted for a byte without a token (dropped when `nil`, as Hugging Face does).
    init(byteToId: [Int32], merges: [UInt64: UInt64], pieces: [([UInt8], Int32)], ignoreMerges: Bool, unknownId: Int32?) {
        self.byteToId = byteToId
        self.merges = merges
        var table = ByteKeyTable(capacity: ignoreMerges ? max(pieces.count, 1) : 1)
        if ignoreMerges {
            for (bytes, id) in pieces {
                bytes.withUnsafeBufferPointer { table.insert($0, hash: ByteKeyTable.hash($0), value: CollectionOfOne(id)) }
            }
        }
        self.vocabularyByBytes = table
        self.ignoreMerges = ignoreMerges
        self.unknownId = unknownId
    }

    /// Appends the ids of one pre-tokenized piece.
    /// - Parameters:
    ///   - piece: the piece's raw bytes.
    ///   - ids: receives the ids.
    func encode(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        if piece.count == 1 {
            let id = byteToId[Int(piece[0])]
            if id >= 0 { ids.append(id) } else if let unknownId { ids.append(unknownId) }
            return
        }
        let hash = ByteKeyTable.hash(piece)
        if ignoreMerges, let id = vocabularyByBytes.first(piece, hash: hash) {
            ids.append(id)
            return
        }
        lock.lock()
        let hit = cache.lookup(piece, hash: hash, appendingTo: &ids)
        lock.unlock()
        if hit { return }
        let first = ids.count
        merge(piece, into: &ids)
        lock.lock()
        cache.insert(piece, hash: hash, value: ids[first...])
        lock.unlock()
    }

    /// The merge loop for one piece (uncached).
    func merge(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.count)
        for byte in piece {
            let id = byteToId[Int(byte)]
            if id >= 0 { symbols.append(id) } else if let unknownId { symbols.append(unknownId) }
        }
        while symbols.count > 1 {
            var bestRank = UInt64.max
            var bestPosition = -1
            var bestId: Int32 = 0
            var previous = UInt64(UInt32(bitPattern: symbols[0]))
            for position in 1..<symbols.count {
                let current = UInt64(UInt32(bitPattern: symbols[position]))
                if let rule = merges[previous << 32 | current] {
                    let rank = rule >> 32
                    if rank < bestRank {
                        bestRank = rank
                        bestPosition = position - 1
                        bestId = Int32(bitPattern: UInt32(truncatingIfNeeded: rule))
                    }
                }
                previous = current
            }
            if bestPosition < 0 { break }
            symbols[bestPosition] = bestId
            symbols.remove(at: bestPosition + 1)
        }
        ids.append(contentsOf: symbols)
    }
}
