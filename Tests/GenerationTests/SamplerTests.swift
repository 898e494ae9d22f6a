// Tests of Sampler: its fused fast path against the numpy reference distributions (Hugging Face warper
// semantics), log-probabilities against reference log-softmax rows, sampled frequencies against the
// reference probabilities, greedy and seeded behaviour, and the fast path at V = 49152 against the
// plain LogitsTransform composition.

import Foundation
import Testing
@testable import Generation

@Suite struct SamplerTests {
    static let fixture = ReferenceFixture.shared

    static func expectMatches(_ fast: [Int32: Double], kept: [Int32], probabilities: [Double], _ label: String) {
        #expect(Set(fast.keys) == Set(kept), "\(label): kept set differs")
        var worst = 0.0
        for (token, p) in zip(kept, probabilities) {
            worst = max(worst, abs((fast[token] ?? 0) - p) / max(p, 1e-3))
        }
        #expect(worst < 2e-5, "\(label): worst relative probability error \(worst)")
    }

    @Test func fastPathMatchesReferenceDistributions() throws {
        for (n, case_) in Self.fixture.distributions.enumerated() {
            let row = Self.fixture.row(case_.row)
            let sampler = try Sampler(vocabularySize: row.count, parameters: case_.samplingParameters)
            let label = "case \(n) \(case_.row) \(case_.parameters)"
            Self.expectMatches(sampler.samplingDistribution(logits: row), kept: case_.kept, probabilities: case_.probabilities, label)
        }
    }

    @Test func referenceCompositionMatchesNumpy() {
        for case_ in Self.fixture.distributions where case_.parameters.temperature > 0 {
            let row = Self.fixture.row(case_.row)
            let reference = LogitsTransform.referenceDistribution(
                logits: row, transforms: LogitsTransform.transforms(for: case_.samplingParameters))
            var asMap: [Int32: Double] = [:]
            for (i, p) in reference.enumerated() where p > 0 { asMap[Int32(i)] = p }
            Self.expectMatches(asMap, kept: case_.kept, probabilities: case_.probabilities, "reference \(case_.row) \(case_.parameters)")
        }
    }

    @Test func greedyPicksLowestIndexMaximumWithoutConsumingRandomness() throws {
        let sampler = try Sampler(vocabularySize: 8, parameters: .greedy())
        var rng = Xoshiro256StarStar(seed: 5)
        let before = rng
        let row = Self.fixture.row("ties")  // maximum 3.0 at ids 1, 3, 6
        let sampled = sampler.sample(logits: row, using: &rng)
        #expect(sampled.token == 1)
        #expect(rng == before)
        let reference = Self.fixture.logSoftmax.first { $0.row == "ties" && $0.temperature == 1 }!
        #expect(abs(Double(sampled.logProbability) - reference.raw[1]) < 1e-5)
        #expect(sampled.samplingLogProbability == 0)
    }

    @Test func logProbabilitiesMatchReferenceLogSoftmax() throws {
        for reference in Self.fixture.logSoftmax {
            let row = Self.fixture.row(reference.row)
            let parameters = SamplingParameters(temperature: reference.temperature, includeRawLogProbabilities: true)
            let sampler = try Sampler(vocabularySize: row.count, parameters: parameters)
            var rng = Xoshiro256StarStar(seed: 11)
            var worst = 0.0
            for _ in 0..<40 {
                let s = sampler.sample(logits: row, using: &rng)
                let i = Int(s.token)
                worst = max(worst, abs(Double(s.logProbability) - reference.tempered[i]))
                worst = max(worst, abs(Double(s.rawLogProbability!) - reference.raw[i]))
                worst = max(worst, abs(Double(s.samplingLogProbability) - reference.tempered[i]))
            }
            #expect(worst < 2e-5, "\(reference.row) T=\(reference.temperature): worst error \(worst)")
        }
    }

    @Test func samplingLogProbabilityIsUnderTruncatedDistribution() throws {
        for case_ in Self.fixture.distributions where case_.parameters.temperature > 0 && case_.row != "wide" {
            let row = Self.fixture.row(case_.row)
            let sampler = try Sampler(vocabularySize: row.count, parameters: case_.samplingParameters)
            var rng = Xoshiro256StarStar(seed: 3)
            for _ in 0..<10 {
                let s = sampler.sample(logits: row, using: &rng)
                let position = case_.kept.firstIndex(of: s.token)
                #expect(position != nil, "sampled a removed token \(s.token) in \(case_.row) \(case_.parameters)")
                if let position {
                    #expect(abs(Double(s.samplingLogProbability) - Foundation.log(case_.probabilities[position])) < 2e-5)
                }
            }
        }
    }

