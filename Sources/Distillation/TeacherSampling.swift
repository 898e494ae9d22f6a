// TeacherSampling: how a teacher samples (temperature, top-p, top-k, token budget, seed, stop strings), in a
// form both local and remote teachers understand. Remote servers receive `seed + prompt index` per prompt.

/// Sampling settings of a teacher.
public struct TeacherSampling: Codable, Sendable, Equatable {
    /// Softmax temperature, `>= 0` (0 = greedy). Default 0.7.
    public var temperature: Double
    /// Nucleus mass, `(0, 1]`. Default 0.95.
    public var topP: Double
    /// Top-k, `>= 0` (0 = off). Sent to remote endpoints only when non-zero (an extension many servers accept).
    public var topK: Int
    /// Most generated tokens per completion, `>= 1`. Default 512.
    public var maxTokens: Int
    /// Base seed; prompt `i` of the problem list is sampled with seed `seed + i` by a remote teacher and with
    /// streams `(seed, i, g)` by a local one, so a prompt's samples do not depend on which prompts share its batch.
    public var seed: UInt64
    /// Strings that end a completion.
    public var stop: [String]

    enum CodingKeys: String, CodingKey {
        case temperature, topP = "top_p", topK = "top_k", maxTokens = "max_tokens", seed, stop
    }

    /// Creates settings.
    public init(temperature: Double = 0.7, topP: Double = 0.95, topK: Int = 0, maxTokens: Int = 512, seed: UInt64 = 0,
                stop: [String] = []) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
    }

    /// Checks the ranges.
    /// - Throws: `DistillationError.invalidConfiguration` naming the field.
    public func validate() throws(DistillationError) {
        guard temperature.isFinite, temperature >= 0 else {
            throw .invalidConfiguration(field: "temperature", value: "\(temperature)", rule: "must be >= 0 (0 = greedy)")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalidConfiguration(field: "top_p", value: "\(topP)", rule: "must be in (0, 1]")
        }
        guard topK >= 0 else { throw .invalidConfiguration(field: "top_k", value: "\(topK)", rule: "must be >= 0") }
        guard maxTokens >= 1 else { throw .invalidConfiguration(field: "max_tokens", value: "\(maxTokens)", rule: "must be >= 1") }
        guard !stop.contains(where: \.isEmpty) else {
            throw .invalidConfiguration(field: "stop", value: "\"\"", rule: "stop strings must be non-empty")
        }
    }
}
