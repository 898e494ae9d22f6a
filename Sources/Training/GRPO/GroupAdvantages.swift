// GroupAdvantages.swift — GRPO's outcome-supervision advantages (DeepSeekMath, arXiv 2402.03300 §4.1.2)
// with TRL's `scale_rewards` options: Â_i = (r_i − mean_group(r)) / (std + 1e-4), where std is the
// unbiased (Bessel-corrected) standard deviation of the group ("group"), of the whole batch ("batch",
// Lite-PPO), or 1 ("none", Dr. GRPO, arXiv 2503.20783). Rewards of several functions are first summed
// with weights, a missing (nil) reward counting as 0 (TRL's nansum).

import Foundation

/// How rewards are scaled after subtracting the group mean (TRL `scale_rewards`).
public enum RewardScaling: String, Codable, Sendable, CaseIterable {
    /// Divide by the group's standard deviation (GRPO; TRL default).
    case group
    /// Divide by the standard deviation of the whole batch (Lite-PPO).
    case batch
    /// Do not divide (Dr. GRPO).
    case none
}

/// Advantages and the statistics TRL logs with them.
public struct GroupAdvantages: Sendable, Equatable {
    /// [N] advantage per completion (N = groups × G), in the order of the rewards.
    public var advantages: [Double]
    /// [N/G] mean reward of each group.
    public var groupMeans: [Double]
    /// [N/G] unbiased standard deviation of each group's rewards.
    public var groupStandardDeviations: [Double]
    /// Fraction of groups whose rewards are all equal (TRL `frac_reward_zero_std`): they carry no signal.
    public var zeroStandardDeviationFraction: Double

    /// The TRL constant added to the standard deviation before dividing.
    public static let epsilon = 1e-4

    /// Computes group-relative advantages.
    /// - Parameters:
    ///   - rewards: [N] total reward per completion, completions of one prompt adjacent (groups of `groupSize`).
    ///   - groupSize: G, completions per prompt (≥ 2; N must be a multiple).
    ///   - scaling: the `scale_rewards` mode.
    /// - Returns: advantages and group statistics.
    public static func compute(rewards: [Double], groupSize: Int, scaling: RewardScaling) -> GroupAdvantages {
        precondition(groupSize >= 1 && rewards.count % groupSize == 0,
                     "GroupAdvantages: \(rewards.count) rewards are not a whole number of groups of \(groupSize)")
        let groups = rewards.count / groupSize
        var means = [Double](repeating: 0, count: groups)
        var stds = [Double](repeating: 0, count: groups)
        var zeroStd = 0
        for g in 0..<groups {
            let slice = rewards[(g * groupSize)..<((g + 1) * groupSize)]
            means[g] = mean(slice)
            stds[g] = unbiasedStandardDeviation(slice, mean: means[g])
            if slice.allSatisfy({ abs($0 - slice.first!) <= 1e-8 * max(1, abs($0)) }) { zeroStd += 1 }
        }
        let batchStd = scaling == .batch ? unbiasedStandardDeviation(rewards[...], mean: mean(rewards[...])) : 0
        var advantages = [Double](repeating: 0, count: rewards.count)
        for i in rewards.indices {
            let g = i / groupSize
            let centred = rewards[i] - means[g]
            switch scaling {
            case .group: advantages[i] = centred / (stds[g] + epsilon)
            case .batch: advantages[i] = centred / (batchStd + epsilon)
            case .none: advantages[i] = centred
            }
        }
        return GroupAdvantages(advantages: advantages, groupMeans: means, groupStandardDeviations: stds,
                               zeroStandardDeviationFraction: groups == 0 ? 0 : Double(zeroStd) / Double(groups))
    }

    /// Weighted sum of several reward functions per completion; nil (not applicable) counts as 0.
    /// - Parameters:
    ///   - perFunction: [F][N] rewards of each function for each completion.
    ///   - weights: [F] weights (TRL `reward_weights`); nil means all 1.
    /// - Returns: [N] total rewards.
    public static func combine(_ perFunction: [[Double?]], weights: [Double]? = nil) -> [Double] {
        guard let first = perFunction.first else { return [] }
        let weights = weights ?? [Double](repeating: 1, count: perFunction.count)
        precondition(weights.count == perFunction.count, "GroupAdvantages.combine: one weight per reward function")
        precondition(perFunction.allSatisfy { $0.count == first.count }, "GroupAdvantages.combine: ragged rewards")
        var total = [Double](repeating: 0, count: first.count)
        for (f, rewards) in perFunction.enumerated() {
            for (i, reward) in rewards.enumerated() { total[i] += weights[f] * (reward ?? 0) }
        }
        return total
    }

    private static func mean(_ values: ArraySlice<Double>) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Bessel-corrected standard deviation (torch.std default). torch gives NaN for a single value;
    /// 0 is returned instead so that advantages stay finite (a group of one has no spread).
    private static func unbiasedStandardDeviation(_ values: ArraySlice<Double>, mean: Double) -> Double {
        guard values.count >= 2 else { return 0 }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
