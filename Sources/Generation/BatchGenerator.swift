// BatchGenerator: local batched generation over a DecodingModel. Each prompt is prefilled once into a
// cache slot, the slot is copied to the prompt's G samples, and all live sequences advance together with
// one batched decodeStep per token. A finished sequence leaves the batch at once and its slot is reused
// for the next waiting prompt (continuous batching), up to `maximumConcurrentSequences` sequences.
// Every completion draws from its own random stream derived from (seed, prompt index, sample index),
// so its tokens do not depend on the batch it ran in (given a model whose rows are independent).
// Not thread-safe: one request at a time per generator. Knows nothing of tokenizers (see TokenTextDecoder).

import Foundation
import TensorEngine

/// Generates completions for prompts × samples with a local `DecodingModel`.
///
/// ```swift
/// let generator = BatchGenerator(model: model, maximumConcurrentSequences: 32)
/// let batch = try generator.complete(
///     CompletionRequest(prompts: [promptIDs], samplesPerPrompt: 8, parameters: parameters),
///     decoder: { tokenizer.decode($0) })
/// for completion in batch.completions { print(completion.tokens, completion.finishReason) }
/// ```
public final class BatchGenerator<Model: DecodingModel>: CompletionSampler {
    /// The model that produces logits.
    public let model: Model
    /// Largest number of sequences decoded together; also the number of cache slots. A prompt is admitted
    /// only when all of its G samples fit, so at least G slots are always allocated. The cache holds
    /// `slots × (longest prompt + maxNewTokens)` positions (for SmolLM2-135M about 46 KB per position), is
    /// kept between requests and grows when a request needs more.
    public let maximumConcurrentSequences: Int

    private var cache: Model.Cache?
    private var cacheSlots = 0
    private var cacheCapacity = 0

    /// Creates a generator.
    /// - Parameters:
    ///   - model: the model to decode with.
    ///   - maximumConcurrentSequences: the decode batch limit (and cache slot count), `>= 1`.
    public init(model: Model, maximumConcurrentSequences: Int = 64) {
        precondition(maximumConcurrentSequences >= 1, "maximumConcurrentSequences must be >= 1")
        self.model = model
        self.maximumConcurrentSequences = maximumConcurrentSequences
    }

    /// Frees the KV cache kept between requests (the next request allocates a new one). A trainer calls this
    /// after sampling so the cache does not sit in memory beside the training activations.
    public func releaseCache() {
        cache = nil
        cacheSlots = 0
        cacheCapacity = 0
    }

    /// One live sequence.
    private struct Sequence {
        var promptIndex: Int
        var sampleIndex: Int
        var slot: Int
        var rng: Xoshiro256StarStar
        var tokens: [Int32] = []
        var logProbabilities: [Float] = []
        var samplingLogProbabilities: [Float] = []
        var rawLogProbabilities: [Float] = []
        var promptTokenCount: Int
    }

