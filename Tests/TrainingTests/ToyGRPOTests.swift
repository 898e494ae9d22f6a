// ToyGRPOTests.swift — the pieces wired into a GRPO loop on a policy without a transformer: a categorical
// distribution over V = 4 tokens (logits θ, one shared row), completions of T = 3 independent tokens,
// reward = fraction of tokens equal to 2. Chain rule: ∂logp(a)/∂θ_j = 1[a = j] − p_j. The loop uses
// GroupAdvantages, CompletionMask, BatchPlan, PolicyLoss (μ = 2, so the second pass is off-policy),
// GradientClipping, LearningRateSchedule and AdamW; the mean reward must rise from ~0.25 to > 0.9.

import Foundation
import Testing
@testable import Training

@Suite struct ToyGRPOTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    static func logSoftmax(_ logits: [Float]) -> [Double] {
        let m = Double(logits.max()!)
        let lse = m + log(logits.reduce(0) { $0 + exp(Double($1) - m) })
        return logits.map { Double($0) - lse }
    }

    @Test func rewardImprovesOnAToyTask() throws {
        var configuration = GRPOConfiguration()
        try configuration.apply(overrides: [
            "learning_rate=0.05", "max_steps=100", "lr_scheduler_type=constant_with_warmup", "warmup_ratio=0.05",
            "prompts_per_step=2", "num_generations=8", "per_device_train_batch_size=4", "gradient_accumulation_steps=2",
            "num_iterations=2", "max_completion_length=3", "epsilon_high=0.28", "max_grad_norm=1.0",
            "reward_funcs=[target]",
        ])
        try configuration.validate()
        let vocabulary = 4, length = 3, target = 2
        var theta = [Float](repeating: 0, count: vocabulary)
        let initial = theta
        var optimizer = AdamW(parameterCount: vocabulary, configuration: configuration.adamW)
        let schedule = configuration.learningRateSchedule
        var rng = SplitMix64(state: 7)
        var rewardHistory: [Double] = []
        var step = 0
        while step < configuration.maxSteps {
            // Rollout with the current policy.
            let p = Self.logSoftmax(theta).map(exp)
            let n = configuration.generationBatchSize
            var tokens = [Int](repeating: 0, count: n * length)
            for k in tokens.indices {
                var u = rng.next(), a = 0
                while a < vocabulary - 1 && u >= p[a] { u -= p[a]; a += 1 }
                tokens[k] = a
            }
            let rewards = (0..<n).map { i in Double((0..<length).filter { tokens[i * length + $0] == target }.count) / Double(length) }
            rewardHistory.append(rewards.reduce(0, +) / Double(n))
            let advantages = GroupAdvantages.compute(rewards: GroupAdvantages.combine([rewards]),
                                                     groupSize: configuration.numGenerations,
                                                     scaling: configuration.scaleRewards).advantages
            let mask = CompletionMask.fromLengths([Int](repeating: length, count: n), paddedLength: length)
            let oldLogSoftmax = Self.logSoftmax(theta)
            let oldLogProbs = tokens.map { oldLogSoftmax[$0] }
            let plans = BatchPlan.plan(activeTokens: [Int](repeating: length, count: n),
                                       microBatchSize: configuration.perDeviceTrainBatchSize,
                                       gradientAccumulationSteps: configuration.gradientAccumulationSteps)
            for _ in 0..<configuration.numIterations {
                for plan in plans where step < configuration.maxSteps {
                    var gradient = [Float](repeating: 0, count: vocabulary)
                    for micro in plan.microBatches {
                        let r = (micro.completions.lowerBound * length)..<(micro.completions.upperBound * length)
                        let ls = Self.logSoftmax(theta)
                        let batch = PolicyLossBatch(
                            batchSize: micro.completions.count, length: length, logProbs: tokens[r].map { ls[$0] },
                            oldLogProbs: Array(oldLogProbs[r]), advantages: Array(advantages[micro.completions]),
                            mask: Array(mask[r]), globalActiveTokens: plan.activeTokens)
                        let result = PolicyLoss.compute(batch, configuration: configuration.policyLoss)
                        // Backward through log-softmax: ∂L/∂θ_j = Σ_t g_t (1[a_t = j] − p_j).
                        for (offset, g) in result.logProbGradient.enumerated() {
                            let a = tokens[r.lowerBound + offset]
                            for j in 0..<vocabulary { gradient[j] += Float(g * ((a == j ? 1 : 0) - exp(ls[j]))) }
                        }
                    }
                    gradient.withUnsafeMutableBufferPointer { g in
                        _ = GradientClipping.clip([g], maxNorm: configuration.maxGradNorm)
                        theta.withUnsafeMutableBufferPointer { t in
                            optimizer.update(parameters: t, gradients: UnsafeBufferPointer(g),
                                             learningRate: Float(schedule.learningRate(step: step)))
                        }
                    }
                    step += 1
                }
            }
        }
        #expect(rewardHistory.first! < 0.5)
        #expect(rewardHistory.suffix(3).allSatisfy { $0 > 0.9 }, "reward history \(rewardHistory)")
        #expect(zip(theta, initial).allSatisfy { $0 != $1 })
        #expect(optimizer.state.step == configuration.maxSteps)
    }
}
