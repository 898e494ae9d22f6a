// Training forward over [B, T] and the backward pass (llm.c gpt2_forward / gpt2_backward): the backward
// calls the primitives' backward functions in reverse order and accumulates into `gradients`.
// The LM head runs only at positions whose next token is targeted, in chunks of `headChunk` rows; the
// backward recomputes each chunk's logits instead of storing [M, V].
import TensorEngine

extension LlamaModel {
    /// Rows of the LM head computed together (bounds the [rows, V] logits scratch).
    static let headChunk = 128

    /// log p(tokens[b, t] | tokens[b, <t]) at temperature τ for every targeted position. In a packed row
    /// (`TokenBatch(packing:)`) the condition is the shared prefix and the token's own continuation.
    ///
    /// - Parameters:
    ///   - batch: tokens [B, T] with masks; `targetMask` selects positions (t ≥ 1).
    ///   - temperature: τ; log-probabilities are of softmax(logits / τ).
    ///   - keepActivations: keep what `backward(logProbGradient:)` needs (memory ∝ L·B·T·(C + I + H·T)).
    ///     The next forward with `keepActivations: true` replaces the kept activations; forwards without
    ///     (scoring, `logits(_:)`) use separate buffers and leave them intact.
    /// - Returns: [B·T] log-probabilities, 0 where `targetMask` is 0.
    public func tokenLogProbs(_ batch: TokenBatch, temperature: Float = 1, keepActivations: Bool) -> [Float] {
        tokenLogProbsAndEntropies(batch, temperature: temperature, keepActivations: keepActivations).logProbs
    }

    /// Like `tokenLogProbs`, plus the entropy (nats) of each targeted position's predictive distribution
    /// softmax(logits / τ) — the distribution the token at that position was drawn from.
    /// - Parameters: as `tokenLogProbs(_:temperature:keepActivations:)`.
    /// - Returns: `logProbs` and `entropies`, each [B·T], 0 where `targetMask` is 0.
    public func tokenLogProbsAndEntropies(
        _ batch: TokenBatch, temperature: Float = 1, keepActivations: Bool
    ) -> (logProbs: [Float], entropies: [Float]) {
        precondition(temperature > 0, "temperature must be positive")
        let state = forwardHidden(batch, keep: keepActivations)
        let t = batch.length
        var rows: [Int] = [], targets: [Int32] = [], positions: [Int] = []
        for b in 0..<batch.batch {
            for i in 1..<max(1, t) where batch.targetMask[b * t + i] != 0 {
                rows.append(b * t + batch.predictingPosition(row: b, position: i))
                targets.append(batch.tokens[b * t + i])
                positions.append(b * t + i)
            }
        }
        state.temperature = temperature
        let (logProbs, entropies) = headForward(state, rows: rows, targets: targets, keep: keepActivations)
        state.headPositions = positions
        var result = [Float](repeating: 0, count: batch.tokens.count), entropy = result
        for (m, position) in positions.enumerated() {
            result[position] = logProbs[m]
            entropy[position] = entropies[m]
        }
        state.hasActivations = keepActivations
        return (result, entropy)
    }

    /// Logits at every position (for evaluation and tests; [B·T, V] is large for real vocabularies).
    /// - Parameter batch: tokens [B, T] with attention mask.
    /// - Returns: [B·T, V] logits; row b·T + t predicts token t + 1.
    public func logits(_ batch: TokenBatch) -> [Float] {
        let state = forwardHidden(batch, keep: false)
        let n = batch.tokens.count, c = configuration.hiddenSize, v = configuration.vocabularySize
        let normed = UnsafeMutablePointer<Float>.allocate(capacity: n * c)
        defer { normed.deallocate() }
        rmsnormForward(normed, nil, state.residual(configuration.layerCount), weight(offsets.finalNorm),
                       rows: n, channels: c, epsilon: configuration.rmsNormEpsilon)
        var out = [Float](repeating: 0, count: n * v)
        out.withUnsafeMutableBufferPointer {
            matmulForward($0.baseAddress!, normed, weight(offsets.head), nil, rows: n, inFeatures: c, outFeatures: v)
        }
        state.hasActivations = false
        return out
    }

