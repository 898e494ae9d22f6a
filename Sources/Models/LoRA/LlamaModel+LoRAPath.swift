// The adapter path inside the training forward/backward: y += s·B·(A·dropout(x)) after a wrapped
// projection y = W0·x, and its backward, which accumulates only into the adapter's gradients
// (dB += s·dyᵀ·h, dA += dhᵀ·u with dh = s·dy·B) and adds the input gradient dropout'(du) to dx.
import TensorEngine

extension LlamaModel {
    /// Prepares the adapter activations for a forward over `rows` rows (called by `forwardHidden`).
    /// - Returns: the activations, or nil when no adapter runs in this forward.
    func prepareAdapterPath(rows n: Int, keep: Bool) -> LoRAActivations? {
        guard let adapter = loraAdapter, isAdapterEnabled else {
            if keep { loraActivations?.active = false }
            return nil
        }
        precondition(!isAdapterMergedForInference,
                     "training forward with the adapter merged for inference; call restoreWeightsAfterInference() first")
        let state: LoRAActivations
        // Like TrainingState: one set for kept (training) forwards, one for scoring forwards.
        if let existing = keep ? loraActivations : loraScoring, existing.rows == n, existing.adapter == ObjectIdentifier(adapter) {
            state = existing
        } else {
            if keep { loraActivations = nil } else { loraScoring = nil }
            state = LoRAActivations(adapter: adapter, rows: n, keep: keep)
            if keep { loraActivations = state } else { loraScoring = state }
        }
        state.active = true
        state.dropout = keep && adapter.configuration.dropout > 0
        if state.dropout {
            state.maskSeed = adapter.seed &* 0x9E37_79B9_7F4A_7C15 ^ adapter.dropoutStep
            adapter.dropoutStep &+= 1
        }
        return state
    }

    /// y += s·B·A·dropout(x) for one wrapped projection (no-op when `target` is not wrapped).
    /// - Parameters: x [N, in]; y [N, out].
    func adapterForward(_ target: LoRATarget, layer: Int, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                        _ state: LoRAActivations) {
        guard let adapter = loraAdapter, let slot = adapter.slot(layer: layer, target: target) else { return }
        let n = state.rows, r = state.rank, inF = slot.inFeatures, outF = slot.outFeatures
        let u = adapterInput(x, target: target, layer: layer, inFeatures: inF, adapter: adapter, state)
        let h = state.hidden(layer: layer, target: target)
        matmulForward(h, u, adapter.parameters.pointer + slot.a, nil, rows: n, inFeatures: inF, outFeatures: r)
        matmulForward(state.output, h, adapter.parameters.pointer + slot.b, nil, rows: n, inFeatures: r, outFeatures: outF)
        scaledAdd(y, state.output, adapter.scale, count: n * outF)
    }

    /// Backward of `adapterForward`: accumulates dA, dB into the adapter's gradients and dx += dropout'(du).
    /// - Parameters: x [N, in] the forward input; dx [N, in]; dy [N, out] = dL/dy.
    func adapterBackward(_ target: LoRATarget, layer: Int, input x: UnsafePointer<Float>, dinput dx: UnsafeMutablePointer<Float>,
                         doutput dy: UnsafePointer<Float>, _ state: LoRAActivations) {
        guard let adapter = loraAdapter, let slot = adapter.slot(layer: layer, target: target) else { return }
        let n = state.rows, r = state.rank, inF = slot.inFeatures, outF = slot.outFeatures
        let params = adapter.parameters.pointer, grads = adapter.gradients.pointer
        let h = state.hidden(layer: layer, target: target)
        let dys = state.output
        dys.update(repeating: 0, count: n * outF)
        scaledAdd(dys, dy, adapter.scale, count: n * outF)
        state.dhidden.update(repeating: 0, count: n * r)
        matmulBackward(state.dhidden, grads + slot.b, nil, dys, h, params + slot.b, rows: n, inFeatures: r, outFeatures: outF)
        let u = adapterInput(x, target: target, layer: layer, inFeatures: inF, adapter: adapter, state)
        let du = state.dinput
        du.update(repeating: 0, count: n * inF)
        matmulBackward(du, grads + slot.a, nil, state.dhidden, u, params + slot.a, rows: n, inFeatures: inF, outFeatures: r)
        if state.dropout {
            let p = Float(adapter.configuration.dropout), keepScale = 1 / (1 - p)
            let seed = loraMaskSeed(state.maskSeed, layer: layer, target: target)
            for i in 0..<(n * inF) {
                dx[i] += du[i] * loraDropoutMultiplier(seed: seed, index: i, probability: p, keepScale: keepScale)
            }
        } else {
            addInPlace(dx, du, count: n * inF)
        }
    }

    /// dropout(x) into the scratch (or x itself without dropout).
    private func adapterInput(_ x: UnsafePointer<Float>, target: LoRATarget, layer: Int, inFeatures: Int, adapter: LoRAAdapter,
                              _ state: LoRAActivations) -> UnsafePointer<Float> {
        guard state.dropout else { return x }
        let p = Float(adapter.configuration.dropout), keepScale = 1 / (1 - p)
        let seed = loraMaskSeed(state.maskSeed, layer: layer, target: target)
        for i in 0..<(state.rows * inFeatures) {
            state.input[i] = x[i] * loraDropoutMultiplier(seed: seed, index: i, probability: p, keepScale: keepScale)
        }
        return UnsafePointer(state.input)
    }
}

/// y += a·x over `count` floats.
@inline(__always) func scaledAdd(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ a: Float, count: Int) {
    for i in 0..<count { y[i] = y[i].addingProduct(a, x[i]) }
}
