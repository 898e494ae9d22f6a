// StepMetricsTests.swift — batch planning, metric combination and the TRL-named step metrics, by hand.

import Foundation
import Testing
@testable import Training

@Suite struct StepMetricsTests {
    @Test func batchPlanSplitsAndCountsTokens() {
        // 6 completions, micro-batches of 2, 2 per optimizer step → steps {0..<2, 2..<4}, {4..<6}.
        let plan = BatchPlan.plan(activeTokens: [3, 0, 5, 1, 2, 2], microBatchSize: 2, gradientAccumulationSteps: 2)
        #expect(plan.count == 2)
        #expect(plan[0].microBatches.map(\.completions) == [0..<2, 2..<4])
        #expect(plan[0].activeTokens == 9)
        #expect(plan[1].microBatches.map(\.completions) == [4..<6])
        #expect(plan[1].activeTokens == 4)
    }

    @Test func dapoOverMicroBatchesEqualsOneBigBatch() {
        // Splitting a batch into micro-batches normalised by the step's total tokens gives the same loss and
        // gradient as the whole batch at once.
        let logProbs: [Double] = [-1, -0.5, -2, -0.1, -0.3, -0.7, -1.2, -0.9]
        let old: [Double] = [-1.1, -0.4, -2.2, -0.1, -0.2, -0.9, -1.0, -0.9]
        let mask: [Double] = [1, 1, 1, 0, 1, 1, 0, 0]
        let advantages: [Double] = [0.8, -0.3, 1.1, -1.6]
        let whole = PolicyLoss.compute(PolicyLossBatch(batchSize: 4, length: 2, logProbs: logProbs, oldLogProbs: old,
                                                       advantages: advantages, mask: mask), configuration: .init())
        var parts: [PolicyLossResult] = []
        for row in stride(from: 0, to: 4, by: 2) {
            let r = (row * 2)..<(row * 2 + 4)
            parts.append(PolicyLoss.compute(PolicyLossBatch(
                batchSize: 2, length: 2, logProbs: Array(logProbs[r]), oldLogProbs: Array(old[r]),
                advantages: Array(advantages[row..<(row + 2)]), mask: Array(mask[r]), globalActiveTokens: 5),
                configuration: .init()))
        }
        #expect(abs(parts.map(\.loss).reduce(0, +) - whole.loss) < 1e-15)
        #expect(zip(parts.flatMap(\.logProbGradient), whole.logProbGradient).allSatisfy { abs($0 - $1) < 1e-15 })
        let combined = PolicyLossMetrics.combine(parts.map(\.metrics))
        #expect(abs(combined.meanRatio - whole.metrics.meanRatio) < 1e-15)
        #expect(combined.activeTokens == 5)
    }

    @Test func trlNamedMetrics() {
        let perFunction: [[Double?]] = [[1, 0, nil, 1], [1, 1, 1, 0]]
        let totals = GroupAdvantages.combine(perFunction)  // [2, 1, 1, 1]
        let advantages = GroupAdvantages.compute(rewards: totals, groupSize: 2, scaling: .group)
        let m = StepMetrics.compute(rewardNames: ["accuracy", "format"], rewardsPerFunction: perFunction,
                                    totalRewards: totals, advantages: advantages, completionLengths: [10, 20, 30, 40],
                                    truncated: [false, false, false, true], loss: nil,
                                    completions: ["Wait, check.", "ok", "ok", "我 ok"])
        #expect(m["reward"] == 1.25)
        // Group stds: {2, 1} → √0.5, {1, 1} → 0; mean √0.5 / 2.
        #expect(abs(m["reward_std"]! - 0.5.squareRoot() / 2) < 1e-15)
        #expect(m["frac_reward_zero_std"] == 0.5)
        #expect(abs(m["rewards/accuracy/mean"]! - 2.0 / 3.0) < 1e-15)
        #expect(abs(m["rewards/accuracy/std"]! - (1.0 / 3.0).squareRoot()) < 1e-15)
        #expect(m["rewards/format/mean"] == 0.75)
        #expect(m["completions/mean_length"] == 25 && m["completions/max_length"] == 40)
        #expect(m["completions/clipped_ratio"] == 0.25 && m["completions/mean_terminated_length"] == 20)
        // Words: wait, check, ok, ok, ok = 5; hits 2 → 400 per 1,000.
        #expect(m["reflection/per_1k_words"] == 400 && m["reflection/completion_fraction"] == 0.25)
        #expect(m["language/mixing_rate"] == 0.25)
        #expect(m["kl"] == nil)
    }
}
