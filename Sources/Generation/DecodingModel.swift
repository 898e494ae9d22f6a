// DecodingModel: the narrow interface the generator needs from a causal language model with a slotted
// KV cache (prefill one prompt into a slot, copy a slot, decode one token for many slots at once).
// Token ids only: no tokenizer, no sampling, no training.

/// A causal language model that decodes incrementally from a cache with independent slots.
///
/// A slot holds one sequence's keys and values. The generator prefills each prompt once into a slot,
/// copies that slot to the prompt's other samples, then calls `decodeStep` with one new token per live
/// sequence. `LlamaModel` conforms (see `LlamaModel+DecodingModel.swift`); a test double or another
/// engine can conform too.
///
/// Rows of `decodeStep` must not depend on each other: the logits for a slot are a function of that
/// slot's tokens only, which is what makes batched generation equal to one-by-one generation.
public protocol DecodingModel: AnyObject {
    /// The cache type holding per-slot state.
    associatedtype Cache

    /// V, the number of logits per position.
    var vocabularySize: Int { get }

    /// The largest number of positions (prompt + generated) a sequence may occupy, or `nil` if unbounded.
    var maximumSequenceLength: Int? { get }

    /// Allocates a cache.
    /// - Parameters:
    ///   - slots: number of independent sequences it holds.
    ///   - capacity: positions per slot.
    /// - Returns: an empty cache (every slot has length 0).
    func makeCache(slots: Int, capacity: Int) -> Cache

    /// Empties one slot so that a new sequence can be prefilled into it.
    /// - Parameters:
    ///   - cache: the cache.
    ///   - slot: the slot index, in `0..<slots`.
    func resetSlot(_ cache: Cache, slot: Int)

    /// Runs a prompt through the model, appending its keys/values to the slot.
    /// - Parameters:
    ///   - tokens: the prompt, `[T]`, `T >= 1`, ids in `0..<V`.
    ///   - slot: the slot to fill.
    ///   - cache: the cache.
    /// - Returns: the logits of the last position, `[V]`.
    func prefill(tokens: [Int32], slot: Int, cache: Cache) -> [Float]

    /// Feeds one token to each of `n` slots and writes the next-token logits.
    /// - Parameters:
    ///   - tokens: one token per sequence, `[n]`.
    ///   - slots: the slot of each sequence, `[n]`, distinct.
    ///   - cache: the cache; each slot grows by one position.
    ///   - logits: destination, `[n, V]` row-major.
    func decodeStep(tokens: [Int32], slots: [Int], cache: Cache, logits: UnsafeMutablePointer<Float>)

    /// Makes slot `to` an exact copy of slot `from` (same length, same keys and values).
    /// - Parameters:
    ///   - cache: the cache.
    ///   - from: the source slot.
    ///   - to: the destination slot.
    func copySlot(_ cache: Cache, from: Int, to: Int)

    /// Called before a generation call's prefills and decode steps; the weights do not change until
    /// `endDecoding()`, so a model may prepare a faster layout of them here.
    func beginDecoding()

    /// Called when the generation call is done (also when it throws).
    func endDecoding()
}

extension DecodingModel {
    /// Nothing to prepare by default.
    public func beginDecoding() {}

    /// Nothing to release by default.
    public func endDecoding() {}
}

extension DecodingModel {
    /// No limit unless the model says otherwise.
    public var maximumSequenceLength: Int? { nil }
}
