// DigitSumTask: the built-in task of `r1 zero` — add four digits — and the synthetic "pretraining"
// corpus that gives a small base model a latent reasoning skill it rarely uses.
//
// Why this corpus: R1-Zero works because the base model can already reason now and then; RL with only a
// correctness reward makes that behaviour dominant and responses grow longer. To reproduce that on a
// model trained from scratch in minutes, the corpus mixes two kinds of answers:
//   • with probability `chainOfThoughtShare`, a step-by-step running sum inside <think>…</think>,
//     always correct: "<think>3+5=8,8+2=10,10+7=17</think><answer>17</answer>";
//   • otherwise a direct "<answer>…</answer>" that is right only with probability `directCorrectShare`
//     and is otherwise a skimming heuristic (first digit + last digit) — a fast, usually wrong intuition.
// The model therefore starts mostly answering directly (and wrongly); nothing in the RL reward mentions
// thinking. Held-out problems (every 8th digit combination) never appear in pretraining or RL prompts.
import Rewards

/// Four-digit addition with an optional chain of thought.
public struct DigitSumTask: Sendable, Equatable {
    /// Digits per problem (each 1…9).
    public var terms: Int
    /// Share of corpus answers that reason step by step.
    public var chainOfThoughtShare: Double
    /// Share of direct corpus answers that are correct (the rest use the skimming heuristic).
    public var directCorrectShare: Double

    /// Creates the task.
    public init(terms: Int = 4, chainOfThoughtShare: Double = 0.2, directCorrectShare: Double = 0.1) {
        precondition(terms >= 2, "DigitSumTask needs at least two terms")
        self.terms = terms
        self.chainOfThoughtShare = chainOfThoughtShare
        self.directCorrectShare = directCorrectShare
    }

    /// One problem.
    public struct Problem: Sendable, Equatable {
        /// The digits, each 1…9.
        public var digits: [Int]
        /// Their sum.
        public var answer: Int { digits.reduce(0, +) }
    }

    /// Whether a problem belongs to the held-out split (never trained on).
    public func isHeldOut(_ problem: Problem) -> Bool {
        problem.digits.reduce(0) { $0 * 9 + ($1 - 1) } % 8 == 0
    }

    /// A random problem of the requested split.
    public func problem(heldOut: Bool, using generator: inout some RandomNumberGenerator) -> Problem {
        while true {
            let p = Problem(digits: (0..<terms).map { _ in Int.random(in: 1...9, using: &generator) })
            if isHeldOut(p) == heldOut { return p }
        }
    }

    /// The prompt text: "Q:3+5+2+7=?\nA:".
    public func prompt(_ p: Problem) -> String {
        "Q:" + p.digits.map(String.init).joined(separator: "+") + "=?\nA:"
    }

    /// The always-correct step-by-step completion.
    public func reasoning(_ p: Problem) -> String {
        var steps: [String] = []
        var total = p.digits[0]
        for d in p.digits.dropFirst() {
            steps.append("\(total)+\(d)=\(total + d)")
            total += d
        }
        return "<think>" + steps.joined(separator: ",") + "</think><answer>\(total)</answer>"
    }

    /// A direct completion: correct with probability `directCorrectShare`, else first + last digit.
    public func direct(_ p: Problem, using generator: inout some RandomNumberGenerator) -> String {
        let correct = Double.random(in: 0..<1, using: &generator) < directCorrectShare
        let value = correct ? p.answer : p.digits[0] + p.digits[p.digits.count - 1]
        return "<answer>\(value)</answer>"
    }

    /// A corpus completion, drawn from the mixture described at the top of this file.
    public func corpusCompletion(_ p: Problem, using generator: inout some RandomNumberGenerator) -> String {
        Double.random(in: 0..<1, using: &generator) < chainOfThoughtShare ? reasoning(p) : direct(p, using: &generator)
    }

    /// The reward example for a problem (gold answer checked by the math verifier).
    public func example(_ p: Problem) -> RewardExample {
        RewardExample(prompt: prompt(p), goldAnswer: String(p.answer), kind: .math)
    }
}