    /// Generates `samplesPerPrompt` completions per prompt.
    /// - Parameters:
    ///   - request: prompts, group size G and sampling parameters.
    ///   - decoder: token ids → text; required when the parameters have stop strings.
    /// - Returns: `P × G` completions ordered by prompt index then sample index, with statistics.
    /// - Throws: `GenerationError.invalidParameter` (bad parameters or G < 1), `.invalidPrompt` (empty prompt
    ///   or a token id outside `0..<V`), `.missingTextDecoder`, or `.contextTooLong`.
    public func complete(_ request: CompletionRequest, decoder: TokenTextDecoder?) throws -> CompletionBatch {
        let parameters = request.parameters
        try validate(request, decoder: decoder)
        let start = ContinuousClock.now
        model.beginDecoding()
        defer { model.endDecoding() }
        let preparationSeconds = Self.seconds(since: start)
        let vocabularySize = model.vocabularySize
        let group = request.samplesPerPrompt
        // One sampler per worker (each holds scratch buffers): the rows of a decode step are sampled in
        // parallel, each from its own sequence's random stream, so the tokens do not depend on the split.
        let samplers = try (0..<max(1, min(Parallel.threadCount, maximumConcurrentSequences))).map { _ in
            try Sampler(vocabularySize: vocabularySize, parameters: parameters)
        }
        let sampler = samplers[0]
        let matcher = StopStringMatcher(stopStrings: parameters.stopStrings)
        let stopTokens = Set(parameters.stopTokenIDs)
        let slotCount = max(group, min(maximumConcurrentSequences, request.prompts.count * group))
        let capacity = (request.prompts.map(\.count).max() ?? 0) + parameters.maxNewTokens
        let cache = prepareCache(slots: slotCount, capacity: capacity)

        var statistics = GenerationStatistics(preparationSeconds: preparationSeconds)
        var finished: [Completion] = []
        finished.reserveCapacity(request.prompts.count * group)
        var freeSlots = Array((0..<slotCount).reversed())
        var live: [Sequence] = []
        live.reserveCapacity(slotCount)
        var nextPrompt = 0
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: slotCount * vocabularySize)
        defer { logits.deallocate() }
        var stepTokens: [Int32] = []
        stepTokens.reserveCapacity(slotCount)
        var stepSlots: [Int] = []
        stepSlots.reserveCapacity(slotCount)
        var stepSamples: [SampledToken?] = []
        stepSamples.reserveCapacity(slotCount)

        /// Appends a sampled token; returns the finish reason if the sequence is done.
        func append(_ sampled: SampledToken, to sequence: inout Sequence) -> FinishReason? {
            sequence.tokens.append(sampled.token)
            sequence.logProbabilities.append(sampled.logProbability)
            sequence.samplingLogProbabilities.append(sampled.samplingLogProbability)
            if let raw = sampled.rawLogProbability { sequence.rawLogProbabilities.append(raw) }
            if stopTokens.contains(sampled.token) { return .stop(.token(sampled.token)) }
            if let decoder, let text = matcher.match(sequence.tokens, decoder: decoder) { return .stop(.string(text)) }
            if sequence.tokens.count >= parameters.maxNewTokens { return .length }
            return nil
        }
        func finish(_ sequence: Sequence, _ reason: FinishReason) {
            freeSlots.append(sequence.slot)
            statistics.generatedTokens += sequence.tokens.count
            finished.append(Completion(
                promptIndex: sequence.promptIndex, sampleIndex: sequence.sampleIndex, tokens: sequence.tokens,
                logProbabilities: sequence.logProbabilities, samplingLogProbabilities: sequence.samplingLogProbabilities,
                rawLogProbabilities: parameters.includeRawLogProbabilities ? sequence.rawLogProbabilities : nil,
                finishReason: reason, promptTokenCount: sequence.promptTokenCount,
                elapsedSeconds: Self.seconds(since: start)))
        }

