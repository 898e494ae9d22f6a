// KV-cached inference (llama2.c `forward`, batched over slots): `prefill` appends a prompt to one slot,
// `decodeStep` appends one token to each of several slots with one GEMM per weight matrix.
// Per decoded token nothing is allocated: `DecodeScratch` grows only when more slots or a longer cache appear.
import TensorEngine

/// Scratch for inference over R rows (prefill tokens or decode slots), grown on demand.
final class DecodeScratch {
    let rows: Int, keyCapacity: Int, workers: Int
    let workspace = Workspace()
    let x, normed, projection: UnsafeMutablePointer<Float>  // [R, C]
    let q, att: UnsafeMutablePointer<Float>                 // [R, H·D]
    let k, v: UnsafeMutablePointer<Float>                   // [R, Hkv·D]
    let gate, up: UnsafeMutablePointer<Float>               // [R, I]
    let positions: UnsafeMutablePointer<Int32>              // [R]
    let scores: UnsafeMutablePointer<Float>                 // [workers, R_attn · keyCapacity]
    let scoreStride: Int

    init(configuration cfg: LlamaConfiguration, rows: Int, keyCapacity: Int, attentionRows: Int) {
        self.rows = rows
        self.keyCapacity = keyCapacity
        workers = max(1, Parallel.threadCount)
        let ws = workspace
        x = ws.floats(rows * cfg.hiddenSize)
        normed = ws.floats(rows * cfg.hiddenSize)
        projection = ws.floats(rows * cfg.hiddenSize)
        q = ws.floats(rows * cfg.queryDim)
        att = ws.floats(rows * cfg.queryDim)
        k = ws.floats(rows * cfg.kvDim)
        v = ws.floats(rows * cfg.kvDim)
        gate = ws.floats(rows * cfg.intermediateSize)
        up = ws.floats(rows * cfg.intermediateSize)
        positions = ws.ints(rows)
        scoreStride = attentionRows * keyCapacity
        scores = ws.floats(workers * scoreStride)
    }
}

extension LlamaModel {
    /// Appends `tokens` to `slot` of `cache` and returns the logits after the last one.
    /// - Parameters:
    ///   - tokens: [T] prompt tokens (T ≥ 1); `cache.length(slot:) + T` must fit the cache capacity.
    ///   - slot: cache slot to extend.
    ///   - cache: the KV cache (built for this model's configuration).
    /// - Returns: [V] logits predicting the token after `tokens.last`.
    public func prefill(tokens: [Int32], slot: Int, cache: KVCache) -> [Float] {
        let cfg = configuration, t = tokens.count
        let start = cache.length(slot: slot)
        precondition(t >= 1, "prefill needs at least one token")
        precondition(start + t <= cache.capacity, "prefill: \(start) + \(t) tokens exceed the cache capacity \(cache.capacity)")
        cache.materialize(slot: slot)  // the prompt attention reads the slot's rows as one block
        let s = DecodeScratch(configuration: cfg, rows: t, keyCapacity: start + t, attentionRows: t)
        for i in 0..<t { s.positions[i] = Int32(start + i) }
        tokens.withUnsafeBufferPointer {
            embedTokens(s.x, $0.baseAddress!, rows: t)
        }
        for l in 0..<cfg.layerCount {
            let keys = cache.keyRows(layer: l, slot: slot), values = cache.valueRows(layer: l, slot: slot)
            layerProjections(l, s, rows: t)
            (keys + start * cfg.kvDim).update(from: s.k, count: t * cfg.kvDim)
            (values + start * cfg.kvDim).update(from: s.v, count: t * cfg.kvDim)
            let rep = cfg.headCount / cfg.kvHeadCount
            Parallel.forEach(cfg.headCount, maxWorkers: s.workers) { worker, head in
                cachedAttentionHead(s.att, s.q, keys, values, scratch: s.scores + worker * s.scoreStride, rows: t, start: start,
                                    head: head, kvHead: head / rep, headDim: cfg.headDim, queryStride: cfg.queryDim, kvStride: cfg.kvDim)
            }
            layerOutput(l, s, rows: t)
        }
        cache.advance(slot: slot, by: t)
        var logits = [Float](repeating: 0, count: cfg.vocabularySize)
        logits.withUnsafeMutableBufferPointer { headLogits($0.baseAddress!, s.x + (t - 1) * cfg.hiddenSize, s, rows: 1) }
        return logits
    }

