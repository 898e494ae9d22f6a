// PolicyLossTests.swift — the GRPO loss family against the numpy reference (values, finite-difference
// gradients computed in Python, metrics) and the analytic gradient against central differences here.

import Foundation
import Testing
@testable import Training

@Suite struct PolicyLossTests {
    struct Case: CustomStringConvertible, Sendable {
        let index: Int
        var description: String { "case \(index)" }
    }

    static func cases() throws -> [[String: Any]] {
        try #require(try TrainingFixtures.json("grpo_reference.json")["policy_loss"] as? [[String: Any]])
    }

    static func make(_ c: [String: Any]) -> (PolicyLossBatch, PolicyLossConfiguration) {
        let cfg = c["config"] as! [String: Any]
        let configuration = PolicyLossConfiguration(
            epsilonLow: number(cfg["epsilon"]), epsilonHigh: number(cfg["epsilon_high"]),
            delta: (cfg["delta"] as? NSNumber)?.doubleValue, beta: number(cfg["beta"]),
            lossType: GRPOLossType(rawValue: cfg["loss_type"] as! String)!,
            importanceSamplingLevel: ImportanceSamplingLevel(rawValue: cfg["level"] as! String)!,
            maxCompletionLength: Int(number(cfg["max_completion_length"])),
            gradientAccumulationSteps: Int(number(cfg["gradient_accumulation_steps"])),
            useBiasCorrectionKL: (cfg["bias_correction_kl"] as? Bool) ?? false)
        let old: [Double]? = c["old_log_probs"] is NSNull ? nil : doubles(c["old_log_probs"])
        let batch = PolicyLossBatch(
            batchSize: Int(number(c["batch_size"])), length: Int(number(c["length"])),
            logProbs: doubles(c["log_probs"]), oldLogProbs: old,
            referenceLogProbs: doubles(c["ref_log_probs"]), advantages: doubles(c["advantages"]),
            mask: doubles(c["mask"]), globalActiveTokens: (cfg["global_active_tokens"] as? NSNumber)?.doubleValue)
        return (batch, configuration)
    }

    @Test(arguments: 0..<11)
    func matchesReference(index: Int) throws {
        let all = try Self.cases()
        try #require(all.count == 11)
        let c = all[index]
        let (batch, configuration) = Self.make(c)
        let result = PolicyLoss.compute(batch, configuration: configuration)
        #expect(abs(result.loss - number(c["loss"])) <= 1e-12 + 1e-10 * abs(number(c["loss"])))
        // Python's gradient is a central difference (h = 1e-6): agreement to ~1e-8.
        #expect(closeness(result.logProbGradient, doubles(c["gradient"]), rtol: 1e-5, atol: 1e-8) <= 1)
        let m = try #require(c["metrics"] as? [String: Any])
        #expect(abs(result.metrics.meanRatio - number(m["mean_ratio"])) < 1e-12)
        #expect(abs(result.metrics.meanKL - number(m["mean_kl"])) < 1e-12)
        #expect(abs(result.metrics.clipRatioLow - number(m["clip_ratio_low"])) < 1e-12)
        #expect(abs(result.metrics.clipRatioHigh - number(m["clip_ratio_high"])) < 1e-12)
        #expect(abs(result.metrics.clipRatioRegion - number(m["clip_ratio_region"])) < 1e-12)
    }

