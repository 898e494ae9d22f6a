// WorkedSolution.swift — step-by-step solutions for built-in tasks: the cold-start traces of the R1 recipe.

import Foundation
import Rewards

/// Writes worked solutions in R1's format (`<think> steps </think> <answer> result </answer>`).
///
/// R1's cold start fine-tunes on a few thousand long, readable reasoning traces before RL. For the built-in
/// arithmetic task the trace evaluates the expression one operation at a time (products first, then sums
/// left to right), so a model learns both the format and a procedure it can follow on longer problems.
public enum WorkedSolution {
    /// The step-by-step evaluation of an arithmetic expression such as `12 + 3 * 4 - 5`.
    /// - Parameter expression: integers separated by `+`, `-`, `*` with spaces (ArithmeticTask's form).
    /// - Returns: the reasoning lines and the value, or nil when the text is not such an expression.
    public static func arithmeticSteps(_ expression: String) -> (steps: [String], value: Int)? {
        let parts = expression.split(separator: " ").map(String.init)
        guard parts.count % 2 == 1, let first = Int(parts[0]) else { return nil }
        var operands = [first]
        var operators: [String] = []
        var index = 1
        while index < parts.count {
            guard ["+", "-", "*"].contains(parts[index]), let x = Int(parts[index + 1]) else { return nil }
            operators.append(parts[index])
            operands.append(x)
            index += 2
        }
        var steps: [String] = []
        // Products first.
        var terms = [operands[0]]
        var signs: [String] = []
        for (k, op) in operators.enumerated() {
            let x = operands[k + 1]
            if op == "*" {
                let (product, overflow) = terms[terms.count - 1].multipliedReportingOverflow(by: x)
                if overflow { return nil }
                steps.append("\(terms[terms.count - 1]) * \(x) = \(product)")
                terms[terms.count - 1] = product
            } else {
                terms.append(x)
                signs.append(op)
            }
        }
        if operators.contains("*") && terms.count > 1 {
            var rewritten = String(terms[0])
            for (sign, term) in zip(signs, terms.dropFirst()) { rewritten += " \(sign) \(term)" }
            steps.append("The expression becomes \(rewritten).")
        }
        // Then sums, left to right.
        var value = terms[0]
        for (sign, term) in zip(signs, terms.dropFirst()) {
            let (next, overflow) = sign == "+" ? value.addingReportingOverflow(term) : value.subtractingReportingOverflow(term)
            if overflow { return nil }
            steps.append("\(value) \(sign) \(term) = \(next)")
            value = next
        }
        if steps.isEmpty { steps.append("The expression is just \(value).") }
        return (steps, value)
    }

    /// A full R1-format completion for an example of a task, or nil when the task cannot write one.
    /// - Parameters:
    ///   - example: the example.
    ///   - task: its task.
    /// - Returns: `<think>…</think> <answer>…</answer>` text.
    public static func completion(for example: RewardExample, of task: any VerifiableTask) -> String? {
        if let expression = example.metadata["expression"], let (steps, value) = arithmeticSteps(expression) {
            let thinking = "Evaluate \(expression) step by step.\n" + steps.joined(separator: "\n") + "\nCheck: the result is \(value)."
            return R1PromptTemplate.completion(thinking: thinking, answer: String(value))
        }
        return task.referenceCompletion(for: example)
    }
}
