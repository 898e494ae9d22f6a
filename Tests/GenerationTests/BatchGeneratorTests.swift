// Tests of BatchGenerator on MockModel: prefill once per prompt and copy to the group, batched decoding
// equal to a plain one-sequence-at-a-time loop, independence from batch composition, greedy determinism,
// stop tokens, stop strings spanning tokens, length limits, statistics and request errors.

import Foundation
import Testing
@testable import Generation
import TensorEngine

@Suite struct BatchGeneratorTests {
    static let prompts: [[Int32]] = [[3, 5, 7], [1], [9, 9, 2, 4, 6], [2, 8]]

    /// The plain reference: one sequence at a time, the model's logits recomputed from the full history,
    /// stop strings searched in the whole decoded completion.
    static func oneByOne(
        model: MockModel, prompt: [Int32], promptIndex: Int, sampleIndex: Int, parameters: SamplingParameters,
        decoder: TokenTextDecoder? = nil
    ) throws -> (tokens: [Int32], logProbabilities: [Float], finish: FinishReason) {
        let sampler = try Sampler(vocabularySize: model.vocabularySize, parameters: parameters)
        var rng = Xoshiro256StarStar(seed: parameters.seed, stream: [promptIndex, sampleIndex])
        var history = prompt
        var tokens: [Int32] = []
        var logProbabilities: [Float] = []
        while true {
            let s = sampler.sample(logits: model.logitsFunction(history, prompt.count), using: &rng)
            tokens.append(s.token)
            logProbabilities.append(s.logProbability)
            history.append(s.token)
            if parameters.stopTokenIDs.contains(s.token) { return (tokens, logProbabilities, .stop(.token(s.token))) }
            if let decoder, let hit = parameters.stopStrings.first(where: { decoder(tokens).contains($0) }) {
                return (tokens, logProbabilities, .stop(.string(hit)))
            }
            if tokens.count == parameters.maxNewTokens { return (tokens, logProbabilities, .length) }
        }
    }

    static let sampling = SamplingParameters(temperature: 0.9, topK: 8, topP: 0.95, maxNewTokens: 12, seed: 31, stopTokenIDs: [0])

