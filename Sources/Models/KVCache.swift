// Preallocated key/value cache for inference (llama2.c RunState): run state, separate from weights.
// Layout per tensor: [L, slots, capacity, Hkv·D]; keys are stored after RoPE.
// A slot may share its first positions with another slot (`shareSlot`: G samples of one prompt read the
// prompt's keys and values from the slot that prefilled it, so a decode step streams them from memory once per
// worker instead of once per sample); it stores only the positions after the shared prefix. Whatever would
// overwrite a lender's shared rows (reset, copy or share into it) first copies them to its borrowers.
import TensorEngine

/// Keys and values of past positions for up to `slots` independent sequences.
///
/// A class: it owns large mutable buffers with identity. Not synchronised; use from one thread at a time.
public final class KVCache: @unchecked Sendable {
    /// Number of independent sequences.
    public let slots: Int
    /// Maximum positions per slot.
    public let capacity: Int
    /// L.
    public let layerCount: Int
    /// Hkv · D.
    public let kvDim: Int
    let keys: UnsafeMutablePointer<Float>
    let values: UnsafeMutablePointer<Float>
    private var lengths: [Int]
    /// Per slot: the slot whose first `count` positions it reads instead of its own rows, if any.
    private var borrowed: [(lender: Int, count: Int)?]

    /// Allocates a cache.
    /// - Parameters:
    ///   - configuration: the model's configuration (L, Hkv, D).
    ///   - slots: number of sequences (≥ 1).
    ///   - capacity: positions per sequence (≥ 1, ≤ max_position_embeddings).
    public init(configuration: LlamaConfiguration, slots: Int, capacity: Int) {
        precondition(slots >= 1 && capacity >= 1, "KVCache needs slots ≥ 1 and capacity ≥ 1")
        precondition(capacity <= configuration.maxPositionEmbeddings,
                     "KVCache capacity \(capacity) exceeds max_position_embeddings \(configuration.maxPositionEmbeddings)")
        self.slots = slots
        self.capacity = capacity
        self.layerCount = configuration.layerCount
        self.kvDim = configuration.kvDim
        let count = layerCount * slots * capacity * kvDim
        // Every decode step streams the cached rows of each sequence: huge pages (see `allocateStreamedMemory`).
        keys = allocateStreamedMemory(byteCount: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        values = allocateStreamedMemory(byteCount: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        lengths = [Int](repeating: 0, count: slots)
        borrowed = [(lender: Int, count: Int)?](repeating: nil, count: slots)
    }

    deinit {
        UnsafeMutableRawPointer(keys).deallocate()
        UnsafeMutableRawPointer(values).deallocate()
    }

    /// Number of positions stored for `slot`.
    public func length(slot: Int) -> Int { lengths[slot] }

    /// Forgets everything stored for `slot` (slots sharing its positions keep their own copy).
    public func reset(slot: Int) {
        releaseBorrowers(of: slot)
        borrowed[slot] = nil
        lengths[slot] = 0
    }

    /// Copies the stored positions of `source` into `destination` (e.g. one prefilled prompt for G samples).
    /// - Parameters: source: slot to copy. destination: slot overwritten.
    public func copySlot(_ source: Int, to destination: Int) {
        guard source != destination else { return }
        releaseBorrowers(of: destination)
        borrowed[destination] = nil
        let shared = borrowed[source]?.count ?? 0
        if let lender = borrowed[source]?.lender { copyRows(0..<shared, from: lender, to: destination) }
        copyRows(shared..<lengths[source], from: source, to: destination)
        lengths[destination] = lengths[source]
    }

    /// Makes `destination` read the positions stored so far in `source` from `source` itself, without copying
    /// them: observably the same as `copySlot`, and later positions of either slot stay its own. A source that
    /// itself shares another slot's positions is copied instead.
    /// - Parameters: source: the slot to share. destination: slot overwritten.
    public func shareSlot(_ source: Int, to destination: Int) {
        guard source != destination, borrowed[source] == nil else { return copySlot(source, to: destination) }
        releaseBorrowers(of: destination)
        borrowed[destination] = (source, lengths[source])
        lengths[destination] = lengths[source]
    }

    /// The slot whose first `count` positions `slot` reads (set by `shareSlot`), or nil if all its rows are its own.
    public func sharedPrefix(of slot: Int) -> (lender: Int, count: Int)? { borrowed[slot] }

    /// Gives `slot` its own copy of the positions it shares, so all of its rows `0..<length` are its own.
    func materialize(slot: Int) {
        guard let (lender, count) = borrowed[slot] else { return }
        copyRows(0..<count, from: lender, to: slot)
        borrowed[slot] = nil
    }

    /// Copies the keys and values of `positions` from `source`'s own rows to `destination`'s, in every layer.
    private func copyRows(_ positions: Range<Int>, from source: Int, to destination: Int) {
        let start = positions.lowerBound * kvDim, n = positions.count * kvDim
        for l in 0..<layerCount {
            (keyRows(layer: l, slot: destination) + start).update(from: keyRows(layer: l, slot: source) + start, count: n)
            (valueRows(layer: l, slot: destination) + start).update(from: valueRows(layer: l, slot: source) + start, count: n)
        }
    }

    /// Copies `slot`'s shared rows into every slot that reads them, before they are overwritten.
    private func releaseBorrowers(of slot: Int) {
        for other in 0..<slots where borrowed[other]?.lender == slot { materialize(slot: other) }
    }

    /// Keys of one slot in one layer: [capacity, Hkv·D].
    func keyRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        keys + ((layer * slots + slot) * capacity) * kvDim
    }

    /// Values of one slot in one layer: [capacity, Hkv·D].
    func valueRows(layer: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        values + ((layer * slots + slot) * capacity) * kvDim
    }

    func advance(slot: Int, by count: Int) { lengths[slot] += count }
}
