// MathAccuracyReward.swift — accuracy for math answers: 1 if equivalent to the gold answer, else 0.
// Semantics follow TRL `accuracy_reward`: nil (skip) when the gold answer cannot be parsed.

/// Math accuracy: extracts the answer part of the completion and asks a `MathAnswerChecker`.
///
/// Returns 1.0 (equivalent), 0.0 (not equivalent, or the required part is missing), nil when the example
/// has no gold answer, is not a math/countdown-free task, or its gold cannot be parsed.
public struct MathAccuracyReward: RewardFunction {
    public let name: String
    /// The verifier.
    public let checker: any MathAnswerChecker
    /// Which part of the completion is verified.
    public let extraction: AnswerExtractionMode

    /// Creates the reward.
    /// - Parameters:
    ///   - checker: the math verifier.
    ///   - extraction: extraction mode (default `.answerTagOrFull`).
    ///   - name: report name (default "accuracy").
    public init(checker: any MathAnswerChecker, extraction: AnswerExtractionMode = .answerTagOrFull, name: String = "accuracy") {
        self.checker = checker
        self.extraction = extraction
        self.name = name
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        guard case .math = example.kind, let gold = example.goldAnswer else { return nil }
        guard let prediction = extraction.extract(from: completion.text) else {
            // Still nil if the gold itself is unusable.
            return try checker.check(gold: gold, prediction: "").goldParsed ? 0 : nil
        }
        let verdict = try checker.check(gold: gold, prediction: prediction)
        guard verdict.goldParsed else { return nil }
        return verdict.isCorrect ? 1 : 0
    }
}
