// LoRA on a LlamaModel: attach/detach an adapter, the trainable parameter set the optimizer should use,
// log-probabilities with the adapter off (the frozen reference for β > 0, without a second model),
// merging for inference (exact and reversible: W0 is kept aside) and merging for good (export).
import TensorEngine

extension LlamaModel {
    /// The attached LoRA adapter, or nil.
    public var adapter: LoRAAdapter? { loraAdapter }

    /// Attaches an adapter: from now on the training forward adds s·B·A·dropout(x) to the wrapped
    /// projections, the backward writes gradients only into `adapter.gradients` (the base weights are frozen
    /// and their gradient buffer is never touched), and `trainableParameters` is the adapter's buffer.
    /// - Parameter adapter: an adapter built for this model's configuration.
    /// - Throws: `LoRAError.modelMismatch` when the configurations differ or an adapter is already attached.
    public func attachAdapter(_ adapter: LoRAAdapter) throws {
        guard adapter.modelConfiguration == configuration else {
            throw LoRAError.modelMismatch(reason: "the adapter was built for a model with hidden_size \(adapter.modelConfiguration.hiddenSize), "
                                          + "\(adapter.modelConfiguration.layerCount) layers; this model has hidden_size "
                                          + "\(configuration.hiddenSize), \(configuration.layerCount) layers (or another setting differs)")
        }
        guard loraAdapter == nil else { throw LoRAError.modelMismatch(reason: "an adapter is already attached; detach it first") }
        loraAdapter = adapter
        loraActivations = nil
        loraScoring = nil
        training = nil
        isAdapterEnabled = true
    }

    /// Detaches the adapter (restoring W0 first if it is merged for inference).
    /// - Returns: the adapter that was attached, or nil.
    @discardableResult
    public func detachAdapter() -> LoRAAdapter? {
        if isAdapterMergedForInference { restoreWeightsAfterInference() }
        let adapter = loraAdapter
        loraAdapter = nil
        loraActivations = nil
        loraScoring = nil
        training = nil
        return adapter
    }

    /// The parameters an optimizer should update: the adapter's A and B when one is attached, else all weights.
    public var trainableParameters: ParameterBuffer { loraAdapter?.parameters ?? parameters }

    /// Gradients matching `trainableParameters` (what `backward(logProbGradient:)` accumulates into).
    public var trainableGradients: ParameterBuffer { loraAdapter?.gradients ?? gradients }

    /// Log-probabilities with the adapter switched off, i.e. under the frozen base weights — the reference
    /// policy of a LoRA run. Like `tokenLogProbs(_, keepActivations: false)` it uses the scoring buffers, so it
    /// may run between the policy's training forward and its backward.
    /// - Parameters: batch: tokens [B, T]. temperature: τ.
    /// - Returns: [B·T] log-probabilities, 0 where `targetMask` is 0.
    public func tokenLogProbsWithoutAdapter(_ batch: TokenBatch, temperature: Float = 1) -> [Float] {
        let enabled = isAdapterEnabled
        isAdapterEnabled = false
        defer { isAdapterEnabled = enabled }
        return tokenLogProbs(batch, temperature: temperature, keepActivations: false)
    }

    /// Writes W0 + s·B·A into the wrapped weights so KV-cached inference (`prefill`, `decodeStep`, samplers)
    /// runs the adapted model; W0 is saved aside and `restoreWeightsAfterInference()` puts it back bit for bit.
    /// Exact at inference, where dropout is off. No-op without an adapter or when already merged.
    public func mergeAdapterForInference() {
        guard let adapter = loraAdapter, isAdapterEnabled, !isAdapterMergedForInference else { return }
        let entries = adaptedWeightEntries(adapter)
        let total = entries.reduce(0) { $0 + $1.count }
        if loraMergeBackup.count != total { loraMergeBackup = [Float](repeating: 0, count: total) }
        loraMergeBackup.withUnsafeMutableBufferPointer { backup in
            var at = 0
            for entry in entries {
                (backup.baseAddress! + at).update(from: parameters.pointer + entry.offset, count: entry.count)
                adapter.addDelta(into: parameters.pointer + entry.offset, slot: entry.slot, sign: 1)
                at += entry.count
            }
        }
        isAdapterMergedForInference = true
        releaseDecodePanels()  // packed from W0, if kept
    }

    /// Puts back the W0 saved by `mergeAdapterForInference()` (no-op when not merged).
    public func restoreWeightsAfterInference() {
        guard isAdapterMergedForInference, let adapter = loraAdapter else { isAdapterMergedForInference = false; return }
        loraMergeBackup.withUnsafeBufferPointer { backup in
            var at = 0
            for entry in adaptedWeightEntries(adapter) {
                (parameters.pointer + entry.offset).update(from: backup.baseAddress! + at, count: entry.count)
                at += entry.count
            }
        }
        isAdapterMergedForInference = false
        releaseDecodePanels()  // packed from the merged weights, if kept
    }

    /// Runs `body` with the adapter merged for inference, restoring W0 afterwards (also when `body` throws).
    /// - Parameter body: the inference work (e.g. sampling).
    /// - Returns: what `body` returns.
    public func withAdapterMergedForInference<R>(_ body: () throws -> R) rethrows -> R {
        let merged = !isAdapterMergedForInference && loraAdapter != nil && isAdapterEnabled
        if merged { mergeAdapterForInference() }
        defer { if merged { restoreWeightsAfterInference() } }
        return try body()
    }

    /// Merges the adapter into the base weights for good (W ← W0 + s·B·A) and detaches it, e.g. before export.
    /// - Returns: the adapter that was merged.
    /// - Throws: `LoRAError.noAdapter` when none is attached.
    @discardableResult
    public func mergeAndDetachAdapter() throws -> LoRAAdapter {
        guard let adapter = loraAdapter else { throw LoRAError.noAdapter(operation: "mergeAndDetachAdapter()") }
        if isAdapterMergedForInference { restoreWeightsAfterInference() }
        for entry in adaptedWeightEntries(adapter) {
            adapter.addDelta(into: parameters.pointer + entry.offset, slot: entry.slot, sign: 1)
        }
        releaseDecodePanels()
        detachAdapter()
        return adapter
    }

    /// The base weights an adapter wraps: offset, size and slot, in adapter order.
    private func adaptedWeightEntries(_ adapter: LoRAAdapter) -> [(offset: Int, count: Int, slot: LoRASlot)] {
        var result: [(offset: Int, count: Int, slot: LoRASlot)] = []
        for l in 0..<configuration.layerCount {
            let w = offsets.layers[l]
            for target in adapter.targets {
                guard let slot = adapter.slot(layer: l, target: target) else { continue }
                let offset: Int
                switch target {
                case .q: offset = w.q
                case .k: offset = w.k
                case .v: offset = w.v
                case .o: offset = w.o
                case .gate: offset = w.gate
                case .up: offset = w.up
                case .down: offset = w.down
                }
                result.append((offset, slot.inFeatures * slot.outFeatures, slot))
            }
        }
        return result
    }
}