    /// Appends one token to each listed slot and writes the next-token logits.
    /// - Parameters:
    ///   - tokens: [n] one token per slot.
    ///   - slots: [n] distinct slots of `cache`, each with room for one more position.
    ///   - cache: the KV cache.
    ///   - logits: [n, V] output; row i belongs to `slots[i]`.
    public func decodeStep(tokens: [Int32], slots: [Int], cache: KVCache, logits: UnsafeMutablePointer<Float>) {
        let cfg = configuration, n = tokens.count
        precondition(slots.count == n && n >= 1, "decodeStep needs one token per slot")
        if decodeScratch == nil || decodeScratch!.rows < n || decodeScratch!.keyCapacity < cache.capacity
            || decodeScratch!.workers < Parallel.threadCount {
            decodeScratch = DecodeScratch(configuration: cfg, rows: max(n, decodeScratch?.rows ?? 0),
                                          keyCapacity: cache.capacity, attentionRows: 1)
        }
        let s = decodeScratch!
        for i in 0..<n {
            let position = cache.length(slot: slots[i])
            precondition(position < cache.capacity, "decodeStep: slot \(slots[i]) is full (capacity \(cache.capacity))")
            s.positions[i] = Int32(position)
        }
        tokens.withUnsafeBufferPointer { embedTokens(s.x, $0.baseAddress!, rows: n) }
        let rep = cfg.headCount / cfg.kvHeadCount
        slots.withUnsafeBufferPointer { slotList in
            for l in 0..<cfg.layerCount {
                layerProjections(l, s, rows: n)
                for i in 0..<n {
                    let p = Int(s.positions[i])
                    (cache.keyRows(layer: l, slot: slotList[i]) + p * cfg.kvDim).update(from: s.k + i * cfg.kvDim, count: cfg.kvDim)
                    (cache.valueRows(layer: l, slot: slotList[i]) + p * cfg.kvDim).update(from: s.v + i * cfg.kvDim, count: cfg.kvDim)
                }
                // Sequences differ in length, so they are claimed dynamically. Samples of one prompt are adjacent
                // and read its keys and values from the slot that prefilled it, so after the first of them a
                // worker finds those rows in its cache.
                Parallel.forEach(n, maxWorkers: s.workers, schedule: .dynamic) { worker, i in
                    let slot = slotList[i]
                    let keys = cache.keyRows(layer: l, slot: slot), values = cache.valueRows(layer: l, slot: slot)
                    let shared = cache.sharedPrefix(of: slot)
                    let prefix = shared.map { (cache.keyRows(layer: l, slot: $0.lender), cache.valueRows(layer: l, slot: $0.lender)) }
                    for head in 0..<cfg.headCount {
                        decodeAttentionHead(s.att + i * cfg.queryDim, s.q + i * cfg.queryDim, keys, values,
                                            sharedKeys: prefix?.0, sharedValues: prefix?.1, sharedCount: shared?.count ?? 0,
                                            scratch: s.scores + worker * s.scoreStride, length: Int(s.positions[i]) + 1,
                                            head: head, kvHead: head / rep, headDim: cfg.headDim, kvStride: cfg.kvDim)
                    }
                }
                layerOutput(l, s, rows: n)
            }
        }
        for slot in slots { cache.advance(slot: slot, by: 1) }
        headLogits(logits, s.x, s, rows: n)
    }

