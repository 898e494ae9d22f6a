// CompletionSampler: "given prompts and sampling parameters, return completions" — the interface the
// trainer and evaluator depend on, so that a local BatchGenerator or a remote engine can stand behind it.

/// Turns a window of generated token ids into text, for stop-string matching.
///
/// The generator calls it with the last few generated tokens of a sequence (never the prompt) after every
/// step, and checks whether the text contains a stop string. It must be a pure function of its argument;
/// a tokenizer's `decode` fits.
public typealias TokenTextDecoder = ([Int32]) -> String

/// A batch of prompts to complete, each `samplesPerPrompt` times, with one set of sampling parameters.
public struct CompletionRequest: Sendable, Equatable, Hashable {
    /// Prompts as token ids, `[P][T_p]`; each non-empty.
    public var prompts: [[Int32]]
    /// G, completions per prompt, `>= 1`.
    public var samplesPerPrompt: Int
    /// How to sample and when to stop.
    public var parameters: SamplingParameters
    /// Index of the first prompt: prompt `p` of the request is reported, and seeded, as
    /// `firstPromptIndex + p`. Give each prompt a stable index (e.g. its dataset row) to make its
    /// completions independent of how prompts are grouped into requests.
    public var firstPromptIndex: Int

    /// Creates a request.
    /// - Parameters:
    ///   - prompts: token ids of each prompt.
    ///   - samplesPerPrompt: completions per prompt (G).
    ///   - parameters: sampling parameters.
    ///   - firstPromptIndex: index of the first prompt, for reporting and seeding.
    public init(prompts: [[Int32]], samplesPerPrompt: Int = 1, parameters: SamplingParameters, firstPromptIndex: Int = 0) {
        self.prompts = prompts
        self.samplesPerPrompt = samplesPerPrompt
        self.parameters = parameters
        self.firstPromptIndex = firstPromptIndex
    }
}

/// Something that completes prompts: a local model through `BatchGenerator`, or a remote engine.
///
/// ```swift
/// let sampler: any CompletionSampler = BatchGenerator(model: model)
/// let batch = try sampler.complete(
///     CompletionRequest(prompts: prompts, samplesPerPrompt: 8, parameters: parameters),
///     decoder: { tokenizer.decode($0) })
/// ```
public protocol CompletionSampler: AnyObject {
    /// Generates `samplesPerPrompt` completions for every prompt.
    /// - Parameters:
    ///   - request: prompts, group size and sampling parameters.
    ///   - decoder: token ids → text, required when `parameters.stopStrings` is not empty.
    /// - Returns: the completions ordered by prompt, then sample, with statistics.
    /// - Throws: `GenerationError` for invalid parameters or prompts, or a missing decoder; implementations
    ///   backed by a remote service may throw their own errors.
    func complete(_ request: CompletionRequest, decoder: TokenTextDecoder?) throws -> CompletionBatch
}
