// CosineScaledReward.swift — open-r1 `get_cosine_scaled_reward` (Demystifying Long CoT, arXiv 2502.03373).
// Follows huggingface/open-r1 src/open_r1/rewards.py (commit 0056faa6); the progress is clamped to [0, 1]
// as in TRL's `get_cosine_scaled_reward` (open-r1 lets cos wrap around past max_len).

import Foundation

/// Length-scaled correctness: short correct answers get the most, short wrong answers the least.
///
/// progress = min(len / maxLength, 1); cosine = cos(π · progress);
/// correct: r = minValueCorrect + ½ (maxValueCorrect − minValueCorrect)(1 + cosine);
/// wrong (min/max swapped): r = maxValueWrong + ½ (minValueWrong − maxValueWrong)(1 + cosine).
/// So length 0 gives `maxValueCorrect` / `minValueWrong`, length ≥ maxLength gives `minValueCorrect` /
/// `maxValueWrong`. Correctness comes from `accuracy` (a value ≥ `correctThreshold` is correct); when
/// accuracy is nil the cosine reward is nil too.
public struct CosineScaledReward: RewardFunction {
    /// Parameters (open-r1 names in snake case via the registry).
    public struct Configuration: Sendable, Equatable, Codable {
        /// Reward for the shortest wrong answer (default −1.0).
        public var minValueWrong: Double = -1.0
        /// Reward for a wrong answer at or beyond `maxLength` (default −0.5).
        public var maxValueWrong: Double = -0.5
        /// Reward for a correct answer at or beyond `maxLength` (default 0.5).
        public var minValueCorrect: Double = 0.5
        /// Reward for the shortest correct answer (default 1.0).
        public var maxValueCorrect: Double = 1.0
        /// Length at which the schedule bottoms out (default 1000, open-r1).
        public var maxLength: Int = 1000
        /// Length unit (default `.characters`, open-r1; TRL uses tokens).
        public var lengthUnit: LengthUnit = .characters
        /// Accuracy value at or above which the answer counts as correct (default 1.0).
        public var correctThreshold: Double = 1.0

        /// Creates the default configuration.
        public init() {}

        /// Checks the values.
        /// - Throws: `RewardsError.invalidParameter` naming the bad field.
        public func validate() throws {
            for (n, v) in [("min_value_wrong", minValueWrong), ("max_value_wrong", maxValueWrong),
                           ("min_value_correct", minValueCorrect), ("max_value_correct", maxValueCorrect),
                           ("correct_threshold", correctThreshold)] where !v.isFinite {
                throw RewardsError.invalidParameter(reward: "cosine", parameter: n, value: "\(v)", expected: "a finite number")
            }
            guard maxLength > 0 else {
                throw RewardsError.invalidParameter(reward: "cosine", parameter: "max_len", value: "\(maxLength)", expected: "a positive length")
            }
        }
    }

    public let name: String
    /// The configuration.
    public let configuration: Configuration
    /// The reward that decides correctness.
    public let accuracy: any RewardFunction

    /// Creates the reward.
    /// - Parameters:
    ///   - accuracy: correctness reward (e.g. `MathAccuracyReward`).
    ///   - configuration: values; validated.
    ///   - name: report name (default "cosine").
    /// - Throws: `RewardsError.invalidParameter`.
    public init(accuracy: any RewardFunction, configuration: Configuration = .init(), name: String = "cosine") throws {
        try configuration.validate()
        self.accuracy = accuracy
        self.configuration = configuration
        self.name = name
    }

    /// The cosine schedule for a given length and correctness.
    /// - Parameters:
    ///   - length: completion length (in the configured unit).
    ///   - correct: whether the answer is correct.
    /// - Returns: the reward.
    public func value(length: Int, correct: Bool) -> Double {
        let c = configuration
        let progress = min(Double(length) / Double(c.maxLength), 1.0)
        let cosine = cos(progress * Double.pi)
        let (lo, hi) = correct ? (c.minValueCorrect, c.maxValueCorrect) : (c.maxValueWrong, c.minValueWrong)
        return lo + 0.5 * (hi - lo) * (1.0 + cosine)
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        guard let acc = try accuracy.score(completion, for: example) else { return nil }
        let length = try configuration.lengthUnit.length(of: completion, reward: name)
        return value(length: length, correct: acc >= configuration.correctThreshold)
    }
}
