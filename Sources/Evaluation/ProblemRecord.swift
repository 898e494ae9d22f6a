// ProblemRecord: everything measured about one problem — its samples, their scores and answers, the majority
// answer. One JSON line per problem in the results file; the report is a pure function of the records.

/// One sample of a problem.
public struct SampleRecord: Codable, Sendable, Equatable {
    /// The completion text (special tokens skipped).
    public var text: String
    /// Generated tokens, including a stop token.
    public var tokens: Int
    /// Whether the sample hit the token budget instead of a stop condition.
    public var truncated: Bool
    /// The reward's score, nil when it did not apply or failed.
    public var score: Double?
    /// Whether the score is the full reward (>= 1 − 1e-9).
    public var correct: Bool
    /// The final answer extracted for majority voting (math problems), or nil.
    public var answer: String?
    /// The reward's error message, if scoring failed.
    public var error: String?

    /// Creates a sample record.
    /// - Parameters:
    ///   - text: completion text.
    ///   - tokens: generated tokens.
    ///   - truncated: hit the budget.
    ///   - score: reward score.
    ///   - correct: full reward.
    ///   - answer: extracted answer.
    ///   - error: scoring error.
    public init(text: String, tokens: Int, truncated: Bool, score: Double?, correct: Bool, answer: String?, error: String? = nil) {
        self.text = text
        self.tokens = tokens
        self.truncated = truncated
        self.score = score
        self.correct = correct
        self.answer = answer
        self.error = error
    }
}

/// The results of one problem.
public struct ProblemRecord: Codable, Sendable, Equatable {
    /// Position of the problem in the evaluated list (also its sampling index).
    public var index: Int
    /// The example's id.
    public var id: String?
    /// The gold answer (for code tasks, the reference solution).
    public var gold: String?
    /// The k samples, in sample order.
    public var samples: [SampleRecord]
    /// The majority-vote group (math problems with at least one answer), nil otherwise.
    public var consensus: AnswerGroup?
    /// Whether the majority answer is correct (the correctness of its group's first sample); nil for
    /// non-math problems, false for math problems where no sample gave an answer.
    public var consensusCorrect: Bool?

    /// Creates a record.
    /// - Parameters:
    ///   - index: problem index.
    ///   - id: example id.
    ///   - gold: gold answer.
    ///   - samples: sample records.
    ///   - consensus: majority group.
    ///   - consensusCorrect: majority correctness.
    public init(index: Int, id: String?, gold: String?, samples: [SampleRecord], consensus: AnswerGroup?, consensusCorrect: Bool?) {
        self.index = index
        self.id = id
        self.gold = gold
        self.samples = samples
        self.consensus = consensus
        self.consensusCorrect = consensusCorrect
    }

    /// Number of correct samples (c).
    public var correctCount: Int { samples.lazy.filter(\.correct).count }

    /// pass@1 of this problem: c / n.
    public var passAt1: Double { PassAtK.passAt1(samples.map(\.correct)) }
}
