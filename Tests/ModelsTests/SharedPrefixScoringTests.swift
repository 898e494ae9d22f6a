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

    @Test func groupsScoredTogetherMatchEachGroupAlone() throws {
        let configuration = TinyModels.configurations[1]
        let model = try TinyModels.model(configuration)
        let v = configuration.vocabularySize
        let groups = [
            ContinuationGroup(prefix: TinyModels.tokens(4, vocabulary: v, seed: 1),
                              continuations: [6, 0, 3].enumerated().map { TinyModels.tokens($1, vocabulary: v, seed: 10 + UInt64($0)) }),
            ContinuationGroup(prefix: TinyModels.tokens(7, vocabulary: v, seed: 2), continuations: [[], []]),
            ContinuationGroup(prefix: TinyModels.tokens(2, vocabulary: v, seed: 3),
                              continuations: [1, 9].enumerated().map { TinyModels.tokens($1, vocabulary: v, seed: 20 + UInt64($0)) }),
        ]
        let together = model.continuationLogProbs(groups: groups, temperature: 0.9)
        // A budget of one byte puts every group in a pass of its own.
        let split = model.continuationLogProbs(groups: groups, temperature: 0.9, cacheBudget: 1)
        #expect(together.map { $0.map(\.count) } == groups.map { $0.continuations.map(\.count) })
        for (g, group) in groups.enumerated() {
            let alone = model.continuationLogProbs(prefix: group.prefix, continuations: group.continuations, temperature: 0.9)
            for j in group.continuations.indices {
                #expect(maxRelativeDifference(alone[j], together[g][j]) < 1e-5, "group \(g), continuation \(j)")
                #expect(maxRelativeDifference(split[g][j], together[g][j]) < 1e-5, "group \(g), continuation \(j), split")
            }
        }
        #expect(together[1] == [[], []])
        #expect(together[0][0].allSatisfy { $0 < 0 && $0.isFinite })
    }
}
