// RepetitionPenaltyReward.swift — open-r1 `get_repetition_penalty_reward` (word n-grams).
// Follows huggingface/open-r1 src/open_r1/rewards.py (commit 0056faa6), itself from
// eddycmu/demystify-long-cot (arXiv 2502.03373 appendix C.2).

/// N-gram repetition penalty: `(1 − unique_ngrams / total_ngrams) · maxPenalty`.
///
/// Words are the lowercased text split on whitespace (Python `text.lower().split()`). An empty text or
/// one with fewer than `ngramSize` words scores 0. `maxPenalty` must be ≤ 0.
public struct RepetitionPenaltyReward: RewardFunction {
    public let name: String
    /// n, the n-gram size (≥ 1).
    public let ngramSize: Int
    /// The most negative reward (≤ 0), reached when every n-gram repeats.
    public let maxPenalty: Double

    /// Creates the reward.
    /// - Parameters:
    ///   - ngramSize: n ≥ 1 (open-r1 recipes use 3).
    ///   - maxPenalty: ≤ 0 (open-r1 recipes use −1.0).
    ///   - name: report name (default "repetition").
    /// - Throws: `RewardsError.invalidParameter`.
    public init(ngramSize: Int = 3, maxPenalty: Double = -1.0, name: String = "repetition") throws {
        guard ngramSize >= 1 else {
            throw RewardsError.invalidParameter(reward: name, parameter: "ngram_size", value: "\(ngramSize)", expected: "an integer ≥ 1")
        }
        guard maxPenalty.isFinite && maxPenalty <= 0 else {
            throw RewardsError.invalidParameter(reward: name, parameter: "max_penalty", value: "\(maxPenalty)", expected: "a finite number ≤ 0")
        }
        self.ngramSize = ngramSize
        self.maxPenalty = maxPenalty
        self.name = name
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        let words = completion.text.lowercased().split(whereSeparator: { $0.isWhitespace })
        guard words.count >= ngramSize else { return 0 }
        let n = ngramSize
        var seen = Set<[Substring]>()
        let total = words.count - n + 1
        seen.reserveCapacity(total)
        for i in 0..<total { seen.insert(Array(words[i..<(i + n)])) }
        let scaling = 1.0 - Double(seen.count) / Double(total)
        return scaling * maxPenalty
    }
}