    /// Runs embedding and all decoder layers; the last residual holds the final hidden states.
    func forwardHidden(_ batch: TokenBatch, keep: Bool) -> TrainingState {
        let cfg = configuration
        let state: TrainingState
        // Kept (training) and unkept (scoring) forwards use separate buffers: a scoring forward between a
        // training forward and its backward leaves the kept activations intact.
        if let existing = keep ? training : scoring, existing.batch == batch.batch, existing.length == batch.length {
            state = existing
        } else {
            let previous = keep ? training : scoring
            if keep { training = nil } else { scoring = nil }
            state = TrainingState(configuration: cfg, batch: batch.batch, length: batch.length, keep: keep, reusing: previous)
            if keep { training = state } else { scoring = state }
        }
        state.hasActivations = false
        let n = batch.tokens.count, c = cfg.hiddenSize
        let positions = batch.rotaryPositions()
        for i in 0..<n {
            let token = batch.tokens[i]
            precondition(token >= 0 && Int(token) < cfg.vocabularySize, "token \(token) outside vocabulary 0..<\(cfg.vocabularySize)")
            state.tokens[i] = token
            state.keyMask[i] = batch.attentionMask[i]
            state.positions[i] = min(positions[i], Int32(cfg.maxPositionEmbeddings - 1))
            state.segmentStarts[i] = batch.segmentStarts[i]
        }
        for b in 0..<batch.batch { state.sharedPrefix[b] = batch.sharedPrefixLengths[b] }
        state.isPacked = batch.isPacked
        let lora = prepareAdapterPath(rows: n, keep: keep)
        embeddingForward(state.residual(0), state.tokens, weight(offsets.embedding), rows: n, channels: c)
        for l in 0..<cfg.layerCount { layerForward(l, state, lora) }
        return state
    }

    private func layerForward(_ l: Int, _ s: TrainingState, _ lora: LoRAActivations?) {
        let cfg = configuration, w = offsets.layers[l], a = s.layer(l)
        let n = s.batch * s.length, c = cfg.hiddenSize, i = cfg.intermediateSize
        let x = s.residual(l), out = s.residual(l + 1)
        rmsnormForward(a.ln1, a.rstd1, x, weight(w.inputNorm), rows: n, channels: c, epsilon: cfg.rmsNormEpsilon)
        matmulForward(a.q, a.ln1, weight(w.q), w.qBias.map { weight($0) }, rows: n, inFeatures: c, outFeatures: cfg.queryDim)
        matmulForward(a.k, a.ln1, weight(w.k), w.kBias.map { weight($0) }, rows: n, inFeatures: c, outFeatures: cfg.kvDim)
        matmulForward(a.v, a.ln1, weight(w.v), w.vBias.map { weight($0) }, rows: n, inFeatures: c, outFeatures: cfg.kvDim)
        if let lora {
            adapterForward(.q, layer: l, input: a.ln1, output: a.q, lora)
            adapterForward(.k, layer: l, input: a.ln1, output: a.k, lora)
            adapterForward(.v, layer: l, input: a.ln1, output: a.v, lora)
        }
        ropeForward(a.q, a.q, s.positions, rope, rows: n, heads: cfg.headCount)
        ropeForward(a.k, a.k, s.positions, rope, rows: n, heads: cfg.kvHeadCount)
        attentionForward(a.att, nil, a.q, a.k, a.v, s.keyMask, segmentStarts: s.isPacked ? UnsafePointer(s.segmentStarts) : nil,
                         sharedPrefix: s.isPacked ? UnsafePointer(s.sharedPrefix) : nil, batch: s.batch, length: s.length,
                         heads: cfg.headCount, kvHeads: cfg.kvHeadCount, headDim: cfg.headDim)
        matmulForward(s.projection, a.att, weight(w.o), nil, rows: n, inFeatures: cfg.queryDim, outFeatures: c)
        if let lora { adapterForward(.o, layer: l, input: a.att, output: s.projection, lora) }
        residualForward(a.mid, x, s.projection, count: n * c)
        rmsnormForward(a.ln2, a.rstd2, a.mid, weight(w.postNorm), rows: n, channels: c, epsilon: cfg.rmsNormEpsilon)
        matmulForward(a.gate, a.ln2, weight(w.gate), nil, rows: n, inFeatures: c, outFeatures: i)
        matmulForward(a.up, a.ln2, weight(w.up), nil, rows: n, inFeatures: c, outFeatures: i)
        if let lora {
            adapterForward(.gate, layer: l, input: a.ln2, output: a.gate, lora)
            adapterForward(.up, layer: l, input: a.ln2, output: a.up, lora)
        }
        swigluForward(s.hidden, a.gate, a.up, count: n * i)
        matmulForward(s.projection, s.hidden, weight(w.down), nil, rows: n, inFeatures: i, outFeatures: c)
        if let lora { adapterForward(.down, layer: l, input: s.hidden, output: s.projection, lora) }
        residualForward(out, a.mid, s.projection, count: n * c)
    }