    /// Draws many tokens and compares each token's frequency with its reference probability:
    /// |f − p| ≤ 4.5 σ + 1/N with σ = sqrt(p(1 − p)/N) (a fixed seed makes the outcome deterministic).
    @Test(arguments: [
        ("small", Float(0.7), 0, Float(1), Float(0), 20_000),
        ("ties", 1, 3, 1, 0, 20_000),
        ("small", 0.8, 0, 0.9, 0, 20_000),
        ("masked", 1, 0, 1, 0.1, 20_000),
        ("wide", 1, 5, 1, 0, 400),
        ("ties", 0.6, 6, 0.8, 0.05, 20_000),
        ("masked", 0.8, 0, 0.9, 0, 20_000),
    ])
    func frequenciesMatchReferenceProbabilities(
        row name: String, temperature: Float, topK: Int, topP: Float, minP: Float, draws n: Int
    ) throws {
        let case_ = try #require(Self.fixture.distributions.first {
            $0.row == name && $0.parameters.temperature == temperature && $0.parameters.topK == topK
                && $0.parameters.topP == topP && $0.parameters.minP == minP
        })
        let row = Self.fixture.row(name)
        let sampler = try Sampler(vocabularySize: row.count, parameters: case_.samplingParameters)
        var rng = Xoshiro256StarStar(seed: 2026)
        var counts = [Int](repeating: 0, count: row.count)
        for _ in 0..<n { counts[Int(sampler.sample(logits: row, using: &rng).token)] += 1 }
        var expected = [Double](repeating: 0, count: row.count)
        for (token, p) in zip(case_.kept, case_.probabilities) { expected[Int(token)] = p }
        for i in 0..<row.count {
            let frequency = Double(counts[i]) / Double(n)
            let p = expected[i]
            let tolerance = 4.5 * (p * (1 - p) / Double(n)).squareRoot() + 1 / Double(n)
            #expect(abs(frequency - p) <= tolerance, "token \(i): frequency \(frequency), probability \(p)")
        }
    }

    @Test func sameSeedSameTokensDifferentSeedDifferentTokens() throws {
        let row = Self.fixture.row("small")
        let sampler = try Sampler(vocabularySize: row.count, parameters: SamplingParameters(temperature: 1.2))
        func draw(_ seed: UInt64) -> [Int32] {
            var rng = Xoshiro256StarStar(seed: seed)
            return (0..<64).map { _ in sampler.sample(logits: row, using: &rng).token }
        }
        #expect(draw(1) == draw(1))
        #expect(draw(1) != draw(2))
    }

    @Test func topKAtLeastVocabularyIsNoTopK() throws {
        let row = Self.fixture.row("small")
        let a = try Sampler(vocabularySize: row.count, parameters: SamplingParameters(topK: row.count)).samplingDistribution(logits: row)
        let b = try Sampler(vocabularySize: row.count, parameters: SamplingParameters()).samplingDistribution(logits: row)
        #expect(a == b)
        #expect(a.count == row.count)
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: GenerationError.self) { try Sampler(vocabularySize: 10, parameters: SamplingParameters(topP: 2)) }
        #expect(throws: GenerationError.self) { try Sampler(vocabularySize: 0, parameters: SamplingParameters()) }
    }

    /// The fused path at the real vocabulary size, on rows with many ties, against the plain composition.
    @Test(arguments: [
        SamplingParameters(temperature: 0.7, topK: 50),
        SamplingParameters(temperature: 1, topP: 0.9),
        SamplingParameters(temperature: 0.6, topK: 40, topP: 0.8, minP: 0.05),
        SamplingParameters(temperature: 1.3, minP: 0.2),
        SamplingParameters(temperature: 0.5, topP: 0.95),  // nucleus above the 1e-4 guess
        SamplingParameters(temperature: 2, topP: 0.7, minP: 0.3),  // nucleus above the 1e-2 guess, then min-p
        SamplingParameters(temperature: 1, topP: 0.999),  // wide nucleus: neither guess holds the mass
    ])
    func fullVocabularyFastPathMatchesReferenceComposition(parameters: SamplingParameters) throws {
        let v = 49_152
        var rng = Xoshiro256StarStar(seed: 77)
        // Ties from the modular pattern plus a few dominant tokens, as real logits have.
        var row = ReferenceFixture.wideRow(count: v)
        for _ in 0..<20 { row[Int(rng.next() % UInt64(v))] = Float(rng.nextUnitDouble() * 6 + 6) }
        let sampler = try Sampler(vocabularySize: v, parameters: parameters)
        let reference = LogitsTransform.referenceDistribution(logits: row, transforms: sampler.transforms)
        var kept: [Int32] = []
        var probabilities: [Double] = []
        for (i, p) in reference.enumerated() where p > 0 {
            kept.append(Int32(i))
            probabilities.append(p)
        }
        Self.expectMatches(sampler.samplingDistribution(logits: row), kept: kept, probabilities: probabilities, "\(parameters)")
    }
}
