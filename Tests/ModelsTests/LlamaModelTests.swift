// Generic model tests run on every tiny architecture: shapes, cached decode = full forward,
// padding = one-by-one, log-probs = log-softmax of the logits, finite-difference gradient check.
import Foundation
import Testing
@testable import Models
@testable import TensorEngine

@Suite struct LlamaModelTests {
    @Test(arguments: TinyModels.configurations) func cachedDecodeMatchesFullForward(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let tokens = TinyModels.tokens(9, vocabulary: v, seed: 3)
        let full = model.logits(TokenBatch(tokens: tokens, batch: 1, length: tokens.count))
        #expect(full.count == tokens.count * v)
        let cache = KVCache(configuration: configuration, slots: 3, capacity: 16)
        let prefill = model.prefill(tokens: Array(tokens[0..<5]), slot: 1, cache: cache)
        #expect(cache.length(slot: 1) == 5)
        #expect(maxRelativeDifference(prefill, Array(full[(4 * v)..<(5 * v)])) < 1e-3)
        // Copy the prompt into slot 2, decode the remaining tokens in both slots together.
        cache.copySlot(1, to: 2)
        var logits = [Float](repeating: 0, count: 2 * v)
        for t in 5..<9 {
            model.decodeStep(tokens: [tokens[t], tokens[t]], slots: [1, 2], cache: cache, logits: &logits)
            let expected = Array(full[(t * v)..<((t + 1) * v)])
            #expect(maxRelativeDifference(Array(logits[0..<v]), expected) < 1e-3)
            #expect(maxRelativeDifference(Array(logits[v...]), expected) < 1e-3)
        }
        #expect(cache.length(slot: 2) == 9 && cache.length(slot: 0) == 0)
        // Prefill in two pieces equals prefill at once.
        cache.reset(slot: 0)
        _ = model.prefill(tokens: Array(tokens[0..<3]), slot: 0, cache: cache)
        let second = model.prefill(tokens: Array(tokens[3..<9]), slot: 0, cache: cache)
        #expect(maxRelativeDifference(second, Array(full[(8 * v)...])) < 1e-3)
    }