    /// Central differences in Double of the Swift loss itself (off-policy cases; on-policy ratios depend
    /// on the stop-gradient and are covered by the reference gradients above).
    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 9, 10])
    func analyticGradientMatchesCentralDifferences(index: Int) throws {
        let (batch, configuration) = Self.make(try Self.cases()[index])
        let analytic = PolicyLoss.compute(batch, configuration: configuration).logProbGradient
        let h = 1e-6
        var numeric = [Double](repeating: 0, count: analytic.count)
        for k in analytic.indices {
            var plus = batch, minus = batch
            plus.logProbs[k] += h
            minus.logProbs[k] -= h
            numeric[k] = (PolicyLoss.compute(plus, configuration: configuration).loss
                - PolicyLoss.compute(minus, configuration: configuration).loss) / (2 * h)
        }
        #expect(closeness(analytic, numeric, rtol: 1e-5, atol: 1e-8) <= 1)
    }

    @Test func onPolicyDisplayedLossIsZeroButGradientIsNot() {
        // The most asked TRL question: with ratio 1 and centred advantages the loss is ~0, gradients are not.
        let batch = PolicyLossBatch(batchSize: 2, length: 2, logProbs: [-1, -2, -0.5, -0.1],
                                    advantages: [1, -1], mask: [1, 1, 1, 1])
        let result = PolicyLoss.compute(batch, configuration: .init(lossType: .grpo))
        #expect(abs(result.loss) < 1e-15)
        // grpo: weight 1/(B·n_i) = 1/4 per token, ∂ℓ/∂logp = −Â.
        #expect(result.logProbGradient == [-0.25, -0.25, 0.25, 0.25])
    }

    @Test func floatConvenienceMatchesDouble() {
        let f: [Float] = [-1.25, -0.5], o: [Float] = [-1.0, -0.75]
        let a = PolicyLoss.compute(PolicyLossBatch(batchSize: 1, length: 2, logProbs: f, oldLogProbs: o,
                                                   advantages: [0.3], mask: [1, 1]), configuration: .init())
        let b = PolicyLoss.compute(PolicyLossBatch(batchSize: 1, length: 2, logProbs: f.map(Double.init),
                                                   oldLogProbs: o.map(Double.init), advantages: [0.3], mask: [1, 1]),
                                   configuration: .init())
        #expect(a.loss == b.loss && a.logProbGradientFloat == b.logProbGradient.map { Float($0) })
    }

    @Test func clippedTokensGetNoSurrogateGradient() {
        // ratio e^{0.5} ≈ 1.65 > 1.28 with Â > 0: clipped, constant −1.28·Â, zero gradient.
        let batch = PolicyLossBatch(batchSize: 1, length: 1, logProbs: [-0.5], oldLogProbs: [-1.0],
                                    advantages: [2], mask: [1])
        let result = PolicyLoss.compute(batch, configuration: .init(epsilonLow: 0.2, epsilonHigh: 0.28))
        #expect(abs(result.loss + 1.28 * 2) < 1e-12)
        #expect(result.logProbGradient == [0])
        #expect(result.metrics.clipRatioHigh == 1)
    }

    @Test func maskedTokensHaveZeroGradient() {
        let batch = PolicyLossBatch(batchSize: 1, length: 3, logProbs: [-1, -1, -1], oldLogProbs: [-1.1, -1, -1],
                                    referenceLogProbs: [-1, -1.2, -1], advantages: [0.7], mask: [1, 0, 0])
        let result = PolicyLoss.compute(batch, configuration: .init(beta: 0.1))
        #expect(result.logProbGradient[1] == 0 && result.logProbGradient[2] == 0)
        #expect(result.metrics.activeTokens == 1)
    }

    @Test func k3MatchesReference() throws {
        let rows = try #require(try TrainingFixtures.json("grpo_reference.json")["k3"] as? [[String: Any]])
        for row in rows {
            let value = KLPenalty.k3(logProb: number(row["logp"]), referenceLogProb: number(row["ref"]))
            #expect(abs(value - number(row["value"])) < 1e-14)
            #expect(value >= 0)
            let h = 1e-6, lp = number(row["logp"]), rf = number(row["ref"])
            let numeric = (KLPenalty.k3(logProb: lp + h, referenceLogProb: rf)
                - KLPenalty.k3(logProb: lp - h, referenceLogProb: rf)) / (2 * h)
            #expect(abs(KLPenalty.k3Gradient(logProb: lp, referenceLogProb: rf) - numeric) < 1e-8)
        }
    }
}
