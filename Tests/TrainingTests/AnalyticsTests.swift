// AnalyticsTests.swift — reflection words, language mixing (against the Python reference), FLOPs and cost
// (hand-computed), dynamic sampling and completion masks.

import Foundation
import Testing
@testable import Training

@Suite struct AnalyticsTests {
    static func texts() throws -> [[String: Any]] {
        try #require(try TrainingFixtures.json("grpo_reference.json")["texts"] as? [[String: Any]])
    }

    @Test(arguments: 0..<5)
    func reflectionCountsMatchReference(index: Int) throws {
        let row = try Self.texts()[index]
        let expected = try #require(row["reflection"] as? [String: Any])
        let vocabulary = try #require(try TrainingFixtures.json("grpo_reference.json")["reflection_words"] as? [String])
        #expect(vocabulary == ReflectionMetrics.defaultWords)
        let counts = ReflectionMetrics.count(in: row["text"] as! String)
        #expect(counts.words == Int(number(expected["words"])))
        #expect(counts.total == Int(number(expected["total"])))
        let perWord = try #require(expected["counts"] as? [String: Any])
        for (word, n) in perWord { #expect(counts.counts[word] == Int(number(n)), "\(word)") }
    }

    @Test(arguments: 0..<5)
    func languageCompositionMatchesReference(index: Int) throws {
        let row = try Self.texts()[index]
        let expected = try #require(row["language"] as? [String: Any])
        let composition = LanguageMixing.composition(of: row["text"] as! String)
        #expect(composition.total == Int(number(expected["units"])))
        #expect(abs(composition.fraction(of: .latin) - number(expected["latin_fraction"])) < 1e-12)
        #expect(composition.isMixed == (expected["mixed"] as? Bool))
    }

    @Test func reflectionRateAggregates() {
        // "wait" (1 of 2 words) and nothing (0 of 3 words): 1 hit in 5 words = 200 per 1,000; half the texts.
        let rate = ReflectionMetrics.rate(["Wait, no.", "three plain words"])
        #expect(rate.perThousandWords == 200)
        #expect(rate.completionFraction == 0.5)
        #expect(LanguageMixing.mixingRate(["plain", "mixed 混合"]) == 0.5)
    }

    @Test func flopsByHand() {
        // N = 1e6, L = 2, d = 8, n = 3 tokens: 2·1e6·3 + 2·2·8·3·4 = 6,000,000 + 384.
        let model = ComputeModel(parameters: 1e6, layers: 2, attentionWidth: 8)
        #expect(model.forwardFLOPs(tokens: 3) == 6_000_384)
        #expect(model.trainingFLOPs(tokens: 3) == 18_001_152)
        #expect(model.generationFLOPs(prompt: 2, completion: 1) == 6_000_384)
        #expect(model.approximateTrainingFLOPs(tokens: 3) == 18_000_000)
        var account = CostAccount()
        account.recordStep(model: model, promptLengths: [2, 2], completionLengths: [1, 1], referenceForward: true)
        #expect(account.generationFLOPs == 2 * 6_000_384)
        #expect(account.trainingFLOPs == 2 * 18_001_152)
        #expect(account.scoringFLOPs == 2 * 6_000_384)
        #expect(account.generatedTokens == 2 && account.trainedTokens == 6)
    }

    @Test func costByHand() {
        // 989e12 FLOP/s · 0.5 MFU · 3600 s = 1.7802e18 FLOPs per GPU-hour; twice that costs 2 h · $2 = $4.
        let cost = CostModel(peakFLOPsPerSecond: 989e12, utilization: 0.5, dollarsPerHour: 2)
        let flops = 2 * 989e12 * 0.5 * 3600
        #expect(abs(cost.hours(for: flops) - 2) < 1e-12)
        #expect(abs(cost.dollars(for: flops) - 4) < 1e-12)
    }

    @Test func dynamicSamplingFindsUniformGroups() {
        let rewards: [Double] = [1, 1, 1, 0, 1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]
        #expect(DynamicSampling.uniformGroups(rewards: rewards, groupSize: 4) == [2])
        #expect(DynamicSampling.informativeGroups(rewards: rewards, groupSize: 4) == [0, 1])
        #expect(DynamicSampling.uniformGroups(rewards: rewards, groupSize: 2) == [0, 3, 4, 5])
        #expect(DynamicSampling.completionIndices(ofGroups: [1, 3], groupSize: 2) == [2, 3, 6, 7])
    }

    @Test func completionMasks() {
        var mask = CompletionMask.fromLengths([2, 3, 0], paddedLength: 3)
        #expect(mask == [1, 1, 0, 1, 1, 1, 0, 0, 0])
        let masked = CompletionMask.maskTruncated(&mask, truncated: [false, true, false], paddedLength: 3)
        #expect(masked == 1)
        #expect(mask == [1, 1, 0, 0, 0, 0, 0, 0, 0])
    }
}
