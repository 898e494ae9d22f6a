// CombinedReward.swift — several rewards with weights, scored together (TRL reward_funcs + reward_weights).

/// One reward of a `CombinedReward` with its weight and time budget.
public struct WeightedReward: Sendable {
    /// The reward.
    public var reward: any RewardFunction
    /// Weight in the total (TRL `reward_weights`; default 1).
    public var weight: Double
    /// Seconds allowed per sample (per batch for batch rewards); nil = unlimited.
    public var timeout: Double?

    /// Creates a weighted reward.
    /// - Parameters:
    ///   - reward: the reward.
    ///   - weight: finite weight.
    ///   - timeout: per-sample seconds, nil for none.
    public init(_ reward: any RewardFunction, weight: Double = 1, timeout: Double? = nil) {
        self.reward = reward
        self.weight = weight
        self.timeout = timeout
    }
}

/// Several rewards combined with weights.
///
/// Semantics of the total (TRL's `nansum` of weighted rewards): for each sample,
/// `total = Σ_k w_k · r_k` over the rewards whose outcome is a value; `nil` (not applicable) and
/// failed outcomes count as 0 in the sum. If **every** reward is nil or failed for a sample, the total is
/// `nil` (TRL would log a warning and use 0; here the caller decides, e.g. a zero advantage).
/// Each reward's per-sample outcomes are reported separately.
///
/// Thread-safety: no mutable state; `score` may be called from many threads.
///
/// ```swift
/// let combined = try CombinedReward([WeightedReward(accuracy), WeightedReward(FormatReward(), weight: 0.2)])
/// let scores = combined.score(samples)
/// print(scores.totals, scores.statistics())
/// ```
public struct CombinedReward: Sendable {
    /// The components, in order.
    public let components: [WeightedReward]

    /// Creates a combination.
    /// - Parameter components: at least one reward; weights must be finite; timeouts positive.
    /// - Throws: `RewardsError.invalidParameter` for a bad weight or timeout.
    public init(_ components: [WeightedReward]) throws {
        guard !components.isEmpty else {
            throw RewardsError.invalidParameter(reward: "combined", parameter: "rewards", value: "[]", expected: "at least one reward")
        }
        for c in components {
            guard c.weight.isFinite else {
                throw RewardsError.invalidParameter(reward: c.reward.name, parameter: "weight", value: "\(c.weight)", expected: "a finite number")
            }
            if let t = c.timeout, !(t > 0 && t.isFinite) {
                throw RewardsError.invalidParameter(reward: c.reward.name, parameter: "timeout", value: "\(t)", expected: "a positive number of seconds")
            }
        }
        self.components = components
    }

    /// Reward names, in order.
    public var names: [String] { components.map(\.reward.name) }

    /// Scores a batch with every reward.
    /// - Parameter samples: the samples (e.g. B prompts × G completions, flattened).
    /// - Returns: per-reward outcomes and weighted totals.
    public func score(_ samples: [RewardSample]) -> RewardBatchScores {
        let outcomes = components.map { $0.reward.scoreBatch(samples, timeout: $0.timeout) }
        var totals = [Double?](repeating: nil, count: samples.count)
        for i in 0..<samples.count {
            var sum = 0.0
            var any = false
            for (k, c) in components.enumerated() {
                if let v = outcomes[k][i].value {
                    sum += c.weight * v
                    any = true
                }
            }
            totals[i] = any ? sum : nil
        }
        return RewardBatchScores(names: names, weights: components.map(\.weight), outcomes: outcomes, totals: totals)
    }
}

/// Scores of one batch: each reward's outcomes and the weighted totals.
public struct RewardBatchScores: Sendable, Equatable {
    /// Reward names, in component order.
    public let names: [String]
    /// Weights, in component order.
    public let weights: [Double]
    /// `outcomes[k][i]`: reward k on sample i.
    public let outcomes: [[RewardOutcome]]
    /// Weighted totals per sample; nil when every reward was nil/failed for that sample.
    public let totals: [Double?]

    /// Outcomes of the reward named `name`, or nil if absent.
    public func outcomes(named name: String) -> [RewardOutcome]? {
        names.firstIndex(of: name).map { outcomes[$0] }
    }

    /// Per-reward statistics (TRL's `rewards/<name>/mean` and `/std`), plus one entry named "reward" for the totals.
    /// - Returns: statistics in component order, then the totals.
    public func statistics() -> [RewardStatistics] {
        var stats = zip(names, outcomes).map { RewardStatistics(name: $0.0, outcomes: $0.1) }
        stats.append(RewardStatistics(name: "reward", outcomes: totals.map { $0.map(RewardOutcome.value) ?? .notApplicable }))
        return stats
    }
}

/// Mean and standard deviation of one reward over the samples where it applied.
public struct RewardStatistics: Sendable, Equatable, Codable {
    /// Reward name.
    public var name: String
    /// Number of samples with a value.
    public var count: Int
    /// Number of samples where the reward did not apply.
    public var notApplicable: Int
    /// Number of samples where scoring failed.
    public var failed: Int
    /// Mean over values; nil when `count == 0`.
    public var mean: Double?
    /// Sample standard deviation (Bessel-corrected, as TRL's `nanstd`); 0 when `count == 1`, nil when 0.
    public var std: Double?

    /// Computes the statistics of a list of outcomes.
    /// - Parameters:
    ///   - name: reward name.
    ///   - outcomes: outcomes of that reward.
    public init(name: String, outcomes: [RewardOutcome]) {
        self.name = name
        var values: [Double] = []
        var na = 0, failed = 0
        for o in outcomes {
            switch o {
            case .value(let v): values.append(v)
            case .notApplicable: na += 1
            case .failed: failed += 1
            }
        }
        count = values.count
        notApplicable = na
        self.failed = failed
        if values.isEmpty {
            mean = nil
            std = nil
        } else {
            let m = values.reduce(0, +) / Double(values.count)
            mean = m
            if values.count == 1 {
                std = 0
            } else {
                let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
                std = (ss / Double(values.count - 1)).squareRoot()
            }
        }
    }
}
