// EvaluationConfiguration: the validated settings of an evaluation run (sampling, budget, which pass@k to report).

import Generation

/// Settings of an evaluation, DeepSeek-R1's protocol by default: k samples per problem at temperature 0.6,
/// top-p 0.95, pass@1 averaged over the k samples.
///
/// ```swift
/// var configuration = EvaluationConfiguration(samplesPerProblem: 4, maxNewTokens: 512)
/// configuration.limit = 50
/// try configuration.validate()
/// ```
public struct EvaluationConfiguration: Codable, Sendable, Equatable {
    /// k, samples generated per problem, `>= 1`. Default 4.
    public var samplesPerProblem: Int
    /// Sampling temperature, `> 0` (`0` = greedy, allowed with k = 1). Default 0.6.
    public var temperature: Float
    /// Nucleus mass, in `(0, 1]`. Default 0.95.
    public var topP: Float
    /// Generated-token budget per sample, `>= 1`. Default 1024.
    public var maxNewTokens: Int
    /// Seed: sample `g` of problem `i` depends only on `(seed, i, g)`. Default 0.
    public var seed: UInt64
    /// The k values of pass@k to report; each in `1...samplesPerProblem`. Nil: 1, powers of two below k, and k.
    public var passAtK: [Int]?
    /// Evaluate at most this many problems (the first ones of a dataset file, in order); nil = all of a
    /// dataset. Generated tasks (arithmetic, countdown) need a count and use 100 when nil.
    public var limit: Int?
    /// Problems sampled together in one generator request, `>= 1`. Default 8. Does not change results.
    public var problemsPerBatch: Int
    /// Strings that end a sample (e.g. `</answer>` for the R1-Zero template). Default none.
    public var stopStrings: [String]
    /// Seconds allowed to score one batch sample (nil = no limit). Default nil.
    public var rewardTimeout: Double?

    /// Creates a configuration; call `validate()` before use (the evaluator does).
    /// - Parameters:
    ///   - samplesPerProblem: k.
    ///   - temperature: sampling temperature.
    ///   - topP: nucleus mass.
    ///   - maxNewTokens: tokens per sample.
    ///   - seed: sampling seed.
    ///   - passAtK: reported pass@k values (nil = default list).
    ///   - limit: most problems.
    ///   - problemsPerBatch: problems per generator request.
    ///   - stopStrings: stop strings.
    ///   - rewardTimeout: per-sample scoring timeout.
    public init(samplesPerProblem: Int = 4, temperature: Float = 0.6, topP: Float = 0.95, maxNewTokens: Int = 1024,
                seed: UInt64 = 0, passAtK: [Int]? = nil, limit: Int? = nil, problemsPerBatch: Int = 8,
                stopStrings: [String] = [], rewardTimeout: Double? = nil) {
        self.samplesPerProblem = samplesPerProblem
        self.temperature = temperature
        self.topP = topP
        self.maxNewTokens = maxNewTokens
        self.seed = seed
        self.passAtK = passAtK
        self.limit = limit
        self.problemsPerBatch = problemsPerBatch
        self.stopStrings = stopStrings
        self.rewardTimeout = rewardTimeout
    }

    /// The pass@k values reported: `passAtK` if set, else 1, the powers of two below k, and k (ascending, unique).
    public var reportedPassAtK: [Int] {
        if let passAtK { return Array(Set(passAtK)).sorted() }
        var ks: Set<Int> = [1, samplesPerProblem]
        var p = 2
        while p < samplesPerProblem { ks.insert(p); p *= 2 }
        return ks.sorted()
    }

    /// The generator's sampling parameters for these settings.
    /// - Parameter stopTokenIDs: end-of-generation ids of the tokenizer.
    /// - Returns: parameters with temperature, top-p, budget, seed and stop conditions.
    public func samplingParameters(stopTokenIDs: [Int32]) -> SamplingParameters {
        SamplingParameters(temperature: temperature, topP: topP, maxNewTokens: maxNewTokens, seed: seed,
                           stopTokenIDs: stopTokenIDs, stopStrings: stopStrings)
    }

    /// Checks every field.
    /// - Throws: `EvaluationError.invalidConfiguration` naming the first bad field.
    public func validate() throws(EvaluationError) {
        func bad(_ field: String, _ value: Any, _ rule: String) -> EvaluationError {
            .invalidConfiguration(field: field, value: "\(value)", rule: rule)
        }
        guard samplesPerProblem >= 1 else { throw bad("samplesPerProblem", samplesPerProblem, "must be >= 1") }
        guard temperature.isFinite, temperature >= 0 else { throw bad("temperature", temperature, "must be finite and >= 0") }
        guard temperature > 0 || samplesPerProblem == 1 else {
            throw bad("temperature", temperature, "greedy decoding (0) gives k identical samples; use k = 1 or a temperature > 0")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw bad("topP", topP, "must be in (0, 1]") }
        guard maxNewTokens >= 1 else { throw bad("maxNewTokens", maxNewTokens, "must be >= 1") }
        if let passAtK {
            guard !passAtK.isEmpty else { throw bad("passAtK", "[]", "list at least one k") }
            if let k = passAtK.first(where: { $0 < 1 || $0 > samplesPerProblem }) {
                throw bad("passAtK", k, "each k must be in 1...\(samplesPerProblem) (samples per problem)")
            }
        }
        if let limit, limit < 1 { throw bad("limit", limit, "must be >= 1") }
        guard problemsPerBatch >= 1 else { throw bad("problemsPerBatch", problemsPerBatch, "must be >= 1") }
        if stopStrings.contains(where: \.isEmpty) { throw bad("stopStrings", "\"\"", "stop strings must be non-empty") }
        if let rewardTimeout, !(rewardTimeout > 0) { throw bad("rewardTimeout", rewardTimeout, "must be > 0 seconds") }
    }
}
