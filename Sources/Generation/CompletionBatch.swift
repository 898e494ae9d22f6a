// CompletionBatch: the completions of one request plus token counts and timings.

/// The result of `CompletionSampler.complete`: completions and what generating them cost.
public struct CompletionBatch: Sendable, Equatable {
    /// Completions ordered by prompt index, then sample index; `P × G` entries.
    public var completions: [Completion]
    /// Counts and timings of the request.
    public var statistics: GenerationStatistics

    /// Creates a batch.
    /// - Parameters:
    ///   - completions: the completions, prompt-major.
    ///   - statistics: counts and timings.
    public init(completions: [Completion], statistics: GenerationStatistics) {
        self.completions = completions
        self.statistics = statistics
    }
}

/// Token counts and wall-clock times of one request.
public struct GenerationStatistics: Sendable, Equatable, Hashable, Codable {
    /// Prompt tokens run through the model (each prompt once, however many samples it has).
    public var promptTokens: Int
    /// Tokens generated over all completions.
    public var generatedTokens: Int
    /// Number of batched decode steps.
    public var decodeSteps: Int
    /// Largest number of sequences decoded together in one step.
    public var peakBatchSize: Int
    /// Seconds spent preparing the model for the call (`DecodingModel.beginDecoding`: packing the weights).
    public var preparationSeconds: Double
    /// Seconds spent in prefill (including the first token's sampling).
    public var prefillSeconds: Double
    /// Seconds spent in decode steps and their sampling.
    public var decodeSeconds: Double
    /// Seconds for the whole request.
    public var totalSeconds: Double

    /// Creates statistics.
    /// - Parameters:
    ///   - promptTokens: prompt tokens run through prefill.
    ///   - generatedTokens: tokens generated.
    ///   - decodeSteps: batched decode steps.
    ///   - peakBatchSize: largest decode batch.
    ///   - preparationSeconds: time to prepare the model (weight packing).
    ///   - prefillSeconds: prefill time.
    ///   - decodeSeconds: decode time.
    ///   - totalSeconds: total time.
    public init(
        promptTokens: Int = 0, generatedTokens: Int = 0, decodeSteps: Int = 0, peakBatchSize: Int = 0,
        preparationSeconds: Double = 0, prefillSeconds: Double = 0, decodeSeconds: Double = 0, totalSeconds: Double = 0
    ) {
        self.preparationSeconds = preparationSeconds
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.decodeSteps = decodeSteps
        self.peakBatchSize = peakBatchSize
        self.prefillSeconds = prefillSeconds
        self.decodeSeconds = decodeSeconds
        self.totalSeconds = totalSeconds
    }

    /// Generated tokens per second of the whole request (0 if it took no measurable time).
    public var generatedTokensPerSecond: Double { totalSeconds > 0 ? Double(generatedTokens) / totalSeconds : 0 }
}