    /// Final norm + LM head + log-prob gather at `rows` (indices into [N]) for `targets`.
    private func headForward(_ s: TrainingState, rows: [Int], targets: [Int32], keep: Bool) -> ([Float], [Float]) {
        let cfg = configuration, c = cfg.hiddenSize, v = cfg.vocabularySize, m = rows.count
        let ws = s.headWorkspace
        ws.rewind()  // the previous head pass's buffers of this state are no longer read
        let gathered = ws.floats(m * c), input = ws.floats(m * c), rstd = ws.floats(m)
        let final = s.residual(cfg.layerCount)
        for (j, row) in rows.enumerated() { (gathered + j * c).update(from: final + row * c, count: c) }
        rmsnormForward(input, rstd, gathered, weight(offsets.finalNorm), rows: m, channels: c, epsilon: cfg.rmsNormEpsilon)
        var logProbs = [Float](repeating: 0, count: m), lse = [Float](repeating: 0, count: m), entropies = lse
        let chunk = Self.headChunk
        let keepLogits = keep && m * v <= keptLogitsBudget
        let allLogits = keepLogits ? ws.floats(m * v) : ws.floats(min(chunk, max(1, m)) * v)
        targets.withUnsafeBufferPointer { targetsPointer in
            var start = 0
            while start < m {
                let count = min(chunk, m - start)
                let logits = keepLogits ? allLogits + start * v : allLogits
                matmulForward(logits, input + start * c, weight(offsets.head), nil, rows: count, inFeatures: c, outFeatures: v)
                logProbs.withUnsafeMutableBufferPointer { lp in
                    lse.withUnsafeMutableBufferPointer { ls in
                        entropies.withUnsafeMutableBufferPointer { en in
                            tokenLogProbForward(lp.baseAddress! + start, ls.baseAddress! + start, en.baseAddress! + start, logits,
                                                targetsPointer.baseAddress! + start, temperature: s.temperature,
                                                rows: count, vocabulary: v)
                        }
                    }
                }
                start += count
            }
        }
        s.headRows = rows
        s.headTargets = targets
        s.headLogSumExp = lse
        s.headInput = input
        s.headRstd = rstd
        s.headLogits = keepLogits ? allLogits : nil
        _ = gathered
        return (logProbs, entropies)
    }

