// Completion: one generated continuation of one prompt (token ids, log-probabilities, why it ended).

/// Why a completion stopped.
public enum FinishReason: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// A stop condition fired (a stop token or a stop string).
    case stop(StopCause)
    /// The completion reached `maxNewTokens` without a stop condition.
    case length

    /// Whether the completion ended on a stop condition rather than the length limit.
    public var isStop: Bool {
        if case .stop = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .stop(.token(id)): return "stop(token \(id))"
        case let .stop(.string(text)): return "stop(string \(text.debugDescription))"
        case .length: return "length"
        }
    }
}

/// The stop condition that ended a completion.
public enum StopCause: Sendable, Equatable, Hashable, Codable {
    /// The last token is one of `SamplingParameters.stopTokenIDs` (end of sequence).
    case token(Int32)
    /// The decoded text of the completion came to contain this stop string.
    case string(String)
}

/// One completion of one prompt.
///
/// `tokens` holds only generated ids (not the prompt), including the token that triggered a stop.
/// The three log-probability arrays are parallel to `tokens` (see `SampledToken` for their meaning).
public struct Completion: Sendable, Equatable, Hashable {
    /// The prompt's index: `CompletionRequest.firstPromptIndex` plus its position in the request.
    public var promptIndex: Int
    /// Which of the prompt's samples this is, in `0..<samplesPerPrompt`.
    public var sampleIndex: Int
    /// Generated token ids, `[N]`, `1 <= N <= maxNewTokens`.
    public var tokens: [Int32]
    /// Tempered full-vocabulary log-probability of each token, `[N]` (greedy: temperature 1).
    public var logProbabilities: [Float]
    /// Log-probability of each token under the truncated distribution it was drawn from, `[N]`.
    public var samplingLogProbabilities: [Float]
    /// Log-probability of each token under the unprocessed logits, `[N]`, if requested.
    public var rawLogProbabilities: [Float]?
    /// Why generation stopped.
    public var finishReason: FinishReason
    /// Number of prompt tokens.
    public var promptTokenCount: Int
    /// Seconds from the start of the request until this completion finished.
    public var elapsedSeconds: Double

    /// Creates a completion record.
    /// - Parameters:
    ///   - promptIndex: the prompt's index.
    ///   - sampleIndex: the sample's index within its prompt.
    ///   - tokens: generated ids.
    ///   - logProbabilities: tempered log-probabilities, parallel to `tokens`.
    ///   - samplingLogProbabilities: truncated-distribution log-probabilities, parallel to `tokens`.
    ///   - rawLogProbabilities: unprocessed log-probabilities, if computed.
    ///   - finishReason: why generation stopped.
    ///   - promptTokenCount: prompt length.
    ///   - elapsedSeconds: time from the request's start to this completion's end.
    public init(
        promptIndex: Int, sampleIndex: Int, tokens: [Int32], logProbabilities: [Float],
        samplingLogProbabilities: [Float], rawLogProbabilities: [Float]? = nil, finishReason: FinishReason,
        promptTokenCount: Int, elapsedSeconds: Double = 0
    ) {
        self.promptIndex = promptIndex
        self.sampleIndex = sampleIndex
        self.tokens = tokens
        self.logProbabilities = logProbabilities
        self.samplingLogProbabilities = samplingLogProbabilities
        self.rawLogProbabilities = rawLogProbabilities
        self.finishReason = finishReason
        self.promptTokenCount = promptTokenCount
        self.elapsedSeconds = elapsedSeconds
    }

    /// Whether two completions have the same content, ignoring timing.
    /// - Parameter other: the completion to compare with.
    /// - Returns: true when everything but `elapsedSeconds` is equal.
    public func hasSameContent(as other: Completion) -> Bool {
        var a = self, b = other
        a.elapsedSeconds = 0
        b.elapsedSeconds = 0
        return a == b
    }
}
