// SampledToken: what Sampler returns for one step: the token and its log-probabilities.

/// One sampled token and its log-probabilities under the distributions involved.
public struct SampledToken: Sendable, Equatable, Hashable {
    /// The chosen token id, in `0..<V`.
    public var token: Int32
    /// `log_softmax(logits / temperature)[token]` over the full vocabulary, before top-k/top-p/min-p
    /// truncation: the tempered policy log-probability, the quantity GRPO trainers recompute from the
    /// model (TRL divides logits by the temperature the same way). Greedy decoding uses temperature 1 here.
    public var logProbability: Float
    /// Log-probability under the distribution actually sampled from: tempered, truncated and renormalised
    /// over the surviving tokens. `0` for greedy decoding (the token was certain).
    public var samplingLogProbability: Float
    /// `log_softmax(logits)[token]` of the unprocessed logits, when requested
    /// (`SamplingParameters.includeRawLogProbabilities`), else `nil`.
    public var rawLogProbability: Float?

    /// Creates a sampled token record.
    /// - Parameters:
    ///   - token: the chosen id.
    ///   - logProbability: tempered full-vocabulary log-probability.
    ///   - samplingLogProbability: log-probability under the truncated sampling distribution.
    ///   - rawLogProbability: log-probability under the unprocessed logits, if computed.
    public init(token: Int32, logProbability: Float, samplingLogProbability: Float, rawLogProbability: Float? = nil) {
        self.token = token
        self.logProbability = logProbability
        self.samplingLogProbability = samplingLogProbability
        self.rawLogProbability = rawLogProbability
    }
}