    func embedTokens(_ x: UnsafeMutablePointer<Float>, _ tokens: UnsafePointer<Int32>, rows: Int) {
        for i in 0..<rows {
            precondition(tokens[i] >= 0 && Int(tokens[i]) < configuration.vocabularySize, "token \(tokens[i]) outside the vocabulary")
        }
        embeddingForward(x, tokens, weight(offsets.embedding), rows: rows, channels: configuration.hiddenSize)
    }

    /// input_layernorm, q/k/v projections and RoPE for `rows` rows of `s.x` at `s.positions`.
    func layerProjections(_ l: Int, _ s: DecodeScratch, rows: Int) {
        let cfg = configuration, w = offsets.layers[l], c = cfg.hiddenSize
        rmsnormForward(s.normed, nil, s.x, weight(w.inputNorm), rows: rows, channels: c, epsilon: cfg.rmsNormEpsilon)
        let panels = decodePanels?.layers[l]
        matmulForwardGroup(
            LinearProduct(out: s.q, weight: weight(w.q), bias: w.qBias.map { weight($0) }, outFeatures: cfg.queryDim, packed: panels?.q),
            LinearProduct(out: s.k, weight: weight(w.k), bias: w.kBias.map { weight($0) }, outFeatures: cfg.kvDim, packed: panels?.k),
            LinearProduct(out: s.v, weight: weight(w.v), bias: w.vBias.map { weight($0) }, outFeatures: cfg.kvDim, packed: panels?.v),
            input: s.normed, rows: rows, inFeatures: c)
        ropeForward(s.q, s.q, s.positions, rope, rows: rows, heads: cfg.headCount)
        ropeForward(s.k, s.k, s.positions, rope, rows: rows, heads: cfg.kvHeadCount)
    }

    /// o_proj + residual and the MLP block + residual, in place on `s.x`.
    func layerOutput(_ l: Int, _ s: DecodeScratch, rows: Int) {
        let cfg = configuration, w = offsets.layers[l], c = cfg.hiddenSize, i = cfg.intermediateSize
        let panels = decodePanels?.layers[l]
        matmulForwardGroup(LinearProduct(out: s.projection, weight: weight(w.o), bias: nil, outFeatures: c, packed: panels?.o),
                           input: s.att, rows: rows, inFeatures: cfg.queryDim)
        residualForward(s.x, s.x, s.projection, count: rows * c)
        rmsnormForward(s.normed, nil, s.x, weight(w.postNorm), rows: rows, channels: c, epsilon: cfg.rmsNormEpsilon)
        matmulForwardGroup(LinearProduct(out: s.gate, weight: weight(w.gate), bias: nil, outFeatures: i, packed: panels?.gate),
                           LinearProduct(out: s.up, weight: weight(w.up), bias: nil, outFeatures: i, packed: panels?.up),
                           input: s.normed, rows: rows, inFeatures: c)
        swigluForward(s.gate, s.gate, s.up, count: rows * i)
        matmulForwardGroup(LinearProduct(out: s.projection, weight: weight(w.down), bias: nil, outFeatures: c, packed: panels?.down),
                           input: s.gate, rows: rows, inFeatures: i)
        residualForward(s.x, s.x, s.projection, count: rows * c)
    }

    /// Final norm and LM head for `rows` hidden rows starting at `hidden`.
    func headLogits(_ logits: UnsafeMutablePointer<Float>, _ hidden: UnsafePointer<Float>, _ s: DecodeScratch, rows: Int) {
        let cfg = configuration
        rmsnormForward(s.normed, nil, hidden, weight(offsets.finalNorm), rows: rows, channels: cfg.hiddenSize, epsilon: cfg.rmsNormEpsilon)
        matmulForwardGroup(LinearProduct(out: logits, weight: weight(offsets.head), bias: nil, outFeatures: cfg.vocabularySize,
                                         packed: decodePanels?.head),
                           input: s.normed, rows: rows, inFeatures: cfg.hiddenSize)
    }
}