    /// Accumulates dLoss/dθ into `trainableGradients`, given dLoss/dlogp per position of the last
    /// `tokenLogProbs(_, keepActivations: true)` call. With a LoRA adapter attached only the adapter's A and B
    /// get gradients: the frozen weights' gradient work (dW of every GEMM, norms, embedding) is skipped.
    /// - Parameter logProbGradient: [B·T]; entries at untargeted positions are ignored.
    public func backward(logProbGradient: [Float]) {
        guard let s = training, s.hasActivations, s.keep else {
            preconditionFailure("backward(logProbGradient:) needs a preceding tokenLogProbs(_, keepActivations: true)")
        }
        precondition(logProbGradient.count == s.batch * s.length, "logProbGradient has \(logProbGradient.count) entries, need B·T = \(s.batch * s.length)")
        let cfg = configuration
        let grads: UnsafeMutablePointer<Float>? = loraAdapter == nil ? gradients.pointer : nil
        let lora = loraActivations.flatMap { $0.active ? $0 : nil }
        let n = s.batch * s.length, c = cfg.hiddenSize, v = cfg.vocabularySize, m = s.headRows.count
        let ws = backwardWorkspace
        ws.rewind()
        let dresidual = ws.floats(n * c)
        // LM head and final norm, chunk by chunk, recomputing logits.
        if m > 0, let input = s.headInput, let rstd = s.headRstd {
            let chunk = Self.headChunk
            let stored = s.headLogits
            let scratchLogits = stored == nil ? ws.floats(min(chunk, m) * v) : nil
            let dlogits = ws.floats(min(chunk, m) * v)
            let dinput = ws.floats(m * c), dgathered = ws.floats(m * c), gathered = ws.floats(m * c)
            let upstream = s.headPositions.map { logProbGradient[$0] }
            upstream.withUnsafeBufferPointer { g in
                s.headTargets.withUnsafeBufferPointer { targets in
                    s.headLogSumExp.withUnsafeBufferPointer { lse in
                        var start = 0
                        while start < m {
                            let count = min(chunk, m - start)
                            let logits: UnsafeMutablePointer<Float>
                            if let stored {
                                logits = stored + start * v
                            } else {
                                logits = scratchLogits!
                                matmulForward(logits, input + start * c, weight(offsets.head), nil, rows: count, inFeatures: c, outFeatures: v)
                            }
                            dlogits.update(repeating: 0, count: count * v)
                            tokenLogProbBackward(dlogits, g.baseAddress! + start, logits, lse.baseAddress! + start,
                                                 targets.baseAddress! + start, temperature: s.temperature, rows: count, vocabulary: v)
                            matmulBackward(dinput + start * c, grads.map { $0 + offsets.head }, nil, dlogits, input + start * c,
                                           weight(offsets.head), rows: count, inFeatures: c, outFeatures: v)
                            start += count
                        }
                    }
                }
            }
            let final = s.residual(cfg.layerCount)
            for (j, row) in s.headRows.enumerated() { (gathered + j * c).update(from: final + row * c, count: c) }
            rmsnormBackward(dgathered, grads.map { $0 + offsets.finalNorm }, dinput, gathered, weight(offsets.finalNorm), rstd,
                            rows: m, channels: c)
            for (j, row) in s.headRows.enumerated() { addInPlace(dresidual + row * c, dgathered + j * c, count: c) }
        }
        let scratch = BackwardScratch(configuration: cfg, rows: n, workspace: ws)
        for l in stride(from: cfg.layerCount - 1, through: 0, by: -1) { layerBackward(l, s, dresidual, scratch, grads, lora) }
        if let grads { embeddingBackward(grads + offsets.embedding, dresidual, s.tokens, rows: n, channels: c) }
    }

