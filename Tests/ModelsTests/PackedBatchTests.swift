// Packed rows (one prompt, then several continuations that see the prompt and themselves only) against
// the same sequences as ordinary padded rows: log-probabilities, entropies and accumulated gradients
// must agree, since the padded path is the one checked against numpy and central differences.
import Testing
@testable import Models

struct PackedBatchTests {
    /// Two groups of different sizes, so the second packed row is right-padded.
    static func groups(vocabulary v: Int) -> [(prefix: [Int32], continuations: [[Int32]])] {
        [(TinyModels.tokens(5, vocabulary: v, seed: 11), [6, 1, 3].enumerated().map { TinyModels.tokens($1, vocabulary: v, seed: 20 + UInt64($0)) }),
         (TinyModels.tokens(3, vocabulary: v, seed: 12), [4, 2].enumerated().map { TinyModels.tokens($1, vocabulary: v, seed: 30 + UInt64($0)) })]
    }

    /// The padded batch of every prefix + continuation, and for each continuation token (in group order)
    /// its position in the padded batch and in the packed batch.
    static func layouts(_ groups: [(prefix: [Int32], continuations: [[Int32]])], packed: TokenBatch)
        -> (padded: TokenBatch, paddedPositions: [Int], packedPositions: [Int]) {
        let sequences = groups.flatMap { g in g.continuations.map { g.prefix + $0 } }
        let starts = groups.flatMap { g in g.continuations.map { _ in g.prefix.count } }
        let padded = TokenBatch(rightPadding: sequences, targetStarts: starts)
        var paddedPositions: [Int] = [], packedPositions: [Int] = []
        var row = 0
        for (b, g) in groups.enumerated() {
            var offset = g.prefix.count
            for continuation in g.continuations {
                for j in 0..<continuation.count {
                    paddedPositions.append(row * padded.length + g.prefix.count + j)
                    packedPositions.append(b * packed.length + offset + j)
                }
                offset += continuation.count
                row += 1
            }
        }
        return (padded, paddedPositions, packedPositions)
    }

    @Test(arguments: TinyModels.configurations) func packedRowsScoreAndDifferentiateLikePaddedRows(configuration: LlamaConfiguration) throws {
        let model = try TinyModels.model(configuration)
        let groups = Self.groups(vocabulary: configuration.vocabularySize)
        let packed = TokenBatch(packing: groups)
        let (padded, paddedPositions, packedPositions) = Self.layouts(groups, packed: packed)
        #expect(packed.batch == 2 && packed.length == 15 && padded.batch == 5)
        #expect(packed.targetMask.reduce(0, +) == Float(paddedPositions.count))

        let temperature: Float = 0.7
        let reference = model.tokenLogProbsAndEntropies(padded, temperature: temperature, keepActivations: true)
        var paddedUpstream = [Float](repeating: 0, count: padded.tokens.count)
        var packedUpstream = [Float](repeating: 0, count: packed.tokens.count)
        for (k, (p, q)) in zip(paddedPositions, packedPositions).enumerated() {
            let g = Float(k % 7) * 0.3 - 0.9
            paddedUpstream[p] = g
            packedUpstream[q] = g
        }
        model.zeroGradients()
        model.backward(logProbGradient: paddedUpstream)
        let expectedGradient = Array(model.gradients.flat)

        let result = model.tokenLogProbsAndEntropies(packed, temperature: temperature, keepActivations: true)
        #expect(maxRelativeDifference(packedPositions.map { result.logProbs[$0] }, paddedPositions.map { reference.logProbs[$0] }) < 1e-4)
        #expect(maxRelativeDifference(packedPositions.map { result.entropies[$0] }, paddedPositions.map { reference.entropies[$0] }) < 1e-4)
        // Untargeted positions report 0.
        let targeted = Set(packedPositions)
        #expect((0..<packed.tokens.count).allSatisfy { targeted.contains($0) || result.logProbs[$0] == 0 })
        model.zeroGradients()
        model.backward(logProbGradient: packedUpstream)
        let gradient = Array(model.gradients.flat)
        // Summation order differs (one prompt pass gathers every continuation's gradient), so compare the
        // whole vector: float rounding leaves ~1e-7 relative; a wrong mask or position leaves ~1e-1.
        let difference = zip(gradient, expectedGradient).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let scale = expectedGradient.reduce(0.0) { $0 + Double($1 * $1) }
        print("packed vs padded gradient: relative L2 difference \((difference / scale).squareRoot())")
        #expect((difference / scale).squareRoot() < 1e-5)
        #expect(gradient.contains { $0 != 0 })
    }

    @Test func packedLayoutPositionsAndPredictors() {
        let batch = TokenBatch(packing: [([1, 2, 3], [[4, 5], [6]])])
        #expect(batch.tokens == [1, 2, 3, 4, 5, 6])
        #expect(batch.rotaryPositions() == [0, 1, 2, 3, 4, 3])
        #expect(batch.segmentStarts == [0, 0, 0, 3, 3, 5])
        #expect(batch.sharedPrefixLengths == [3])
        #expect(batch.targetMask == [0, 0, 0, 1, 1, 1])
        // The first token of each continuation is predicted by the prompt's last token.
        #expect((3..<6).map { batch.predictingPosition(row: 0, position: $0) } == [2, 3, 2])
        let plain = TokenBatch(rightPadding: [[1, 2, 3]])
        #expect(!plain.isPacked && plain.rotaryPositions() == [0, 1, 2])
        #expect(plain.predictingPosition(row: 0, position: 2) == 1)
    }
}
