// Log-probabilities of several continuations of one shared prefix (a GRPO group: G completions of one
// prompt) through the KV-cached inference path: the prefix runs once, its keys and values are copied to every
// continuation's cache slot, and all continuation tokens then run together, one GEMM per weight matrix over
// the rows of every continuation, with no padded positions. The training forward (`tokenLogProbs`) would
// instead run the prompt again for each of the G sequences and pad all of them to the longest.
import TensorEngine

extension LlamaModel {
    /// log p(c[i] | prefix, c[<i]) at temperature τ for every token of every continuation c, computing the
    /// prefix once. Forward only; the weights used are those of the inference path (an attached LoRA adapter
    /// is ignored unless merged, so under LoRA this scores with the base model).
    /// - Parameters:
    ///   - prefix: the shared prompt tokens (at least one).
    ///   - continuations: G token sequences that follow `prefix` (each may be empty).
    ///   - temperature: τ > 0; log-probabilities are of softmax(logits / τ).
    /// - Returns: per continuation, one log-probability per token, in order.
    public func continuationLogProbs(prefix: [Int32], continuations: [[Int32]], temperature: Float = 1) -> [[Float]] {
        precondition(!prefix.isEmpty, "continuationLogProbs needs a non-empty prefix")
        precondition(temperature > 0, "temperature must be positive")
        let cfg = configuration, v = cfg.vocabularySize, c = cfg.hiddenSize
        let g = continuations.count
        var result = continuations.map { [Float](repeating: 0, count: $0.count) }
        guard let longest = continuations.map(\.count).max(), longest > 0 else { return result }
        let p = prefix.count
        let cache = KVCache(configuration: cfg, slots: g, capacity: p + longest)
        // The prefix once; its last logits score every continuation's first token.
        var firstLogits = prefill(tokens: prefix, slot: 0, cache: cache)
        for j in 1..<g { cache.copySlot(0, to: j) }
        firstLogits.withUnsafeMutableBufferPointer { logits in
            for j in 0..<g where !continuations[j].isEmpty {
                var target = continuations[j][0], logProb: Float = 0
                tokenLogProbForward(&logProb, nil, nil, logits.baseAddress!, &target, temperature: temperature, rows: 1, vocabulary: v)
                result[j][0] = logProb
            }
        }
        // Every continuation token but the last (whose output predicts nothing asked for) as one row batch.
        var segments: [(slot: Int, row: Int, count: Int)] = []
        var tokens: [Int32] = [], targets: [Int32] = []
        for (j, continuation) in continuations.enumerated() where continuation.count > 1 {
            segments.append((j, tokens.count, continuation.count - 1))
            tokens += continuation.dropLast()
            targets += continuation.dropFirst()
        }
        let rows = tokens.count
        guard rows > 0 else { return result }
        let s = DecodeScratch(configuration: cfg, rows: rows, keyCapacity: cache.capacity, attentionRows: longest)
        for segment in segments {
            for i in 0..<segment.count { s.positions[segment.row + i] = Int32(p + i) }
        }
        tokens.withUnsafeBufferPointer { embedTokens(s.x, $0.baseAddress!, rows: rows) }
        let rep = cfg.headCount / cfg.kvHeadCount, kvd = cfg.kvDim, qd = cfg.queryDim
        for l in 0..<cfg.layerCount {
            layerProjections(l, s, rows: rows)
            for segment in segments {
                (cache.keyRows(layer: l, slot: segment.slot) + p * kvd).update(from: s.k + segment.row * kvd, count: segment.count * kvd)
                (cache.valueRows(layer: l, slot: segment.slot) + p * kvd).update(from: s.v + segment.row * kvd, count: segment.count * kvd)
            }
            Parallel.forEach(segments.count * cfg.headCount, maxWorkers: s.workers) { worker, item in
                let segment = segments[item / cfg.headCount], head = item % cfg.headCount
                cachedAttentionHead(s.att + segment.row * qd, s.q + segment.row * qd,
                                    cache.keyRows(layer: l, slot: segment.slot), cache.valueRows(layer: l, slot: segment.slot),
                                    scratch: s.scores + worker * s.scoreStride, rows: segment.count, start: p,
                                    head: head, kvHead: head / rep, headDim: cfg.headDim, queryStride: qd, kvStride: kvd)
            }
            layerOutput(l, s, rows: rows)
        }
        // Final norm, LM head and gather, a chunk of rows at a time (bounds the [rows, V] logits).
        let chunk = Self.headChunk
        let ws = Workspace()
        let logits = ws.floats(min(chunk, rows) * v)
        var logProbs = [Float](repeating: 0, count: rows)
        logProbs.withUnsafeMutableBufferPointer { out in
            targets.withUnsafeBufferPointer { target in
                var start = 0
                while start < rows {
                    let count = min(chunk, rows - start)
                    headLogits(logits, s.x + start * c, s, rows: count)
                    tokenLogProbForward(out.baseAddress! + start, nil, nil, logits, target.baseAddress! + start,
                                        temperature: temperature, rows: count, vocabulary: v)
                    start += count
                }
            }
        }
        for segment in segments {
            for i in 0..<segment.count { result[segment.slot][i + 1] = logProbs[segment.row + i] }
        }
        return result
    }
}
