// TagCountReward.swift — open-r1 `tag_count`: 0.25 for each of the four tags present exactly once.
// Follows huggingface/open-r1 src/open_r1/rewards.py `tag_count_reward` (commit 0056faa6).

/// Partial format credit: +0.25 for each of `<think>\n`, `\n</think>\n`, `\n<answer>\n`, `\n</answer>`
/// occurring exactly once (non-overlapping count, as Python's `str.count`). Range [0, 1].
public struct TagCountReward: RewardFunction {
    public let name: String

    /// Creates the reward.
    /// - Parameter name: report name (default "tag_count").
    public init(name: String = "tag_count") { self.name = name }

    static let tags: [[UInt8]] = ["<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"].map { Array($0.utf8) }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        TextScan.withBytes(completion.text) { b in
            var s = 0.0
            for t in Self.tags where TextScan.count(t, in: b) == 1 { s += 0.25 }
            return s
        }
    }
}
