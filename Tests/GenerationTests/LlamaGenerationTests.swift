// Tests of BatchGenerator on a tiny random LlamaModel (through LlamaModel+DecodingModel): batched decoding
// equals a one-sequence loop over prefill/decodeStep, greedy with the KV cache equals greedy recomputing the
// full prefix with the training forward, and reported log-probabilities equal the training forward's
// tempered token log-probabilities.

import Foundation
import Models
import Testing
@testable import Generation

@Suite struct LlamaGenerationTests {
    static let configuration = LlamaConfiguration(
        modelType: "llama", hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4, kvHeadCount: 2,
        rmsNormEpsilon: 1e-5, ropeTheta: 10000, vocabularySize: 23, tieWordEmbeddings: false, maxPositionEmbeddings: 64)
    static let prompts: [[Int32]] = [[1, 5, 9, 2], [7], [3, 3, 8, 12, 20, 4]]

    static func model() throws -> LlamaModel {
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: 11, scale: 0.3)
        return model
    }

    @Test func batchedEqualsOneSequenceAtATime() throws {
        let model = try Self.model()
        let parameters = SamplingParameters(temperature: 1, topP: 0.95, maxNewTokens: 10, seed: 4, stopTokenIDs: [0])
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 3, parameters: parameters), decoder: nil)
        #expect(batch.completions.count == 9)
        let v = Self.configuration.vocabularySize
        let sampler = try Sampler(vocabularySize: v, parameters: parameters)
        var row = [Float](repeating: 0, count: v)
        for completion in batch.completions {
            // Fresh single-slot cache; one decodeStep row at a time.
            let cache = KVCache(configuration: Self.configuration, slots: 1, capacity: 32)
            var rng = Xoshiro256StarStar(seed: parameters.seed, stream: [completion.promptIndex, completion.sampleIndex])
            var logits = model.prefill(tokens: Self.prompts[completion.promptIndex], slot: 0, cache: cache)
            var tokens: [Int32] = []
            var worst: Float = 0
            while true {
                let s = sampler.sample(logits: logits, using: &rng)
                if tokens.count < completion.tokens.count {
                    worst = max(worst, abs(s.logProbability - completion.logProbabilities[tokens.count]))
                }
                tokens.append(s.token)
                if s.token == 0 || tokens.count == parameters.maxNewTokens { break }
                row.withUnsafeMutableBufferPointer { model.decodeStep(tokens: [s.token], slots: [0], cache: cache, logits: $0.baseAddress!) }
                logits = row
            }
            #expect(tokens == completion.tokens, "prompt \(completion.promptIndex) sample \(completion.sampleIndex)")
            #expect(worst < 1e-4)
        }
    }

    /// Logits of prefilling `prompts` into one slot each, then of four decode steps over all slots (fixed tokens).
    static func prefillAndDecode(_ model: LlamaModel) -> [Float] {
        let v = configuration.vocabularySize, n = prompts.count
        let cache = KVCache(configuration: configuration, slots: n, capacity: 32)
        var all: [Float] = []
        for (slot, prompt) in prompts.enumerated() { all += model.prefill(tokens: prompt, slot: slot, cache: cache) }
        var logits = [Float](repeating: 0, count: n * v)
        for step in 0..<4 {
            let tokens = (0..<n).map { Int32(($0 * 7 + step * 3) % v) }
            logits.withUnsafeMutableBufferPointer {
                model.decodeStep(tokens: tokens, slots: Array(0..<n), cache: cache, logits: $0.baseAddress!)
            }
            all += logits
        }
        return all
    }

    /// Decode steps on packed panels (what `BatchGenerator` uses) give the logits of the unpacked path, with
    /// the panels in memory of their own or in the borrowed gradient buffer; releasing them restores the
    /// unpacked path.
    @Test(arguments: [false, true]) func decodePanelsGiveTheSameLogits(borrowGradients: Bool) throws {
        let model = try Self.model()
        model.decodePanelsBorrowGradientMemory = borrowGradients
        if borrowGradients { model.zeroGradients() }  // allocates the buffer to borrow
        func run() -> [Float] { Self.prefillAndDecode(model) }
        let plain = run()
        model.prepareDecodePanels()
        #expect(model.hasDecodePanels)
        let packed = run()
        model.releaseDecodePanels()
        #expect(!model.hasDecodePanels)
        #expect(zip(plain, packed).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        #expect(run() == plain)
    }

    /// Decoding on bf16 panels is decoding the model whose matrices are rounded to bf16: its prefill and decode
    /// logits equal those of a copy with the q/k/v/o/gate/up/down/LM-head weights rounded (ties to even,
    /// computed in Double here) and decoded at f32, and differ from the unrounded model's.
    @Test func bf16DecodeWeightsAreTheRoundedModel() throws {
        let model = try Self.model()
        let rounded = try Self.model()
        for entry in rounded.parameters.layout.entries where entry.name.hasSuffix("proj.weight") || entry.name == "lm_head.weight" {
            let values = rounded.parameters[entry.name]
            for i in values.indices where values[i] != 0 {
                let ulp = pow(2.0, Double(values[i].exponent) - 7)
                values[i] = Float((Double(values[i]) / ulp).rounded(.toNearestOrEven) * ulp)
            }
        }
        let exact = Self.prefillAndDecode(model), reference = Self.prefillAndDecode(rounded)
        model.decodeWeightPrecision = .bf16
        model.prepareDecodePanels()
        let bf16 = Self.prefillAndDecode(model)
        model.releaseDecodePanels()
        #expect(zip(reference, bf16).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        #expect(zip(exact, bf16).contains { abs($0 - $1) > 1e-4 }, "bf16 decoding differs from the f32 model")
        #expect(Self.prefillAndDecode(model) == exact, "released panels restore the f32 path")
    }

    @Test func releasingTheCacheAndWorkingMemoryChangesNoResult() throws {
        let model = try Self.model()
        let parameters = SamplingParameters(temperature: 1, topP: 0.95, maxNewTokens: 10, seed: 9, stopTokenIDs: [0])
        let request = CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 2, parameters: parameters)
        let generator = BatchGenerator(model: model)
        let first = try generator.complete(request, decoder: nil)
        generator.releaseCache()
        model.releaseWorkingMemory()
        let second = try generator.complete(request, decoder: nil)
        #expect(first.completions.map(\.tokens) == second.completions.map(\.tokens))
        #expect(first.completions.map(\.logProbabilities) == second.completions.map(\.logProbabilities))
        let batch = TokenBatch(rightPadding: Self.prompts, targetStarts: [1, 1, 1])
        let before = model.tokenLogProbs(batch, keepActivations: true)
        model.releaseWorkingMemory()
        #expect(model.tokenLogProbs(batch, keepActivations: true) == before)
    }

    /// With `keepsDecodePanels` the packed weights outlive a call and the next call decodes on them, giving what
    /// a model that repacks every call gives; after the weights change, `releaseDecodePanels()` makes the next
    /// call pack the new weights, and merging a LoRA adapter drops kept panels by itself.
    @Test func keptDecodePanelsServeTheNextCall() throws {
        let parameters = SamplingParameters(temperature: 1, topP: 0.95, maxNewTokens: 8, seed: 5, stopTokenIDs: [0])
        let request = CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 2, parameters: parameters)
        func run(_ model: LlamaModel) throws -> [[Float]] {
            try BatchGenerator(model: model).complete(request, decoder: nil).completions.map(\.logProbabilities)
        }
        let kept = try Self.model(), fresh = try Self.model()
        kept.keepsDecodePanels = true
        let first = try run(kept)
        #expect(kept.hasDecodePanels)
        #expect(!fresh.hasDecodePanels)
        #expect(try run(kept) == first)
        #expect(try run(fresh) == first)
        // New weights, the same in both models.
        for model in [kept, fresh] {
            let head = model.parameters["lm_head.weight"]
            for i in 0..<head.count { head[i] *= -1.5 }
        }
        kept.releaseDecodePanels()
        let changed = try run(kept)
        #expect(changed != first)
        #expect(try run(fresh) == changed)
        #expect(kept.hasDecodePanels)
        let adapter = try LoRAAdapter(modelConfiguration: Self.configuration,
                                      configuration: LoRAConfiguration(rank: 2, alpha: 4, dropout: 0, targetModules: ["all-linear"]), seed: 3)
        try kept.attachAdapter(adapter)
        kept.mergeAdapterForInference()
        #expect(!kept.hasDecodePanels)
        _ = try run(kept)
        kept.restoreWeightsAfterInference()
        #expect(!kept.hasDecodePanels)
    }

    @Test func greedyWithCacheEqualsGreedyRecomputingThePrefix() throws {
        let model = try Self.model()
        let parameters = SamplingParameters.greedy(maxNewTokens: 8)
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 2, parameters: parameters), decoder: nil)
        let v = Self.configuration.vocabularySize
        for completion in batch.completions {
            var prefix = Self.prompts[completion.promptIndex]
            var expected: [Int32] = []
            for _ in 0..<parameters.maxNewTokens {
                let all = model.logits(TokenBatch(tokens: prefix, batch: 1, length: prefix.count))
                let last = Array(all[((prefix.count - 1) * v)...])
                let best = last.indices.max { last[$0] < last[$1] || (last[$0] == last[$1] && $0 > $1) }!
                expected.append(Int32(best))
                prefix.append(Int32(best))
            }
            #expect(completion.tokens == expected)
        }
    }

    @Test(arguments: [Float(1), 0.7])
    func logProbabilitiesEqualTrainingForwardAtTheSameTemperature(temperature: Float) throws {
        let model = try Self.model()
        let parameters = SamplingParameters(temperature: temperature, topK: 10, maxNewTokens: 6, seed: 9, includeRawLogProbabilities: true)
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 2, parameters: parameters), decoder: nil)
        for completion in batch.completions {
            let prompt = Self.prompts[completion.promptIndex]
            let sequence = prompt + completion.tokens
            var mask = [Float](repeating: 0, count: sequence.count)
            for i in prompt.count..<sequence.count { mask[i] = 1 }
            let batchTokens = TokenBatch(tokens: sequence, batch: 1, length: sequence.count, targetMask: mask)
            let tempered = model.tokenLogProbs(batchTokens, temperature: temperature, keepActivations: false)
            let raw = model.tokenLogProbs(batchTokens, temperature: 1, keepActivations: false)
            for (j, i) in (prompt.count..<sequence.count).enumerated() {
                #expect(abs(tempered[i] - completion.logProbabilities[j]) < 1e-4)
                #expect(abs(raw[i] - completion.rawLogProbabilities![j]) < 1e-4)
            }
        }
    }
}
