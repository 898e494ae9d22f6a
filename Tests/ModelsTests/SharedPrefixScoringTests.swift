// `continuationLogProbs` (prefix once, continuations together through the KV cache) against the training
// forward `tokenLogProbs` over the same sequences padded into one batch.
import Testing
@testable import Models

struct SharedPrefixScoringTests {
    @Test(arguments: TinyModels.configurations) func matchesThePaddedTrainingForward(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let prefix = TinyModels.tokens(5, vocabulary: v, seed: 11)
        let continuations = [7, 1, 0, 4, 9].enumerated().map { TinyModels.tokens($1, vocabulary: v, seed: 100 + UInt64($0)) }
        let temperature: Float = 0.8
        let scored = model.continuationLogProbs(prefix: prefix, continuations: continuations, temperature: temperature)
        #expect(scored.map(\.count) == continuations.map(\.count))
        let batch = TokenBatch(rightPadding: continuations.map { prefix + $0 },
                               targetStarts: Array(repeating: prefix.count, count: continuations.count))
        let full = model.tokenLogProbs(batch, temperature: temperature, keepActivations: false)
        for (j, continuation) in continuations.enumerated() {
            let expected = (0..<continuation.count).map { full[j * batch.length + prefix.count + $0] }
            #expect(maxRelativeDifference(scored[j], expected) < 1e-4, "continuation \(j)")
        }
    }

    @Test func aContinuationScoresTheSameAloneAndInAGroup() throws {
        let configuration = TinyModels.configurations[0]
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let prefix = TinyModels.tokens(3, vocabulary: v, seed: 5)
        let group = (0..<4).map { TinyModels.tokens(3 + 2 * $0, vocabulary: v, seed: 50 + UInt64($0)) }
        let together = model.continuationLogProbs(prefix: prefix, continuations: group)
        for (j, continuation) in group.enumerated() {
            let alone = model.continuationLogProbs(prefix: prefix, continuations: [continuation])[0]
            #expect(maxRelativeDifference(alone, together[j]) < 1e-5)
        }
    }
}
