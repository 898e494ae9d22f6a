// SamplingParameters: the validated value that says how to pick each next token and when to stop.
// Not the sampling itself (see Sampler) and not tokenizer-aware: stop strings are matched through a
// caller-supplied decoder (see TokenTextDecoder).

/// How tokens are sampled and when a completion stops.
///
/// The logits of each step go through these transforms, in this order (Hugging Face `generate` order):
/// 1. temperature: `logits / temperature` (`temperature == 0` means greedy: the arg-max token, lowest id on ties);
/// 2. top-k: keep the `topK` largest logits, plus every token tied with the `topK`-th (`0` disables);
/// 3. top-p (nucleus): keep the smallest set of most-likely tokens whose probability, renormalised over the
///    survivors of step 2, reaches `topP` (`1` disables);
/// 4. min-p: keep tokens whose probability is at least `minP` times the most likely token's (`0` disables);
/// and the token is drawn from the survivors' renormalised probabilities.
///
/// ```swift
/// var parameters = SamplingParameters(temperature: 0.7, topP: 0.95, maxNewTokens: 512, seed: 42)
/// parameters.stopStrings = ["</answer>"]
/// try parameters.validate()
/// ```
public struct SamplingParameters: Codable, Sendable, Equatable, Hashable {
    /// Softmax temperature, `>= 0`; `0` selects greedy decoding. Default `1`.
    public var temperature: Float
    /// Number of most likely tokens kept, `>= 0`; `0` disables top-k. Default `0`.
    public var topK: Int
    /// Nucleus probability mass kept, in `(0, 1]`; `1` disables top-p. Default `1`.
    public var topP: Float
    /// Minimum probability relative to the most likely token, in `[0, 1]`; `0` disables min-p. Default `0`.
    public var minP: Float
    /// Maximum number of generated tokens per completion, `>= 1` (the stop token counts). Default `256`.
    public var maxNewTokens: Int
    /// Seed of the random streams; completion `(prompt p, sample g)` uses a stream derived from `(seed, p, g)`.
    public var seed: UInt64
    /// Token ids that end a completion (typically the end-of-sequence ids); the stop token is kept in the output.
    public var stopTokenIDs: [Int32]
    /// Strings that end a completion as soon as the decoded text contains one; each must be non-empty.
    /// The tokens that complete the string are kept in the output. Needs a `TokenTextDecoder`.
    public var stopStrings: [String]
    /// Whether each completion also reports the log-probability of its tokens under the unprocessed
    /// logits (`log_softmax(logits)`, before temperature and truncation). Costs one extra pass over V
    /// per token when `temperature` is neither `0` nor `1`. Default `false`.
    public var includeRawLogProbabilities: Bool

    /// Creates sampling parameters; call `validate()` before use (generators do it for you).
    /// - Parameters:
    ///   - temperature: softmax temperature, `0` for greedy.
    ///   - topK: tokens kept by top-k, `0` to disable.
    ///   - topP: nucleus mass, `1` to disable.
    ///   - minP: min-p ratio, `0` to disable.
    ///   - maxNewTokens: generated-token budget per completion.
    ///   - seed: seed of the per-completion random streams.
    ///   - stopTokenIDs: ids that end a completion.
    ///   - stopStrings: strings that end a completion.
    ///   - includeRawLogProbabilities: also report log-probabilities of the unprocessed logits.
    public init(
        temperature: Float = 1, topK: Int = 0, topP: Float = 1, minP: Float = 0,
        maxNewTokens: Int = 256, seed: UInt64 = 0, stopTokenIDs: [Int32] = [], stopStrings: [String] = [],
        includeRawLogProbabilities: Bool = false
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.maxNewTokens = maxNewTokens
        self.seed = seed
        self.stopTokenIDs = stopTokenIDs
        self.stopStrings = stopStrings
        self.includeRawLogProbabilities = includeRawLogProbabilities
    }

    /// Greedy decoding (temperature 0) with the given budget and stop tokens.
    /// - Parameters:
    ///   - maxNewTokens: generated-token budget per completion.
    ///   - stopTokenIDs: ids that end a completion.
    /// - Returns: parameters that always pick the most likely token.
    public static func greedy(maxNewTokens: Int = 256, stopTokenIDs: [Int32] = []) -> SamplingParameters {
        SamplingParameters(temperature: 0, maxNewTokens: maxNewTokens, stopTokenIDs: stopTokenIDs)
    }

    /// Whether decoding is greedy (temperature 0). Top-k 1 is not: it samples uniformly among tied maxima.
    public var isGreedy: Bool { temperature == 0 }

    /// Checks every field against its range.
    /// - Throws: `GenerationError.invalidParameter` naming the first field out of range, its value and the rule.
    public func validate() throws(GenerationError) {
        guard temperature.isFinite, temperature >= 0 else {
            throw .invalidParameter(field: "temperature", value: "\(temperature)", rule: "must be finite and >= 0 (0 = greedy)")
        }
        guard topK >= 0 else {
            throw .invalidParameter(field: "topK", value: "\(topK)", rule: "must be >= 0 (0 = disabled)")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalidParameter(field: "topP", value: "\(topP)", rule: "must be in (0, 1] (1 = disabled)")
        }
        guard minP.isFinite, minP >= 0, minP <= 1 else {
            throw .invalidParameter(field: "minP", value: "\(minP)", rule: "must be in [0, 1] (0 = disabled)")
        }
        guard maxNewTokens >= 1 else {
            throw .invalidParameter(field: "maxNewTokens", value: "\(maxNewTokens)", rule: "must be >= 1")
        }
        if let bad = stopTokenIDs.first(where: { $0 < 0 }) {
            throw .invalidParameter(field: "stopTokenIDs", value: "\(bad)", rule: "token ids must be >= 0")
        }
        if stopStrings.contains(where: \.isEmpty) {
            throw .invalidParameter(field: "stopStrings", value: "\"\"", rule: "stop strings must be non-empty")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case temperature, topK = "top_k", topP = "top_p", minP = "min_p", maxNewTokens = "max_new_tokens", seed
        case stopTokenIDs = "stop_token_ids", stopStrings = "stop", includeRawLogProbabilities = "raw_logprobs"
    }

    /// Decodes parameters from snake_case keys (`temperature`, `top_k`, `top_p`, `min_p`, `max_new_tokens`,
    /// `seed`, `stop_token_ids`, `stop`, `raw_logprobs`); missing keys take their defaults.
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: a `DecodingError` for a wrong type, or `GenerationError.invalidParameter` for a value out of range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SamplingParameters()
        temperature = try container.decodeIfPresent(Float.self, forKey: .temperature) ?? defaults.temperature
        topK = try container.decodeIfPresent(Int.self, forKey: .topK) ?? defaults.topK
        topP = try container.decodeIfPresent(Float.self, forKey: .topP) ?? defaults.topP
        minP = try container.decodeIfPresent(Float.self, forKey: .minP) ?? defaults.minP
        maxNewTokens = try container.decodeIfPresent(Int.self, forKey: .maxNewTokens) ?? defaults.maxNewTokens
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        stopTokenIDs = try container.decodeIfPresent([Int32].self, forKey: .stopTokenIDs) ?? defaults.stopTokenIDs
        stopStrings = try container.decodeIfPresent([String].self, forKey: .stopStrings) ?? defaults.stopStrings
        includeRawLogProbabilities = try container.decodeIfPresent(Bool.self, forKey: .includeRawLogProbabilities)
            ?? defaults.includeRawLogProbabilities
        try validate()
    }
}