    /// Backward of one decoder layer; `g` is the base gradient buffer (nil when frozen under an adapter),
    /// `lora` the adapter activations when the forward ran the adapter.
    private func layerBackward(_ l: Int, _ s: TrainingState, _ dresidual: UnsafeMutablePointer<Float>, _ d: BackwardScratch,
                               _ g: UnsafeMutablePointer<Float>?, _ lora: LoRAActivations?) {
        let cfg = configuration, w = offsets.layers[l], a = s.layer(l)
        let n = s.batch * s.length, c = cfg.hiddenSize, i = cfg.intermediateSize, qd = cfg.queryDim, kvd = cfg.kvDim
        func dW(_ offset: Int) -> UnsafeMutablePointer<Float>? { g.map { $0 + offset } }
        // MLP: out = mid + down(swiglu(gate(ln2), up(ln2))); dresidual is dL/dout and becomes dL/dmid.
        swigluForward(s.hidden, a.gate, a.up, count: n * i)
        d.hidden.update(repeating: 0, count: n * i)
        matmulBackward(d.hidden, dW(w.down), nil, dresidual, s.hidden, weight(w.down), rows: n, inFeatures: i, outFeatures: c)
        if let lora { adapterBackward(.down, layer: l, input: s.hidden, dinput: d.hidden, doutput: dresidual, lora) }
        d.gate.update(repeating: 0, count: n * i)
        d.up.update(repeating: 0, count: n * i)
        swigluBackward(d.gate, d.up, d.hidden, a.gate, a.up, count: n * i)
        d.normed.update(repeating: 0, count: n * c)
        matmulBackward(d.normed, dW(w.gate), nil, d.gate, a.ln2, weight(w.gate), rows: n, inFeatures: c, outFeatures: i)
        matmulBackward(d.normed, dW(w.up), nil, d.up, a.ln2, weight(w.up), rows: n, inFeatures: c, outFeatures: i)
        if let lora {
            adapterBackward(.gate, layer: l, input: a.ln2, dinput: d.normed, doutput: d.gate, lora)
            adapterBackward(.up, layer: l, input: a.ln2, dinput: d.normed, doutput: d.up, lora)
        }
        rmsnormBackward(dresidual, dW(w.postNorm), d.normed, a.mid, weight(w.postNorm), a.rstd2, rows: n, channels: c)
        // Attention: mid = x + o(attention(rope(q(ln1)), rope(k(ln1)), v(ln1))); dresidual becomes dL/dx.
        d.att.update(repeating: 0, count: n * qd)
        matmulBackward(d.att, dW(w.o), nil, dresidual, a.att, weight(w.o), rows: n, inFeatures: qd, outFeatures: c)
        if let lora { adapterBackward(.o, layer: l, input: a.att, dinput: d.att, doutput: dresidual, lora) }
        d.q.update(repeating: 0, count: n * qd)
        d.k.update(repeating: 0, count: n * kvd)
        d.v.update(repeating: 0, count: n * kvd)
        attentionBackward(d.q, d.k, d.v, d.att, a.q, a.k, a.v, s.keyMask, segmentStarts: s.isPacked ? UnsafePointer(s.segmentStarts) : nil,
                          sharedPrefix: s.isPacked ? UnsafePointer(s.sharedPrefix) : nil, batch: s.batch, length: s.length,
                          heads: cfg.headCount, kvHeads: cfg.kvHeadCount, headDim: cfg.headDim)
        d.qPre.update(repeating: 0, count: n * qd)
        d.kPre.update(repeating: 0, count: n * kvd)
        ropeBackward(d.qPre, d.q, s.positions, rope, rows: n, heads: cfg.headCount)
        ropeBackward(d.kPre, d.k, s.positions, rope, rows: n, heads: cfg.kvHeadCount)
        d.normed.update(repeating: 0, count: n * c)
        matmulBackward(d.normed, dW(w.q), w.qBias.flatMap(dW), d.qPre, a.ln1, weight(w.q), rows: n, inFeatures: c, outFeatures: qd)
        matmulBackward(d.normed, dW(w.k), w.kBias.flatMap(dW), d.kPre, a.ln1, weight(w.k), rows: n, inFeatures: c, outFeatures: kvd)
        matmulBackward(d.normed, dW(w.v), w.vBias.flatMap(dW), d.v, a.ln1, weight(w.v), rows: n, inFeatures: c, outFeatures: kvd)
        if let lora {
            adapterBackward(.q, layer: l, input: a.ln1, dinput: d.normed, doutput: d.qPre, lora)
            adapterBackward(.k, layer: l, input: a.ln1, dinput: d.normed, doutput: d.kPre, lora)
            adapterBackward(.v, layer: l, input: a.ln1, dinput: d.normed, doutput: d.v, lora)
        }
        rmsnormBackward(dresidual, dW(w.inputNorm), d.normed, s.residual(l), weight(w.inputNorm), a.rstd1, rows: n, channels: c)
    }
}

/// Gradient scratch shared by all layers of one backward. N = B·T.
struct BackwardScratch {
    let hidden, gate, up: UnsafeMutablePointer<Float>  // [N, I]
    let normed: UnsafeMutablePointer<Float>            // [N, C]
    let att, q, qPre: UnsafeMutablePointer<Float>      // [N, H·D]
    let k, kPre, v: UnsafeMutablePointer<Float>        // [N, Hkv·D]

    init(configuration cfg: LlamaConfiguration, rows n: Int, workspace ws: Workspace) {
        hidden = ws.floats(n * cfg.intermediateSize)
        gate = ws.floats(n * cfg.intermediateSize)
        up = ws.floats(n * cfg.intermediateSize)
        normed = ws.floats(n * cfg.hiddenSize)
        att = ws.floats(n * cfg.queryDim)
        q = ws.floats(n * cfg.queryDim)
        qPre = ws.floats(n * cfg.queryDim)
        k = ws.floats(n * cfg.kvDim)
        kPre = ws.floats(n * cfg.kvDim)
        v = ws.floats(n * cfg.kvDim)
    }
}
