// PromptStats: what rejection sampling did with one prompt (drawn, accepted, written, verdict counts, mean length).

/// Per-prompt result of rejection sampling, one line of `<output>.progress.jsonl` and of the report.
public struct PromptStats: Codable, Sendable, Equatable {
    /// The problem's id.
    public var promptID: String
    /// The problem's index.
    public var index: Int
    /// Completions drawn.
    public var sampled: Int
    /// Completions accepted.
    public var accepted: Int
    /// Completions written.
    public var kept: Int
    /// Count per verdict (only verdicts that occurred).
    public var verdicts: [String: Int]
    /// Mean Unicode-scalar length of the kept completions (0 when none).
    public var meanKeptCharacters: Double
    /// Mean token count of the kept completions, when the teacher reports tokens.
    public var meanKeptTokens: Double?

    enum CodingKeys: String, CodingKey {
        case promptID = "prompt_id", index, sampled, accepted, kept, verdicts
        case meanKeptCharacters = "mean_kept_characters", meanKeptTokens = "mean_kept_tokens"
    }

    /// Accepted / sampled.
    public var acceptRate: Double { sampled > 0 ? Double(accepted) / Double(sampled) : 0 }
}
