// StepMetrics.swift — the metrics of one GRPO step under TRL's names (anchors §2c), plus R1 analytics
// (reflection words, language mixing) that no other trainer logs. Pure: numbers in, dictionary out.

import Foundation

extension PolicyLossMetrics {
    /// Combines the metrics of several micro-batches: losses add up (each is already normalised for
    /// accumulation), means are weighted by what each micro-batch averaged over (tokens or rows).
    public static func combine(_ parts: [PolicyLossMetrics]) -> PolicyLossMetrics {
        var total = PolicyLossMetrics()
        for p in parts {
            total.activeTokens += p.activeTokens
            total.ratioCount += p.ratioCount
            total.policyLoss += p.policyLoss
            total.klLoss += p.klLoss
            total.meanKL += p.meanKL * p.activeTokens
            total.meanRatio += p.meanRatio * p.ratioCount
            total.clipRatioLow += p.clipRatioLow * p.ratioCount
            total.clipRatioHigh += p.clipRatioHigh * p.ratioCount
            total.clipRatioRegion += p.clipRatioRegion * p.ratioCount
        }
        if total.activeTokens > 0 { total.meanKL /= total.activeTokens }
        if total.ratioCount > 0 {
            let n = total.ratioCount
            total.meanRatio /= n
            total.clipRatioLow /= n
            total.clipRatioHigh /= n
            total.clipRatioRegion /= n
        }
        return total
    }
}

/// Builds the metrics dictionary of a step.
public enum StepMetrics {
    /// Metrics of one generation batch and its updates.
    /// - Parameters:
    ///   - rewardNames: [F] reward function names.
    ///   - rewardsPerFunction: [F][N] rewards (nil = not applicable, excluded from that function's mean/std).
    ///   - totalRewards: [N] weighted totals.
    ///   - advantages: the group statistics.
    ///   - completionLengths: [N] completion tokens.
    ///   - truncated: [N] whether each completion hit the length limit.
    ///   - loss: combined loss metrics of the step's micro-batches, if an update ran.
    ///   - completions: completion texts for reflection and language-mixing analytics (may be empty).
    /// - Returns: name → value, e.g. `reward`, `rewards/accuracy/mean`, `completions/clipped_ratio`, `kl`.
    public static func compute(rewardNames: [String], rewardsPerFunction: [[Double?]], totalRewards: [Double],
                               advantages: GroupAdvantages, completionLengths: [Int], truncated: [Bool],
                               loss: PolicyLossMetrics?, completions: [String] = []) -> [String: Double] {
        var m: [String: Double] = [:]
        m["reward"] = mean(totalRewards)
        // TRL logs the mean over completions of their group's standard deviation.
        m["reward_std"] = mean(advantages.groupStandardDeviations)
        m["frac_reward_zero_std"] = advantages.zeroStandardDeviationFraction
        for (name, rewards) in zip(rewardNames, rewardsPerFunction) {
            let present = rewards.compactMap { $0 }
            m["rewards/\(name)/mean"] = present.isEmpty ? .nan : mean(present)
            m["rewards/\(name)/std"] = present.count < 2 ? .nan : sampleStandardDeviation(present)
        }
        let lengths = completionLengths.map(Double.init)
        m["completions/mean_length"] = mean(lengths)
        m["completions/min_length"] = lengths.min() ?? 0
        m["completions/max_length"] = lengths.max() ?? 0
        m["completions/clipped_ratio"] = truncated.isEmpty ? 0 : Double(truncated.filter { $0 }.count) / Double(truncated.count)
        let terminated = zip(lengths, truncated).filter { !$0.1 }.map(\.0)
        m["completions/mean_terminated_length"] = terminated.isEmpty ? 0 : mean(terminated)
        if let loss {
            m["loss"] = loss.policyLoss + loss.klLoss
            m["kl"] = loss.meanKL
            m["clip_ratio/low_mean"] = loss.clipRatioLow
            m["clip_ratio/high_mean"] = loss.clipRatioHigh
            m["clip_ratio/region_mean"] = loss.clipRatioRegion
            m["importance_ratio/mean"] = loss.meanRatio
        }
        if !completions.isEmpty {
            let reflection = ReflectionMetrics.rate(completions)
            m["reflection/per_1k_words"] = reflection.perThousandWords
            m["reflection/completion_fraction"] = reflection.completionFraction
            m["language/mixing_rate"] = LanguageMixing.mixingRate(completions)
        }
        return m
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    private static func sampleStandardDeviation(_ values: [Double]) -> Double {
        let mu = mean(values)
        return (values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(values.count - 1)).squareRoot()
    }
}
