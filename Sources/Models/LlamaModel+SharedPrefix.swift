// Log-probabilities of several continuations of one shared prefix (a GRPO group: G completions of one
// prompt) through the KV-cached inference path: the prefix runs once, its keys and values are copied to every
// continuation's cache slot, and the continuation tokens of all groups then run together, one GEMM per weight
// matrix over their rows, with no padded positions. The training forward (`tokenLogProbs`) would instead run
// the prompt again for each of the G sequences and pad all of them to the longest.
import TensorEngine

/// One prompt and the continuations scored after it (`LlamaModel.continuationLogProbs(groups:temperature:)`).
public struct ContinuationGroup: Sendable {
    /// The shared prompt tokens (at least one).
    public var prefix: [Int32]
    /// Token sequences that follow `prefix` (each may be empty).
    public var continuations: [[Int32]]

    public init(prefix: [Int32], continuations: [[Int32]]) {
        self.prefix = prefix
        self.continuations = continuations
    }
}

extension LlamaModel {
    /// Rows of the LM head computed together when scoring continuations. Scoring keeps no activations, so a
    /// larger chunk than training's `headChunk` costs only its [rows, V] scratch and runs a more efficient GEMM.
    static let scoringHeadChunk = 512

    /// Bytes of KV cache one scoring call may allocate before it splits its groups over several calls (a
    /// single group that needs more still runs, alone).
    static let scoringCacheBudget = 256 << 20

    /// log p(c[i] | prefix, c[<i]) at temperature τ for every token of every continuation c, computing the
    /// prefix once. Forward only; the weights used are those of the inference path (an attached LoRA adapter
    /// is ignored unless merged, so under LoRA this scores with the base model).
    /// - Parameters:
    ///   - prefix: the shared prompt tokens (at least one).
    ///   - continuations: G token sequences that follow `prefix` (each may be empty).
    ///   - temperature: τ > 0; log-probabilities are of softmax(logits / τ).
    /// - Returns: per continuation, one log-probability per token, in order.
    public func continuationLogProbs(prefix: [Int32], continuations: [[Int32]], temperature: Float = 1) -> [[Float]] {
        continuationLogProbs(groups: [ContinuationGroup(prefix: prefix, continuations: continuations)], temperature: temperature)[0]
    }

    /// `continuationLogProbs(prefix:continuations:temperature:)` for several groups at once: each prefix runs
    /// once, and the continuation tokens of all groups run together as the rows of one GEMM per weight matrix
    /// (larger products run nearer the BLAS peak than one group's). Groups are split over several passes when
    /// their KV cache would exceed `scoringCacheBudget`; the values do not depend on the split.
    /// - Parameters:
    ///   - groups: prompts with their continuations (every prefix non-empty).
    ///   - temperature: τ > 0.
    /// - Returns: per group, per continuation, one log-probability per token.
    public func continuationLogProbs(groups: [ContinuationGroup], temperature: Float = 1) -> [[[Float]]] {
        continuationLogProbs(groups: groups, temperature: temperature, cacheBudget: Self.scoringCacheBudget)
    }

    /// `continuationLogProbs(groups:temperature:)` with the KV-cache budget per pass given (tests split with it).
    func continuationLogProbs(groups: [ContinuationGroup], temperature: Float, cacheBudget: Int) -> [[[Float]]] {
        precondition(groups.allSatisfy { !$0.prefix.isEmpty }, "continuationLogProbs needs a non-empty prefix")
        precondition(temperature > 0, "temperature must be positive")
        let cfg = configuration
        let bytesPerPosition = cfg.layerCount * cfg.kvDim * 2 * MemoryLayout<Float>.stride
        var result: [[[Float]]] = []
        result.reserveCapacity(groups.count)
        var start = 0
        while start < groups.count {
            // As many groups as fit the budget (at least one): slots × the longest prefix + continuation.
            var end = start, slots = 0, capacity = 0
            while end < groups.count {
                let g = groups[end]
                let nextSlots = slots + max(1, g.continuations.count)
                let nextCapacity = max(capacity, g.prefix.count + (g.continuations.map(\.count).max() ?? 0))
                if end > start && nextSlots * nextCapacity * bytesPerPosition > cacheBudget { break }
                slots = nextSlots
                capacity = nextCapacity
                end += 1
            }
            result += scoreGroups(Array(groups[start..<end]), slots: slots, capacity: capacity, temperature: temperature)
            start = end
        }
        return result
    }