        while true {
            // Admit waiting prompts while a whole group of slots is free.
            while nextPrompt < request.prompts.count, freeSlots.count >= group {
                let admitStart = ContinuousClock.now
                let prompt = request.prompts[nextPrompt]
                let promptIndex = request.firstPromptIndex + nextPrompt
                nextPrompt += 1
                let slots = (0..<group).map { _ in freeSlots.removeLast() }
                model.resetSlot(cache, slot: slots[0])
                let promptLogits = model.prefill(tokens: prompt, slot: slots[0], cache: cache)
                precondition(promptLogits.count == vocabularySize, "prefill returned \(promptLogits.count) logits, expected V = \(vocabularySize)")
                for slot in slots.dropFirst() { model.copySlot(cache, from: slots[0], to: slot) }
                statistics.promptTokens += prompt.count
                for (sampleIndex, slot) in slots.enumerated() {
                    var sequence = Sequence(
                        promptIndex: promptIndex, sampleIndex: sampleIndex, slot: slot,
                        rng: Xoshiro256StarStar(seed: parameters.seed, stream: [promptIndex, sampleIndex]),
                        promptTokenCount: prompt.count)
                    let sampled = promptLogits.withUnsafeBufferPointer { sampler.sample(logits: $0.baseAddress!, using: &sequence.rng) }
                    if let reason = append(sampled, to: &sequence) {
                        finish(sequence, reason)
                    } else {
                        live.append(sequence)
                    }
                }
                statistics.prefillSeconds += Self.seconds(since: admitStart)
            }
            if live.isEmpty {
                if nextPrompt >= request.prompts.count { break }
                continue
            }
            // One batched decode step for every live sequence.
            let stepStart = ContinuousClock.now
            stepTokens.removeAll(keepingCapacity: true)
            stepSlots.removeAll(keepingCapacity: true)
            for sequence in live {
                stepTokens.append(sequence.tokens[sequence.tokens.count - 1])
                stepSlots.append(sequence.slot)
            }
            model.decodeStep(tokens: stepTokens, slots: stepSlots, cache: cache, logits: logits)
            statistics.decodeSteps += 1
            statistics.peakBatchSize = max(statistics.peakBatchSize, live.count)
            stepSamples.removeAll(keepingCapacity: true)
            stepSamples.append(contentsOf: repeatElement(nil, count: live.count))
            live.withUnsafeMutableBufferPointer { sequences in
                stepSamples.withUnsafeMutableBufferPointer { samples in
                    Parallel.forEach(sequences.count, maxWorkers: samplers.count) { worker, row in
                        samples[row] = samplers[worker].sample(logits: logits + row * vocabularySize, using: &sequences[row].rng)
                    }
                }
            }
            var kept = 0
            for row in 0..<live.count {
                var sequence = live[row]
                if let reason = append(stepSamples[row]!, to: &sequence) {
                    finish(sequence, reason)
                } else {
                    live[kept] = sequence
                    kept += 1
                }
            }
            live.removeLast(live.count - kept)
            statistics.decodeSeconds += Self.seconds(since: stepStart)
        }
        finished.sort { ($0.promptIndex, $0.sampleIndex) < ($1.promptIndex, $1.sampleIndex) }
        statistics.totalSeconds = Self.seconds(since: start)
        return CompletionBatch(completions: finished, statistics: statistics)
    }

    /// Checks the request before any model work.
    private func validate(_ request: CompletionRequest, decoder: TokenTextDecoder?) throws(GenerationError) {
        let parameters = request.parameters
        try parameters.validate()
        guard request.samplesPerPrompt >= 1 else {
            throw .invalidParameter(field: "samplesPerPrompt", value: "\(request.samplesPerPrompt)", rule: "must be >= 1")
        }
        if !parameters.stopStrings.isEmpty, decoder == nil { throw .missingTextDecoder(stopStrings: parameters.stopStrings) }
        let v = model.vocabularySize
        if let bad = parameters.stopTokenIDs.first(where: { Int($0) >= v }) {
            throw .invalidParameter(field: "stopTokenIDs", value: "\(bad)", rule: "token ids must be < vocabulary size \(v)")
        }
        for (position, prompt) in request.prompts.enumerated() {
            let index = request.firstPromptIndex + position
            guard !prompt.isEmpty else { throw .invalidPrompt(promptIndex: index, reason: "it has no tokens") }
            if let bad = prompt.first(where: { $0 < 0 || Int($0) >= v }) {
                throw .invalidPrompt(promptIndex: index, reason: "token id \(bad) is outside 0..<\(v)")
            }
            if let limit = model.maximumSequenceLength, prompt.count + parameters.maxNewTokens > limit {
                throw .contextTooLong(promptIndex: index, required: prompt.count + parameters.maxNewTokens, limit: limit)
            }
        }
    }

    /// Reuses the cache when it is large enough, else allocates a new one.
    private func prepareCache(slots: Int, capacity: Int) -> Model.Cache {
        if let cache, cacheSlots >= slots, cacheCapacity >= capacity { return cache }
        self.cache = nil  // release the old cache before allocating the new one
        let newCache = model.makeCache(slots: max(slots, cacheSlots), capacity: max(capacity, cacheCapacity))
        cache = newCache
        cacheSlots = max(slots, cacheSlots)
        cacheCapacity = max(capacity, cacheCapacity)
        return newCache
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
