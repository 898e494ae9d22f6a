// GRPOStepReport: everything one GRPO step measured — rewards, advantages, loss terms, lengths, time split.

/// One completion as logged to `samples.jsonl`.
public struct GRPOSampleRecord: Sendable, Codable, Equatable {
    /// Prompt text (decoded).
    public var prompt: String
    /// Completion text (decoded, special tokens kept out).
    public var completion: String
    /// Each reward's value (nil: not applicable or failed), in `GRPOStepReport.rewardNames` order.
    public var rewards: [Double?]
    /// Weighted total reward.
    public var totalReward: Double
    /// Group-relative advantage.
    public var advantage: Double
    /// Completion tokens.
    public var tokenCount: Int
    /// Whether the completion hit `max_completion_length`.
    public var truncated: Bool
}

/// Statistics of one GRPO optimizer step (names follow TRL's logs where they exist).
public struct GRPOStepReport: Sendable, Codable, Equatable {
    /// 1-based step number.
    public var step: Int
    /// Reward function names.
    public var rewardNames: [String]
    /// Per reward: mean over completions where it applied (nil if none).
    public var rewardMeans: [Double?]
    /// Per reward: standard deviation over completions where it applied.
    public var rewardStds: [Double?]
    /// Mean weighted total reward (`reward`).
    public var rewardMean: Double
    /// Standard deviation of the total reward (`reward_std`).
    public var rewardStd: Double
    /// Share of completions whose first reward (accuracy by convention) is ≥ 1.
    public var accuracy: Double
    /// Mean and max |advantage|.
    public var advantageMeanAbs: Double
    public var advantageMax: Double
    /// Share of groups whose rewards were all equal (`frac_reward_zero_std`).
    public var zeroStdGroupFraction: Double
    /// Groups dropped by dynamic sampling (summed over refill rounds).
    public var droppedGroups: Int
    /// Loss (last micro-batch sum over the step) and its parts.
    public var loss: Double
    public var policyLoss: Double
    public var klLoss: Double
    /// Token-mean k3 KL to the reference (`kl`); 0 when β = 0.
    public var kl: Double
    /// Clip fractions (`clip_ratio/low_mean`, `high_mean`, `region_mean`).
    public var clipRatioLow: Double
    public var clipRatioHigh: Double
    public var clipRatioRegion: Double
    /// Mean per-token entropy of the sampling distribution estimated as −mean log p of sampled tokens.
    public var entropy: Double
    /// Completion lengths (`completions/mean_length`, `max_length`) and truncation rate (`clipped_ratio`).
    public var completionLengthMean: Double
    public var completionLengthMax: Int
    public var truncatedFraction: Double
    /// Reflection-word rate and language-mixing rate of the completions (R1's behaviours).
    public var reflectionRate: Double
    public var languageMixingRate: Double
    /// Gradient norm before clipping and the learning rate used.
    public var gradNorm: Double
    public var learningRate: Double
    /// Time split in seconds.
    public var samplingSeconds: Double
    public var scoringSeconds: Double
    public var trainingSeconds: Double
    /// Generated tokens and trained tokens this step.
    public var generatedTokens: Int
    public var trainedTokens: Int
    /// FLOPs spent this step (inference 2N per token generated, training 6N per token trained, + reference 2N).
    public var flops: Double
    /// A few completions for `samples.jsonl`.
    public var samples: [GRPOSampleRecord]

    /// Wall seconds of the step.
    public var totalSeconds: Double { samplingSeconds + scoringSeconds + trainingSeconds }
    /// Generated + trained tokens per wall second.
    public var tokensPerSecond: Double { totalSeconds > 0 ? Double(generatedTokens + trainedTokens) / totalSeconds : 0 }
}
