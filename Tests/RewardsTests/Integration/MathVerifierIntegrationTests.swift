// MathVerifierIntegrationTests.swift — the accuracy reward wired to MathVerification's MathVerifier.

import Foundation
import MathVerification
import Testing
@testable import Rewards

@Suite struct MathVerifierIntegrationTests {
    let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))

    static let cases: [(completion: String, gold: String, mode: AnswerExtractionMode, expected: Double?)] = [
        ("<think>\nhalf\n</think>\n<answer>\n\\frac{1}{2}\n</answer>", "0.5", .answerTag, 1),
        ("<think>\nhalf\n</think>\n<answer>\n\\frac{1}{3}\n</answer>", "0.5", .answerTag, 0),
        ("so the answer is \\boxed{\\frac{14}{3}}.", "\\frac{14}{3}", .answerTagOrFull, 1),
        ("so the answer is \\boxed{\\frac{14}{3}}.", "\\frac{14}{3}", .answerTag, 0),   // no <answer> block
        ("<answer>\\left( 3, \\frac{\\pi}{2} \\right)</answer>", "\\left( 3, \\frac{\\pi}{2} \\right)", .answerTag, 1),
        ("<think>\nJanet sells 9 eggs for $2\n</think>\n<answer>\n$18\n</answer>", "Janet...\n#### 18", .answerTag, 1),
        ("<answer>18</answer>", "", .answerTag, nil),                                         // gold unparseable
        ("", "5", .full, 0),
        ("<think>\nx\n</think> The answer is 7.", "7", .afterThinking, 1),
    ]

    @Test(arguments: cases.indices)
    func accuracyWithMathVerifier(_ i: Int) throws {
        let c = Self.cases[i]
        let r = MathAccuracyReward(checker: MathVerifierChecker(), extraction: c.mode)
        let s = sample(c.completion, gold: c.gold)
        #expect(try r.score(s.completion, for: s.example) == c.expected, "case \(i)")
    }

    @Test func datasetReferenceCompletionsAreCorrect() throws {
        let accuracy = try registry.make("accuracy")
        for (format, file) in [(DatasetFormat.gsm8k, "gsm8k_sample.jsonl"), (.math500, "math500_sample.jsonl")] {
            let task = DatasetTask(format: format, files: [.test: RewardsFixtures.url("data/\(file)")], reward: accuracy)
            for ex in try task.examples(split: .test, count: nil, seed: 0) {
                #expect(try task.reward.score(Completion(task.referenceCompletion(for: ex)!), for: ex) == 1, "\(ex.id!)")
                #expect(try task.reward.score(Completion("<answer>\n-987654\n</answer>"), for: ex) == 0, "\(ex.id!)")
            }
        }
    }

    @Test func arithmeticGoldAlsoPassesTheLatexVerifier() throws {
        let accuracy = try registry.make("accuracy")
        let task = try ArithmeticTask(difficulty: .level(4))
        for ex in try task.examples(split: .test, count: 50, seed: 11) {
            #expect(try accuracy.score(Completion(task.referenceCompletion(for: ex)!), for: ex) == 1, "\(ex.prompt)")
        }
    }

    @Test func predictionRulesParameter() throws {
        let boxedOnly = try registry.make("accuracy", parameters: ["prediction_rules": .string("boxed"), "extraction": .string("full")])
        let s = sample("the answer is 5", gold: "5")
        #expect(try boxedOnly.score(s.completion, for: s.example) == 0)
        let s2 = sample("it is \\boxed{5}", gold: "5")
        #expect(try boxedOnly.score(s2.completion, for: s2.example) == 1)
        #expect(throws: RewardsError.self) { try registry.make("accuracy", parameters: ["prediction_rules": .string("boxed, nonsense")]) }
        // The plain integer checker has no rules to configure.
        let plain = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: IntegerAnswerChecker(), codeRunner: nil))
        #expect(throws: RewardsError.self) { try plain.make("accuracy", parameters: ["prediction_rules": .string("boxed")]) }
    }

    @Test func verifyDelegatesToMathVerifierExplanation() throws {
        let checker = MathVerifierChecker()
        let (check, text) = try AnswerVerification.explain(gold: "\\frac{1}{2}", prediction: "\\boxed{0.5}", checker: checker)
        #expect(check.isCorrect)
        let v = checker.verification(gold: "\\frac{1}{2}", prediction: "\\boxed{0.5}")
        #expect(text.contains(v.explanation) && text.hasPrefix("EQUIVALENT"))
    }

    @Test func accuracyThroughputWithMathVerifier() throws {
        let samples = (0..<2000).map { i in
            sample("<think>\nLet me compute step by step.\n</think>\n<answer>\n\\frac{\(i % 13)}{\(i % 7 + 1)}\n</answer>", gold: "\\frac{\(i % 5)}{2}")
        }
        let r = MathAccuracyReward(checker: MathVerifierChecker())
        let start = DispatchTime.now().uptimeNanoseconds
        let out = r.scoreBatch(samples, timeout: nil)
        let rate = Double(samples.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        print("throughput: accuracy[MathVerifier] \(Int(rate)) samples/s")
        #expect(out.allSatisfy { $0.value != nil })
        #expect(rate > 50)
    }
}
