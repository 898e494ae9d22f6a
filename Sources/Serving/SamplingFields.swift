// SamplingFields: the sampling fields shared by /v1/chat/completions and /v1/completions (n, temperature,
// top_p, max_tokens, stop, seed, plus the common extensions top_k and min_p), validated and turned into the
// Generation module's SamplingParameters. Not the request bodies themselves (see ChatCompletionRequest).
import Generation

/// OpenAI sampling fields, as decoded from a request body.
///
/// Defaults follow the OpenAI API: `n` 1, `temperature` 1, `top_p` 1, no stop strings; `max_tokens` and
/// `seed` default to server settings (`ServingConfiguration`).
public struct SamplingFields: Sendable, Equatable, Decodable {
    /// Completions per prompt, `1...ServingConfiguration.maximumChoices`.
    public var n: Int?
    /// Softmax temperature in `[0, 2]`; 0 is greedy.
    public var temperature: Double?
    /// Nucleus mass in `(0, 1]`.
    public var topP: Double?
    /// Top-k (extension, as in vLLM), `>= 0`; 0 or absent disables it.
    public var topK: Int?
    /// Min-p (extension, as in vLLM), in `[0, 1]`.
    public var minP: Double?
    /// Most generated tokens per choice, `>= 1` (`max_completion_tokens` is accepted as a synonym).
    public var maxTokens: Int?
    /// Stop strings (a string or an array of strings); the returned text ends before the stop string.
    public var stop: [String]?
    /// Seed of the random streams; the same seed, prompt and parameters give the same choices.
    public var seed: Int64?
    /// Must be absent or false: streaming is not implemented.
    public var stream: Bool?

    enum CodingKeys: String, CodingKey {
        case n, temperature, topP = "top_p", topK = "top_k", minP = "min_p", maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens", stop, seed, stream
    }

    /// Creates fields (all optional).
    public init(n: Int? = nil, temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, minP: Double? = nil,
                maxTokens: Int? = nil, stop: [String]? = nil, seed: Int64? = nil, stream: Bool? = nil) {
        self.n = n
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.maxTokens = maxTokens
        self.stop = stop
        self.seed = seed
        self.stream = stream
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        n = try c.decodeIfPresent(Int.self, forKey: .n)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK)
        minP = try c.decodeIfPresent(Double.self, forKey: .minP)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? c.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
        if let one = try? c.decodeIfPresent(String.self, forKey: .stop) {
            stop = [one]
        } else {
            stop = try c.decodeIfPresent([String].self, forKey: .stop)
        }
        seed = try c.decodeIfPresent(Int64.self, forKey: .seed)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
    }

    /// Checks the fields and builds sampling parameters.
    /// - Parameters:
    ///   - configuration: server limits and defaults.
    ///   - stopTokenIDs: the tokenizer's end-of-generation ids.
    ///   - randomSeed: the seed used when the request has none.
    /// - Returns: the number of choices per prompt and the parameters.
    /// - Throws: `ServingError.invalidField` naming the first bad field, or `.unsupported` for `stream: true`.
    public func resolve(configuration: ServingConfiguration, stopTokenIDs: [Int32],
                        randomSeed: () -> UInt64) throws(ServingError) -> (n: Int, parameters: SamplingParameters) {
        if stream == true {
            throw .unsupported(feature: "stream", hint: "responses are returned whole; send stream: false or leave it out")
        }
        let n = self.n ?? 1
        guard (1...configuration.maximumChoices).contains(n) else {
            throw .invalidField(field: "n", value: "\(n)", rule: "n must be in 1...\(configuration.maximumChoices)")
        }
        let temperature = self.temperature ?? 1
        guard temperature.isFinite, (0...2).contains(temperature) else {
            throw .invalidField(field: "temperature", value: "\(temperature)", rule: "temperature must be in [0, 2] (0 = greedy)")
        }
        let topP = self.topP ?? 1
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalidField(field: "top_p", value: "\(topP)", rule: "top_p must be in (0, 1]")
        }
        let topK = self.topK ?? 0
        guard topK >= 0 else { throw .invalidField(field: "top_k", value: "\(topK)", rule: "top_k must be >= 0 (0 = off)") }
        let minP = self.minP ?? 0
        guard minP.isFinite, (0...1).contains(minP) else {
            throw .invalidField(field: "min_p", value: "\(minP)", rule: "min_p must be in [0, 1]")
        }
        let maxTokens = self.maxTokens ?? configuration.defaultMaxTokens
        guard maxTokens >= 1 else {
            throw .invalidField(field: "max_tokens", value: "\(maxTokens)", rule: "max_tokens must be >= 1")
        }
        let stop = self.stop ?? []
        if stop.contains(where: \.isEmpty) {
            throw .invalidField(field: "stop", value: "\"\"", rule: "stop strings must be non-empty")
        }
        let seed = self.seed.map { UInt64(bitPattern: $0) } ?? randomSeed()
        let parameters = SamplingParameters(temperature: Float(temperature), topK: topK, topP: Float(topP), minP: Float(minP),
                                            maxNewTokens: maxTokens, seed: seed, stopTokenIDs: stopTokenIDs, stopStrings: stop)
        return (n, parameters)
    }
}
