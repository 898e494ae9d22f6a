// Completion.swift — the model output a reward scores. Text only: rewards know nothing about models.

/// A model completion: its decoded text and, when known, how many tokens it used.
public struct Completion: Sendable, Equatable, Codable {
    /// The decoded completion text (without the prompt).
    public var text: String
    /// Number of generated tokens, when the generator reported it. Token-length rewards
    /// (overlong penalty, cosine with `.tokens`) need it.
    public var tokenCount: Int?

    /// Creates a completion.
    /// - Parameters:
    ///   - text: decoded text.
    ///   - tokenCount: generated token count, if known.
    public init(_ text: String, tokenCount: Int? = nil) {
        self.text = text
        self.tokenCount = tokenCount
    }
}

/// One (example, completion) pair to score.
public struct RewardSample: Sendable, Equatable {
    /// The reference example.
    public var example: RewardExample
    /// The completion to score.
    public var completion: Completion

    /// Creates a sample.
    public init(example: RewardExample, completion: Completion) {
        self.example = example
        self.completion = completion
    }
}