    /// One pass of `continuationLogProbs(groups:temperature:)` over a KV cache of `slots` × `capacity`.
    private func scoreGroups(_ groups: [ContinuationGroup], slots: Int, capacity: Int, temperature: Float) -> [[[Float]]] {
        let cfg = configuration, v = cfg.vocabularySize, c = cfg.hiddenSize
        var result = groups.map { group in group.continuations.map { [Float](repeating: 0, count: $0.count) } }
        guard groups.contains(where: { $0.continuations.contains { !$0.isEmpty } }) else { return result }
        let cache = KVCache(configuration: cfg, slots: slots, capacity: capacity)
        // Each prefix once, into the first slot of its group and copied to the others; its last logits score
        // every continuation's first token. Every continuation token but the last (whose output predicts
        // nothing asked for) then joins one row batch.
        var segments: [(group: Int, continuation: Int, slot: Int, row: Int, count: Int, start: Int)] = []
        var tokens: [Int32] = [], targets: [Int32] = []
        var firstSlot = 0
        for gi in groups.indices {
            let group = groups[gi]
            defer { firstSlot += max(1, group.continuations.count) }
            guard group.continuations.contains(where: { !$0.isEmpty }) else { continue }
            var firstLogits = prefill(tokens: group.prefix, slot: firstSlot, cache: cache)
            for j in 1..<max(1, group.continuations.count) { cache.copySlot(firstSlot, to: firstSlot + j) }
            firstLogits.withUnsafeMutableBufferPointer { logits in
                for (j, continuation) in group.continuations.enumerated() where !continuation.isEmpty {
                    var target = continuation[0], logProb: Float = 0
                    tokenLogProbForward(&logProb, nil, nil, logits.baseAddress!, &target, temperature: temperature, rows: 1, vocabulary: v)
                    result[gi][j][0] = logProb
                }
            }
            for (j, continuation) in group.continuations.enumerated() where continuation.count > 1 {
                segments.append((gi, j, firstSlot + j, tokens.count, continuation.count - 1, group.prefix.count))
                tokens += continuation.dropLast()
                targets += continuation.dropFirst()
            }
        }
        let rows = tokens.count
        guard rows > 0 else { return result }
        let longest = segments.map(\.count).max() ?? 1
        let s = DecodeScratch(configuration: cfg, rows: rows, keyCapacity: cache.capacity, attentionRows: longest)
        for segment in segments {
            for i in 0..<segment.count { s.positions[segment.row + i] = Int32(segment.start + i) }
        }
        tokens.withUnsafeBufferPointer { embedTokens(s.x, $0.baseAddress!, rows: rows) }
        let rep = cfg.headCount / cfg.kvHeadCount, kvd = cfg.kvDim, qd = cfg.queryDim
        for l in 0..<cfg.layerCount {
            layerProjections(l, s, rows: rows)
            for segment in segments {
                let offset = segment.start * kvd
                (cache.keyRows(layer: l, slot: segment.slot) + offset).update(from: s.k + segment.row * kvd, count: segment.count * kvd)
                (cache.valueRows(layer: l, slot: segment.slot) + offset).update(from: s.v + segment.row * kvd, count: segment.count * kvd)
            }
            Parallel.forEach(segments.count * cfg.headCount, maxWorkers: s.workers) { worker, item in
                let segment = segments[item / cfg.headCount], head = item % cfg.headCount
                cachedAttentionHead(s.att + segment.row * qd, s.q + segment.row * qd,
                                    cache.keyRows(layer: l, slot: segment.slot), cache.valueRows(layer: l, slot: segment.slot),
                                    scratch: s.scores + worker * s.scoreStride, rows: segment.count, start: segment.start,
                                    head: head, kvHead: head / rep, headDim: cfg.headDim, queryStride: qd, kvStride: kvd)
            }
            layerOutput(l, s, rows: rows)
        }
        // Final norm, LM head and gather, a chunk of rows at a time (bounds the [rows, V] logits).
        let chunk = Self.scoringHeadChunk
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
            for i in 0..<segment.count { result[segment.group][segment.continuation][i + 1] = logProbs[segment.row + i] }
        }
        return result
    }
}
