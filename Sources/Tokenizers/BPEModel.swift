// The byte-level BPE merge loop with a word cache. Knows nothing about added tokens or splitting.
//
// Merge order follows Hugging Face `tokenizers` (models/bpe/word.rs, `Word::merge_all`): repeatedly apply
// the adjacent pair with the lowest merge rank, the leftmost one on ties, until no pair has a rule.
import Foundation

/// Byte-level BPE over token ids: bytes start as the ids of their byte tokens and merge by rank.
final class BPEModel: @unchecked Sendable {
    /// Id of the token spelling each byte, or -1 when the vocabulary lacks it.
    let byteToId: [Int32]
    /// Merge rules by id pair.
    let merges: PairTable
    /// Whole-piece look-up used when `ignoreMerges` is set (Llama-3): a piece in the vocabulary is one token.
    private let vocabularyByBytes: ByteKeyTable
    let ignoreMerges: Bool
    let unknownId: Int32?

    /// Pieces with more symbols than this use the heap-based merge loop.
    static let longPieceThreshold = 48

    private let lock = NSLock()
    private var cache = ByteKeyTable(capacity: 1 << 17)

    /// Builds the model.
    /// - Parameters:
    ///   - byteToId: 256 entries, -1 for bytes without a token.
    ///   - merges: see the property.
    ///   - pieces: byte spelling and id of every byte-level piece (used only with `ignoreMerges`).
    ///   - ignoreMerges: look whole pieces up in the vocabulary before merging.
    ///   - unknownId: emitted for a byte without a token (dropped when `nil`, as Hugging Face does).
    init(byteToId: [Int32], merges: PairTable, pieces: [([UInt8], Int32)], ignoreMerges: Bool, unknownId: Int32?) {
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

    /// The merge loop for one piece (uncached): keeps the rank of every adjacent pair and, after each merge,
    /// looks up only the two pairs that changed.
    func merge(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.count)
        for byte in piece {
            let id = byteToId[Int(byte)]
            if id >= 0 { symbols.append(id) } else if let unknownId { symbols.append(unknownId) }
        }
        if symbols.count < 2 {
            ids.append(contentsOf: symbols)
            return
        }
        if symbols.count > Self.longPieceThreshold {
            mergeLong(&symbols, into: &ids)
            return
        }
        var ranks = [UInt32](repeating: .max, count: symbols.count - 1)
        var targets = [Int32](repeating: 0, count: symbols.count - 1)
        for i in 0..<symbols.count - 1 {
            (ranks[i], targets[i]) = merges.lookup(symbols[i], symbols[i + 1])
        }
        while !ranks.isEmpty {
            var best = 0
            var bestRank = ranks[0]
            for i in 1..<ranks.count where ranks[i] < bestRank {
                bestRank = ranks[i]
                best = i
            }
            if bestRank == .max { break }
            symbols[best] = targets[best]
            symbols.remove(at: best + 1)
            ranks.remove(at: best)
            targets.remove(at: best)
            if best > 0 { (ranks[best - 1], targets[best - 1]) = merges.lookup(symbols[best - 1], symbols[best]) }
            if best < ranks.count { (ranks[best], targets[best]) = merges.lookup(symbols[best], symbols[best + 1]) }
        }
        ids.append(contentsOf: symbols)
    }
}
