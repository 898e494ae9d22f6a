// RejectionSamplingConfiguration: how many samples to draw per prompt, which samples are accepted (verifier,
// format, length, stop) and which accepted ones are kept (all / shortest k / deduplicated).
import Rewards

/// Which accepted completions of a prompt go into the dataset.
public enum KeepPolicy: String, Codable, Sendable, CaseIterable {
    /// Every accepted completion (up to `keepCount` when set, in sample order).
    case all
    /// The `keepCount` (default 1) shortest accepted completions, by Unicode scalar count, ties by sample order.
    case shortest
    /// Accepted completions whose normalised text (lowercased, whitespace runs collapsed, trimmed) was not kept
    /// before, in sample order (up to `keepCount` when set).
    case dedup
}

/// Settings of a rejection-sampling run.
public struct RejectionSamplingConfiguration: Codable, Sendable, Equatable {
    /// N, completions drawn per prompt, `>= 1`. Default 4.
    public var samplesPerPrompt: Int
    /// Which accepted completions are kept. Default `.all`.
    public var keep: KeepPolicy
    /// Most completions kept per prompt; nil = no limit (for `.shortest`, nil means 1).
    public var keepCount: Int?
    /// Shortest accepted completion, in Unicode scalars. Default 0.
    public var minCharacters: Int
    /// Longest accepted completion, in Unicode scalars; nil = no limit.
    public var maxCharacters: Int?
    /// Format the completion must have (`.strict` = the `format` reward, `.soft` = `format_soft`); nil = any.
    public var requireFormat: FormatStrictness?
    /// Reject completions cut by the token budget (finish reason "length"). Default true.
    public var requireStop: Bool
    /// Smallest verifier score that counts as correct. Default 1.
    public var acceptThreshold: Double
    /// Prompts sent to the teacher per call. Default 8.
    public var promptsPerBatch: Int
    /// Teacher sampling.
    public var sampling: TeacherSampling
    /// How problems become conversations.
    public var promptStyle: DistillationPromptStyle

    enum CodingKeys: String, CodingKey {
        case samplesPerPrompt = "samples_per_prompt", keep, keepCount = "keep_count", minCharacters = "min_characters"
        case maxCharacters = "max_characters", requireFormat = "require_format", requireStop = "require_stop"
        case acceptThreshold = "accept_threshold", promptsPerBatch = "prompts_per_batch", sampling, promptStyle = "prompt_style"
    }

    /// Creates a configuration.
    public init(samplesPerPrompt: Int = 4, keep: KeepPolicy = .all, keepCount: Int? = nil, minCharacters: Int = 0,
                maxCharacters: Int? = nil, requireFormat: FormatStrictness? = nil, requireStop: Bool = true,
                acceptThreshold: Double = 1, promptsPerBatch: Int = 8, sampling: TeacherSampling = TeacherSampling(),
                promptStyle: DistillationPromptStyle = DistillationPromptStyle()) {
        self.samplesPerPrompt = samplesPerPrompt
        self.keep = keep
        self.keepCount = keepCount
        self.minCharacters = minCharacters
        self.maxCharacters = maxCharacters
        self.requireFormat = requireFormat
        self.requireStop = requireStop
        self.acceptThreshold = acceptThreshold
        self.promptsPerBatch = promptsPerBatch
        self.sampling = sampling
        self.promptStyle = promptStyle
    }

    /// Checks the ranges.
    /// - Throws: `DistillationError.invalidConfiguration` naming the field, its value and the rule.
    public func validate() throws(DistillationError) {
        guard samplesPerPrompt >= 1 else {
            throw .invalidConfiguration(field: "samples_per_prompt", value: "\(samplesPerPrompt)", rule: "must be >= 1")
        }
        if let keepCount, keepCount < 1 { throw .invalidConfiguration(field: "keep_count", value: "\(keepCount)", rule: "must be >= 1") }
        guard minCharacters >= 0 else { throw .invalidConfiguration(field: "min_characters", value: "\(minCharacters)", rule: "must be >= 0") }
        if let maxCharacters, maxCharacters < max(1, minCharacters) {
            throw .invalidConfiguration(field: "max_characters", value: "\(maxCharacters)", rule: "must be >= 1 and >= min_characters (\(minCharacters))")
        }
        guard acceptThreshold.isFinite else {
            throw .invalidConfiguration(field: "accept_threshold", value: "\(acceptThreshold)", rule: "must be finite")
        }
        guard promptsPerBatch >= 1 else { throw .invalidConfiguration(field: "prompts_per_batch", value: "\(promptsPerBatch)", rule: "must be >= 1") }
        try sampling.validate()
    }
}