    @Test func prefillsEachPromptOnceAndCopiesItsSlotToTheGroup() throws {
        let model = MockModel.hashed(vocabularySize: 17, eosBias: 1)
        let generator = BatchGenerator(model: model)
        let batch = try generator.complete(CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 4, parameters: Self.sampling), decoder: nil)
        #expect(model.prefills == Self.prompts)
        #expect(model.copies == Self.prompts.count * 3)
        #expect(batch.completions.count == 16)
        #expect(batch.completions.map(\.promptIndex) == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
        #expect(batch.completions.map(\.sampleIndex) == Array(repeating: [0, 1, 2, 3], count: 4).flatMap { $0 })
        // All prompts fit at once, so the live batch only shrinks as sequences finish.
        #expect(model.decodeBatchSizes == model.decodeBatchSizes.sorted(by: >))
        #expect(model.decodeBatchSizes.first ?? 0 <= 16)
        #expect(batch.statistics.promptTokens == Self.prompts.map(\.count).reduce(0, +))
        #expect(batch.statistics.generatedTokens == batch.completions.map(\.tokens.count).reduce(0, +))
        #expect(batch.statistics.decodeSteps == model.decodeBatchSizes.count)
        #expect(batch.statistics.peakBatchSize == model.decodeBatchSizes.max() ?? 0)
        #expect(batch.completions.allSatisfy { $0.promptTokenCount == Self.prompts[$0.promptIndex].count })
    }

    /// With two engine workers the rows of each decode step are sampled in parallel, each by its worker's
    /// sampler from its own sequence's stream: still exactly the one-by-one reference.
    @Test(arguments: [(64, 1), (4, 1), (5, 1), (9, 1), (9, 2), (64, 2)])
    func batchedEqualsOneByOne(maximumConcurrentSequences: Int, threads: Int) throws {
        let previous = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = previous }
        let model = MockModel.hashed(vocabularySize: 17, eosBias: 1)
        let generator = BatchGenerator(model: model, maximumConcurrentSequences: maximumConcurrentSequences)
        let batch = try generator.complete(CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 4, parameters: Self.sampling), decoder: nil)
        var reasons = Set<String>()
        for completion in batch.completions {
            let reference = try Self.oneByOne(
                model: model, prompt: Self.prompts[completion.promptIndex], promptIndex: completion.promptIndex,
                sampleIndex: completion.sampleIndex, parameters: Self.sampling)
            #expect(completion.tokens == reference.tokens)
            #expect(completion.logProbabilities == reference.logProbabilities)
            #expect(completion.finishReason == reference.finish)
            reasons.insert(completion.finishReason.description)
        }
        #expect(reasons.count >= 2, "the fixture should produce both EOS stops and length stops: \(reasons)")
        #expect(Set(batch.completions.map(\.tokens)).count > 4, "samples of a prompt should differ")
    }

    @Test func resultsDoNotDependOnBatchComposition() throws {
        let model = MockModel.hashed(vocabularySize: 17, eosBias: 1)
        let all = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 3, parameters: Self.sampling), decoder: nil)
        var separate: [Completion] = []
        for (index, prompt) in Self.prompts.enumerated().reversed() {
            let single = try BatchGenerator(model: model, maximumConcurrentSequences: 3).complete(
                CompletionRequest(prompts: [prompt], samplesPerPrompt: 3, parameters: Self.sampling, firstPromptIndex: index), decoder: nil)
            separate = single.completions + separate
        }
        #expect(all.completions.count == separate.count)
        #expect(zip(all.completions, separate).allSatisfy { $0.hasSameContent(as: $1) })
    }

    @Test func seededRunsRepeatAndSeedsDiffer() throws {
        let model = MockModel.hashed(vocabularySize: 17, eosBias: 1)
        let generator = BatchGenerator(model: model)
        let request = CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 2, parameters: Self.sampling)
        let first = try generator.complete(request, decoder: nil).completions
        let again = try generator.complete(request, decoder: nil).completions
        #expect(zip(first, again).allSatisfy { $0.hasSameContent(as: $1) })
        var reseeded = request
        reseeded.parameters.seed = 32
        let other = try generator.complete(reseeded, decoder: nil).completions
        #expect(first.map(\.tokens) != other.map(\.tokens))
    }

    @Test func greedyGroupsAreIdenticalAndFollowTheArgMax() throws {
        let model = MockModel.hashed(vocabularySize: 17, eosBias: 0.5)
        let parameters = SamplingParameters.greedy(maxNewTokens: 10, stopTokenIDs: [0])
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: Self.prompts, samplesPerPrompt: 3, parameters: parameters), decoder: nil)
        for completion in batch.completions {
            let group = batch.completions.filter { $0.promptIndex == completion.promptIndex }
            #expect(group.allSatisfy { $0.tokens == completion.tokens })
            // Independent greedy loop: arg-max of the full-history logits, log-softmax in Double.
            var history = Self.prompts[completion.promptIndex]
            for (position, token) in completion.tokens.enumerated() {
                let row = model.logitsFunction(history, Self.prompts[completion.promptIndex].count)
                let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
                #expect(Int(token) == best)
                #expect(abs(Double(completion.logProbabilities[position]) - referenceLogSoftmax(row, best)) < 1e-5)
                #expect(completion.samplingLogProbabilities[position] == 0)
                history.append(token)
            }
        }
    }

    // MARK: - Stop conditions

    /// Vocabulary of the stop tests: id → text.
    static let pieces = ["<eos>", "The", " answer", " is", " 4", "</", "ans", "wer>", "\r", "\n", "é", "x"]
    static func decoder(_ ids: [Int32]) -> String { ids.map { pieces[Int($0)] }.joined() }

    @Test func stopStringSpanningTokensEndsTheCompletionAfterTheCompletingToken() throws {
        let script: [Int32] = [1, 2, 3, 4, 5, 6, 7, 11, 11]
        let model = MockModel.scripted(vocabularySize: Self.pieces.count, script: script)
        var parameters = SamplingParameters.greedy(maxNewTokens: 20, stopTokenIDs: [0])
        parameters.stopStrings = ["</answer>", "never"]
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [[11]], samplesPerPrompt: 2, parameters: parameters), decoder: Self.decoder)
        for completion in batch.completions {
            #expect(completion.tokens == [1, 2, 3, 4, 5, 6, 7])
            #expect(completion.finishReason == .stop(.string("</answer>")))
        }
    }

    @Test func stopStringIsMatchedOnBytesAcrossGraphemes() throws {
        // "\r" then "\n" form one grapheme; the stop string "\n" must still be found.
        let model = MockModel.scripted(vocabularySize: Self.pieces.count, script: [10, 8, 9, 11])
        var parameters = SamplingParameters.greedy(maxNewTokens: 20)
        parameters.stopStrings = ["\n"]
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [[1]], parameters: parameters), decoder: Self.decoder)
        #expect(batch.completions[0].tokens == [10, 8, 9])
        #expect(batch.completions[0].finishReason == .stop(.string("\n")))
    }

    @Test func stopTokenIsKeptAndEndsTheCompletion() throws {
        let model = MockModel.scripted(vocabularySize: Self.pieces.count, script: [1, 2, 0, 3])
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [[4]], parameters: .greedy(maxNewTokens: 20, stopTokenIDs: [0])), decoder: nil)
        #expect(batch.completions[0].tokens == [1, 2, 0])
        #expect(batch.completions[0].finishReason == .stop(.token(0)))
    }

    @Test func stopAtTheFirstTokenFreesTheSlotWithoutDecoding() throws {
        let model = MockModel.scripted(vocabularySize: Self.pieces.count, script: [0])
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [[4], [5]], samplesPerPrompt: 2, parameters: .greedy(maxNewTokens: 20, stopTokenIDs: [0])),
            decoder: nil)
        #expect(batch.completions.map(\.tokens) == [[0], [0], [0], [0]])
        #expect(model.decodeBatchSizes.isEmpty)
    }

    @Test func lengthLimitStopsAtMaxNewTokens() throws {
        let model = MockModel.scripted(vocabularySize: Self.pieces.count, script: [1, 2, 3, 4, 5, 6])
        let batch = try BatchGenerator(model: model).complete(
            CompletionRequest(prompts: [[4]], parameters: .greedy(maxNewTokens: 4, stopTokenIDs: [0])), decoder: nil)
        #expect(batch.completions[0].tokens == [1, 2, 3, 4])
        #expect(batch.completions[0].finishReason == .length)
    }

    @Test func stopStringsMatchOneByOneReferenceWhenSampling() throws {
        // Random text over the piece vocabulary; stop on " is" or "x</" (which can span two tokens).
        let model = MockModel.hashed(vocabularySize: Self.pieces.count)
        var parameters = SamplingParameters(temperature: 1, maxNewTokens: 16, seed: 5, stopTokenIDs: [0])
        parameters.stopStrings = [" is", "x</"]
        let batch = try BatchGenerator(model: model, maximumConcurrentSequences: 6).complete(
            CompletionRequest(prompts: Self.prompts.map { $0.map { $0 % 12 } }, samplesPerPrompt: 6, parameters: parameters),
            decoder: Self.decoder)
        var stringStops = 0
        for completion in batch.completions {
            let reference = try Self.oneByOne(
                model: model, prompt: Self.prompts[completion.promptIndex].map { $0 % 12 }, promptIndex: completion.promptIndex,
                sampleIndex: completion.sampleIndex, parameters: parameters, decoder: Self.decoder)
            #expect(completion.tokens == reference.tokens)
            #expect(completion.finishReason == reference.finish)
            if case .stop(.string) = completion.finishReason { stringStops += 1 }
        }
        #expect(stringStops > 0)
    }

    // MARK: - Errors

    @Test func rejectsBadRequestsWithActionableMessages() throws {
        let model = MockModel.hashed(vocabularySize: 17)
        let generator = BatchGenerator(model: model)
        let parameters = SamplingParameters(maxNewTokens: 4)
        #expect(throws: GenerationError.invalidPrompt(promptIndex: 1, reason: "it has no tokens")) {
            try generator.complete(CompletionRequest(prompts: [[1], []], parameters: parameters), decoder: nil)
        }
        #expect(throws: GenerationError.invalidPrompt(promptIndex: 5, reason: "token id 17 is outside 0..<17")) {
            try generator.complete(CompletionRequest(prompts: [[1, 17]], parameters: parameters, firstPromptIndex: 5), decoder: nil)
        }
        var withStops = parameters
        withStops.stopStrings = ["</answer>"]
        #expect(throws: GenerationError.missingTextDecoder(stopStrings: ["</answer>"])) {
            try generator.complete(CompletionRequest(prompts: [[1]], parameters: withStops), decoder: nil)
        }
        #expect(throws: GenerationError.self) {
            try generator.complete(CompletionRequest(prompts: [[1]], samplesPerPrompt: 0, parameters: parameters), decoder: nil)
        }
        let bounded = MockModel(vocabularySize: 5, maximumSequenceLength: 6) { _, _ in [0, 0, 0, 0, 0] }
        #expect(throws: GenerationError.contextTooLong(promptIndex: 0, required: 7, limit: 6)) {
            try BatchGenerator(model: bounded).complete(CompletionRequest(prompts: [[1, 2, 3]], parameters: parameters), decoder: nil)
        }
        #expect(GenerationError.contextTooLong(promptIndex: 0, required: 7, limit: 6).description
            == "Prompt 0 needs 7 positions (prompt + maxNewTokens) but the model allows 6. Shorten the prompt or lower maxNewTokens.")
        #expect(model.prefills.isEmpty, "nothing runs before validation passes")
    }
}
