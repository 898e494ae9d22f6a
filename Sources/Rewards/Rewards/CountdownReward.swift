// CountdownReward.swift — TinyZero countdown verifier (Jiayi-Pan/TinyZero verl/utils/reward_score/countdown.py):
// the last <answer> equation must use each given number exactly once and evaluate to the target.
// Differences: evaluation is exact rational arithmetic (TinyZero: Python float eval, |x − t| < 1e-5),
// and decimals are rejected.

/// Countdown reward: 1.0 correct; `formatScore` (TinyZero: 0.1) when an `<answer>` is present but the
/// equation is invalid, uses the wrong numbers, or misses the target; 0 with no `<answer>`.
/// nil for non-countdown examples.
public struct CountdownReward: RewardFunction {
    public let name: String
    /// Score for a present but wrong answer (default 0.1, TinyZero).
    public let formatScore: Double

    /// Creates the reward.
    /// - Parameters:
    ///   - formatScore: finite score for a well-formed but wrong answer.
    ///   - name: report name (default "countdown").
    /// - Throws: `RewardsError.invalidParameter`.
    public init(formatScore: Double = 0.1, name: String = "countdown") throws {
        guard formatScore.isFinite else {
            throw RewardsError.invalidParameter(reward: name, parameter: "format_score", value: "\(formatScore)", expected: "a finite number")
        }
        self.formatScore = formatScore
        self.name = name
    }

    /// Why an equation is (in)correct.
    public enum Verdict: Sendable, Equatable {
        case correct
        case noAnswer
        case invalidExpression(String)
        case wrongNumbers(used: [Int], expected: [Int])
        case wrongValue(String)
    }

    /// Checks one equation.
    /// - Parameters:
    ///   - equation: the expression (an optional `= target` suffix is ignored).
    ///   - numbers: the given numbers.
    ///   - target: the target.
    /// - Returns: the verdict.
    public static func verify(equation: String, numbers: [Int], target: Int) -> Verdict {
        var expr = Substring(equation)
        if let eq = expr.firstIndex(of: "=") { expr = expr[..<eq] }
        let parsed: ExactExpression
        do { parsed = try ExactExpression(String(expr)) } catch { return .invalidExpression(String(describing: error)) }
        guard parsed.literals.sorted() == numbers.sorted() else {
            return .wrongNumbers(used: parsed.literals, expected: numbers)
        }
        return parsed.value == ExactRational(target)! ? .correct : .wrongValue(parsed.value.description)
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        guard case .countdown(let numbers, let target) = example.kind else { return nil }
        guard let answer = ThinkAnswer.answer(in: completion.text) else { return 0 }
        return Self.verify(equation: answer, numbers: numbers, target: target) == .correct ? 1 : formatScore
    }
}
