// Preallocated key/value cache for inference (llama2.c RunState): run state, separate from weights.
// Layout per tensor: [L, slots, capacity, Hkv·D]; keys are stored after RoPE.
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
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
        lengths = [Int](repeating: 0, count: slots)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Number of positions stored for `slot`.
    public func length(slot: Int) -> Int { lengths[slot] }

    /// Forgets everything stored for `slot`.
    public func reset(slot: Int) { lengths[slot] = 0 }

    /// Copies the stored positions of `source` into `destination` (e.g. one prefilled prompt for G samples).
    /// - Parameters: source: slot to copy. destination: slot overwritten.
    public func copySlot(_ source: Int, to destination: Int) {
        guard source != destination else { return }
        let n = lengths[source] * kvDim
        for l in 0..<layerCount {
            keyRows(layer: l, slot: destination).update(from: keyRows(layer: l, slot: source), count: n)
            valueRows(layer: l, slot: destination).update(from: valueRows(layer: l, slot: source), count: n)
        }
        lengths[destination] = lengths[source]
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