    /// Shared prompt rows (`shareSlot`) decode like copied ones, and stay right for the borrowers when the
    /// lender is reset and refilled (continuous batching reuses a finished sample's slot), when a borrower is
    /// extended by a prefill, and when a borrower is copied.
    @Test(arguments: TinyModels.configurations) func sharedSlotsDecodeLikeCopiedOnes(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let tokens = TinyModels.tokens(10, vocabulary: v, seed: 5), other = TinyModels.tokens(6, vocabulary: v, seed: 6)
        let full = model.logits(TokenBatch(tokens: tokens, batch: 1, length: tokens.count))
        func expected(_ t: Int) -> [Float] { Array(full[(t * v)..<((t + 1) * v)]) }
        let cache = KVCache(configuration: configuration, slots: 4, capacity: 16)
        _ = model.prefill(tokens: Array(tokens[0..<4]), slot: 0, cache: cache)
        cache.shareSlot(0, to: 1)
        cache.shareSlot(0, to: 2)
        #expect(cache.sharedPrefix(of: 1)?.lender == 0 && cache.sharedPrefix(of: 1)?.count == 4)
        #expect(cache.length(slot: 1) == 4 && cache.length(slot: 2) == 4)
        var logits = [Float](repeating: 0, count: 3 * v)
        model.decodeStep(tokens: [tokens[4], tokens[4], tokens[4]], slots: [0, 1, 2], cache: cache, logits: &logits)
        for row in 0..<3 { #expect(maxRelativeDifference(Array(logits[(row * v)..<((row + 1) * v)]), expected(4)) < 1e-3) }
        // The lender finishes and its slot takes another prompt: the borrowers keep the first prompt's rows.
        cache.reset(slot: 0)
        #expect(cache.sharedPrefix(of: 1) == nil && cache.sharedPrefix(of: 2) == nil)
        _ = model.prefill(tokens: other, slot: 0, cache: cache)
        var two = [Float](repeating: 0, count: 2 * v)
        model.decodeStep(tokens: [tokens[5], tokens[5]], slots: [1, 2], cache: cache, logits: &two)
        #expect(maxRelativeDifference(Array(two[0..<v]), expected(5)) < 1e-3)
        #expect(maxRelativeDifference(Array(two[v...]), expected(5)) < 1e-3)
        // A borrower extended by a prefill, and a copy of a borrower.
        _ = model.prefill(tokens: Array(tokens[0..<3]), slot: 3, cache: cache)
        cache.shareSlot(3, to: 1)
        let extended = model.prefill(tokens: Array(tokens[3..<7]), slot: 1, cache: cache)
        #expect(maxRelativeDifference(extended, expected(6)) < 1e-3)
        cache.shareSlot(3, to: 2)
        model.decodeStep(tokens: [tokens[3]], slots: [2], cache: cache, logits: &two)
        cache.copySlot(2, to: 0)
        #expect(cache.sharedPrefix(of: 0) == nil && cache.length(slot: 0) == 4)
        model.decodeStep(tokens: [tokens[4], tokens[4]], slots: [0, 2], cache: cache, logits: &two)
        #expect(maxRelativeDifference(Array(two[0..<v]), expected(4)) < 1e-3)
        #expect(maxRelativeDifference(Array(two[v...]), expected(4)) < 1e-3)
    }

    @Test(arguments: TinyModels.configurations) func paddedBatchMatchesSequencesOneByOne(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let a = TinyModels.tokens(7, vocabulary: v, seed: 11), b = TinyModels.tokens(4, vocabulary: v, seed: 12)
        let batch = TokenBatch(rightPadding: [a, b], targetStarts: [2, 1], padToken: 5)
        let together = model.tokenLogProbs(batch, keepActivations: false)
        let alone = [a, b].enumerated().map { index, s in
            model.tokenLogProbs(TokenBatch(rightPadding: [s], targetStarts: [index == 0 ? 2 : 1]), keepActivations: false)
        }
        #expect(maxRelativeDifference(Array(together[0..<7]), alone[0]) < 1e-4)
        #expect(maxRelativeDifference(Array(together[7..<11]), alone[1]) < 1e-4)
        #expect(together[0] == 0 && together[1] == 0 && together[11..<14].allSatisfy { $0 == 0 })
    }

    @Test(arguments: TinyModels.configurations) func logProbsAreLogSoftmaxOfLogits(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let tokens = TinyModels.tokens(6, vocabulary: v, seed: 5)
        let batch = TokenBatch(tokens: tokens, batch: 1, length: 6)
        let logits = model.logits(batch).map(Double.init)
        let temperature: Float = 0.7
        let (logProbs, entropies) = model.tokenLogProbsAndEntropies(batch, temperature: temperature, keepActivations: false)
        #expect(logProbs[0] == 0 && entropies[0] == 0)
        for t in 1..<6 {
            let row = logits[((t - 1) * v)..<(t * v)].map { $0 / Double(temperature) }
            let m = row.max()!
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            #expect(abs(Double(logProbs[t]) - (row[Int(tokens[t])] - lse)) < 1e-4)
            let entropy = -row.reduce(0.0) { $0 + exp($1 - lse) * ($1 - lse) }
            #expect(abs(Double(entropies[t]) - entropy) < 1e-4)
        }
    }

    /// Finite differences of Σ g·logp in Float (loose tolerance) on a sample of every tensor's entries.
    @Test(arguments: TinyModels.configurations) func backwardMatchesFiniteDifferences(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let batch = TokenBatch(rightPadding: [TinyModels.tokens(6, vocabulary: v, seed: 21), TinyModels.tokens(4, vocabulary: v, seed: 22)],
                               targetStarts: [2, 1])
        let upstream = (0..<batch.tokens.count).map { Float(($0 * 7) % 5) - 2 }
        func objective() -> Double {
            zip(model.tokenLogProbs(batch, temperature: 0.9, keepActivations: false), upstream).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        model.zeroGradients()
        _ = model.tokenLogProbs(batch, temperature: 0.9, keepActivations: true)
        model.backward(logProbGradient: upstream)
        let grads = model.gradients
        var checked = 0, worst: Double = 0
        for entry in model.parameters.layout.entries {
            let weights = model.parameters[entry.name], g = grads[entry.name]
            for i in stride(from: entry.count / 7, to: entry.count, by: max(1, entry.count / 3)) {
                let saved = weights[i], h: Float = 1e-2
                weights[i] = saved + h
                let plus = objective()
                weights[i] = saved - h
                let minus = objective()
                weights[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let error = abs(Double(g[i]) - numeric) / (1e-2 + abs(numeric))
                worst = max(worst, error)
                if error > 3e-2 { Issue.record("\(entry.name)[\(i)]: analytic \(g[i]) numeric \(numeric)") }
                checked += 1
            }
        }
        #expect(checked > 40)
        #expect(worst < 3e-2)
    }

    @Test func backwardAccumulates() throws {
        let model = try TinyModels.model(TinyModels.configurations[0])
        let batch = TokenBatch(tokens: TinyModels.tokens(5, vocabulary: 23, seed: 1), batch: 1, length: 5)
        let upstream = [Float](repeating: 1, count: 5)
        model.zeroGradients()
        _ = model.tokenLogProbs(batch, keepActivations: true)
        model.backward(logProbGradient: upstream)
        let once = Array(model.gradients.flat)
        model.backward(logProbGradient: upstream)
        let twice = Array(model.gradients.flat)
        #expect(once.contains { $0 != 0 })
        #expect(maxRelativeDifference(twice, once.map { 2 * $0 }) < 1e-5)
    }
}

@Suite struct LlamaModelHeadTests {
    /// The backward that recomputes LM-head logits gives the same gradients as the one that keeps them.
    @Test func recomputedAndKeptLogitsGiveSameGradients() throws {
        let model = try TinyModels.model(TinyModels.configurations[1])
        let batch = TokenBatch(rightPadding: [TinyModels.tokens(7, vocabulary: 19, seed: 4), TinyModels.tokens(5, vocabulary: 19, seed: 6)])
        let upstream = (0..<batch.tokens.count).map { Float($0 % 3) - 1 }
        model.zeroGradients()
        let kept = model.tokenLogProbs(batch, keepActivations: true)
        model.backward(logProbGradient: upstream)
        let keptGradients = Array(model.gradients.flat)
        model.keptLogitsBudget = 0
        model.zeroGradients()
        let recomputed = model.tokenLogProbs(batch, keepActivations: true)
        model.backward(logProbGradient: upstream)
        #expect(kept == recomputed)
        #expect(maxRelativeDifference(Array(model.gradients.flat), keptGradients) < 1e-5)
    }
}
