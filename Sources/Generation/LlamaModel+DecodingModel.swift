// LlamaModel+DecodingModel: lets BatchGenerator drive the local Llama engine (Sources/Models) through its
// slotted KVCache. A thin adapter: all the work is in LlamaModel.prefill/decodeStep and KVCache.

import Models

extension LlamaModel: DecodingModel {
    /// V, from the configuration.
    public var vocabularySize: Int { configuration.vocabularySize }

    /// `max_position_embeddings` of the configuration.
    public var maximumSequenceLength: Int? { configuration.maxPositionEmbeddings }

    /// A KV cache for this model's configuration.
    /// - Parameters:
    ///   - slots: independent sequences.
    ///   - capacity: positions per slot.
    /// - Returns: an empty `KVCache`.
    public func makeCache(slots: Int, capacity: Int) -> KVCache {
        KVCache(configuration: configuration, slots: slots, capacity: capacity)
    }

    /// Empties a slot.
    /// - Parameters:
    ///   - cache: the cache.
    ///   - slot: the slot to empty.
    public func resetSlot(_ cache: KVCache, slot: Int) { cache.reset(slot: slot) }

    /// Gives slot `to` the keys, values and length of slot `from` by sharing them (`KVCache.shareSlot`:
    /// no copy; `to` reads the prompt's rows from `from`, and each slot's later positions are its own).
    /// - Parameters:
    ///   - cache: the cache.
    ///   - from: source slot.
    ///   - to: destination slot.
    public func copySlot(_ cache: KVCache, from: Int, to: Int) { cache.shareSlot(from, to: to) }

    /// Packs the weights into decode panels for the call (`prepareDecodePanels()`).
    public func beginDecoding() { prepareDecodePanels() }

    /// Drops the decode panels (unless `keepsDecodePanels` keeps them for the next call).
    public func endDecoding() { finishDecodePanelUse() }
}
