// Generation with the real SmolLM2-135M-Instruct GGUF: cached greedy decoding equals greedy recomputing the
// full prefix with the training forward, batched sampling equals one-sequence-at-a-time sampling, a chat
// answer stops on the end-of-turn token, and batched decode throughput for 8 and 16 sequences × 128 tokens
// (printed; the assertion is only a loose floor so that a regression by an order of magnitude fails).

import Foundation
import Generation
import Models
import ModelFormats
import Testing
import TensorEngine
import Tokenizers

@Suite(.serialized) struct GenerationRealModelTests {
    struct Loaded {
        let model: LlamaModel
        let tokenizer: BPETokenizer
        let prompt: [Int32]
    }

    static func load() throws -> Loaded {
        let url = try ModelLocator.smolLM2()
        let model = try LlamaModel.load(gguf: url)
        let tokenizer = try BPETokenizer(gguf: GGUFFile(url: url))
        let template = try #require(ChatTemplate(for: tokenizer))
        let text = template.render([ChatMessage(role: .user, content: "What is 2 + 3? Answer with a number.")], addGenerationPrompt: true)
        return Loaded(model: model, tokenizer: tokenizer, prompt: tokenizer.encode(text, addSpecialTokens: false))
    }

    @Test func greedyWithCacheEqualsRecomputedPrefixAndStopsAtEndOfTurn() throws {
        let loaded = try Self.load()
        let model = loaded.model
        let stop = loaded.tokenizer.eosTokenIds
        #expect(!stop.isEmpty)
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [loaded.prompt], parameters: .greedy(maxNewTokens: 48, stopTokenIDs: stop)),
            decoder: { loaded.tokenizer.decode($0) })
        let completion = batch.completions[0]
        let text = loaded.tokenizer.decode(completion.tokens, skipSpecialTokens: true)
        print("greedy completion (\(completion.finishReason)): \(text.debugDescription)")
        #expect(completion.finishReason.isStop, "the instruct model should end its turn within 48 tokens")
        #expect(text.contains("5"))
        // Recompute: full forward over prompt + generated prefix at every step, arg-max of the last row.
        let v = model.configuration.vocabularySize
        var prefix = loaded.prompt
        for (step, token) in completion.tokens.enumerated() {
            let logits = model.logits(TokenBatch(tokens: prefix, batch: 1, length: prefix.count))
            let last = Array(logits[((prefix.count - 1) * v)...])
            let best = last.indices.max { last[$0] < last[$1] || (last[$0] == last[$1] && $0 > $1) }!
            let sorted = last.sorted(by: >)
            if Int(token) != best {
                // Only acceptable when the top two logits are within float noise of each other.
                #expect(sorted[0] - sorted[1] < 1e-3, "step \(step): cached picked \(token), recomputed \(best)")
            }
            prefix.append(token)
        }
    }

    @Test func batchedSamplingEqualsOneSequenceAtATime() throws {
        let loaded = try Self.load()
        let model = loaded.model
        let parameters = SamplingParameters(temperature: 0.8, topP: 0.95, maxNewTokens: 16, seed: 17, stopTokenIDs: loaded.tokenizer.eosTokenIds)
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [loaded.prompt, Array(loaded.prompt.dropLast(3))], samplesPerPrompt: 2, parameters: parameters),
            decoder: nil)
        let sampler = try Sampler(vocabularySize: model.vocabularySize, parameters: parameters)
        var row = [Float](repeating: 0, count: model.vocabularySize)
        var matched = 0
        for completion in batch.completions {
            let prompt = completion.promptIndex == 0 ? loaded.prompt : Array(loaded.prompt.dropLast(3))
            let cache = KVCache(configuration: model.configuration, slots: 1, capacity: prompt.count + parameters.maxNewTokens)
            var rng = Xoshiro256StarStar(seed: parameters.seed, stream: [completion.promptIndex, completion.sampleIndex])
            var logits = model.prefill(tokens: prompt, slot: 0, cache: cache)
            var tokens: [Int32] = []
            var worst: Float = 0
            while true {
                let s = sampler.sample(logits: logits, using: &rng)
                if tokens.count < completion.tokens.count {
                    worst = max(worst, abs(s.logProbability - completion.logProbabilities[tokens.count]))
                }
                tokens.append(s.token)
                if parameters.stopTokenIDs.contains(s.token) || tokens.count == parameters.maxNewTokens { break }
                row.withUnsafeMutableBufferPointer { model.decodeStep(tokens: [s.token], slots: [0], cache: cache, logits: $0.baseAddress!) }
                logits = row
            }
            if tokens == completion.tokens { matched += 1 }
            #expect(worst < 1e-2, "prompt \(completion.promptIndex) sample \(completion.sampleIndex): log-prob difference \(worst)")
        }
        // GEMMs over n rows and over 1 row may round differently; a draw landing within that rounding of a
        // boundary could change one completion, but not most of them.
        #expect(matched >= batch.completions.count - 1, "\(matched) of \(batch.completions.count) completions identical")
    }

    @Test(arguments: [8, 16])
    func batchedDecodeThroughput(sequences: Int) throws {
        let loaded = try Self.load()
        let generator = BatchGenerator(model: loaded.model, maximumConcurrentSequences: sequences)
        let parameters = SamplingParameters(temperature: 1, maxNewTokens: 128, seed: 3)  // no stop: every sequence runs 128 tokens
        let batch = try generator.complete(
            CompletionRequest(prompts: [loaded.prompt], samplesPerPrompt: sequences, parameters: parameters), decoder: nil)
        let s = batch.statistics
        #expect(s.generatedTokens == sequences * 128)
        #expect(s.peakBatchSize == sequences)
        let decodeRate = Double(s.generatedTokens - sequences) / s.decodeSeconds
        print("""
            generation throughput (\(BLAS.backend)): \(sequences) sequences × 128 tokens, prompt \(loaded.prompt.count) tokens: \
            total \(String(format: "%.2f", s.totalSeconds)) s, prefill \(String(format: "%.3f", s.prefillSeconds)) s, \
            decode \(String(format: "%.2f", s.decodeSeconds)) s over \(s.decodeSteps) steps → \
            \(String(format: "%.1f", decodeRate)) tokens/s decode, \(String(format: "%.1f", s.generatedTokensPerSecond)) tokens/s overall
            """)
        #expect(decodeRate > 5, "decode throughput collapsed: \(decodeRate) tokens/s")
    }
}
