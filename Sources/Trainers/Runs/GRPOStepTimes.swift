// GRPOStepTimes: where the wall time of one GRPO step went, for benchmarks and profiling.

/// Wall-clock split of a GRPO step, in seconds.
public struct GRPOStepTimes: Sendable, Equatable, Codable {
    /// Sampling the completions (prefill + decode), all dynamic-sampling rounds.
    public var sampling = 0.0
    /// Scoring the completions with the rewards.
    public var scoring = 0.0
    /// Reference-model log-probabilities (β ≠ 0).
    public var referenceLogProbs = 0.0
    /// Policy forward (log-probs with kept activations), loss and backward.
    public var policyForwardBackward = 0.0
    /// Gradient clipping and the AdamW update.
    public var optimizer = 0.0

    /// Creates a zero split.
    public init() {}

    /// Sum of the parts.
    public var total: Double { sampling + scoring + referenceLogProbs + policyForwardBackward + optimizer }
}
