import Foundation
import Testing
import Rewards
@testable import Pipeline

@Suite struct WorkedSolutionTests {
    /// The trace's result is checked against the task generator's own value (a separate evaluator) and the
    /// task's verifier must accept the completion.
    @Test(arguments: [1, 2, 3, 4, 5])
    func arithmeticSolutionsAreCorrectAndVerified(level: Int) throws {
        let task = try ArithmeticTask(difficulty: .level(level))
        for example in try task.examples(split: .train, count: 100, seed: UInt64(level)) {
            let expression = try #require(example.metadata["expression"])
            let (steps, value) = try #require(WorkedSolution.arithmeticSteps(expression))
            #expect(String(value) == example.goldAnswer, "\(expression)")
            #expect(!steps.isEmpty)
            let completion = try #require(WorkedSolution.completion(for: example, of: task))
            #expect(completion.hasPrefix("<think>") && completion.contains("</think>") && completion.contains("<answer>"))
            let score = try task.reward.score(Completion(completion), for: example)
            #expect(score == 1.0, "\(expression): \(completion)")
        }
    }

    @Test func stepsFollowPrecedence() throws {
        let (steps, value) = try #require(WorkedSolution.arithmeticSteps("2 + 3 * 4 - 5"))
        #expect(value == 9)
        #expect(steps == ["3 * 4 = 12", "The expression becomes 2 + 12 - 5.", "2 + 12 = 14", "14 - 5 = 9"])
    }

    @Test(arguments: ["", "2 +", "2 ^ 3", "a + 1", "1 + 2 3"])
    func rejectsNonExpressions(text: String) {
        #expect(WorkedSolution.arithmeticSteps(text) == nil)
    }

    @Test func coldStartWriterWritesConversations() throws {
        let url = try temporaryDirectory().appendingPathComponent("cold.jsonl")
        let writer = ColdStartWriter(task: "arithmetic", parameters: ["digits": "1", "operations": "*"], instruction: "Answer with the number.",
                                     count: 20, seed: 3)
        #expect(try writer.write(to: url) == 20)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let messages = try #require(object["messages"] as? [[String: String]])
            #expect(messages.map { $0["role"] } == ["user", "assistant"])
            #expect(messages[0]["content"]!.hasSuffix("? Answer with the number."))
            #expect(messages[0]["content"]!.contains(" * "))
        }
        #expect(throws: RewardsError.self) {
            try ColdStartWriter(task: "arithmetic", parameters: ["operations": "/"], count: 1).write(to: url)
        }
    }
}
