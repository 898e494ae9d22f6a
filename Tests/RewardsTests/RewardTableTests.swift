// RewardTableTests.swift — table tests per reward: hand-computed values and malformed inputs.

import Foundation
import Testing
@testable import Rewards

@Suite struct RewardTableTests {
    static let mathCases: [(String, String, AnswerExtractionMode, Double?)] = [
        ("<think>\n2+3\n</think>\n<answer>\n5\n</answer>", "5", .answerTag, 1),
        ("<think>\n2+3\n</think>\n<answer>\n6\n</answer>", "5", .answerTag, 0),
        ("The answer is 5", "5", .answerTag, 0),                      // no tag → wrong
        ("The answer is 5", "5", .answerTagOrFull, 1),
        ("<answer>1,234</answer>", "1234", .answerTagOrFull, 1),
        ("<answer>3</answer> then <answer>5</answer>", "5", .answerTag, 1), // last block counts
        ("<think>\nmaybe 5\n</think>", "5", .afterThinking, 0),       // nothing after </think>
        ("<think>\nmaybe 4\n</think> so 5", "5", .afterThinking, 1),
        ("<think>\nnever closed 5", "5", .afterThinking, 0),
        ("5", "no integer here", .full, nil),                        // gold unparseable → not applicable
        ("", "7", .full, 0),
        ("-12", "-12", .full, 1),
        ("12.5", "12", .full, 0),
    ]

    @Test(arguments: mathCases.indices)
    func mathAccuracy(_ i: Int) throws {
        let (text, gold, mode, expected) = Self.mathCases[i]
        let r = MathAccuracyReward(checker: IntegerAnswerChecker(), extraction: mode)
        let s = sample(text, gold: gold)
        #expect(try r.score(s.completion, for: s.example) == expected, "case \(i): \(text)")
    }

    @Test func accuracyNotApplicableWithoutGoldOrForOtherKinds() throws {
        let r = MathAccuracyReward(checker: IntegerAnswerChecker())
        #expect(try r.score(Completion("5"), for: RewardExample(prompt: "", goldAnswer: nil, kind: .math)) == nil)
        #expect(try r.score(Completion("5"), for: RewardExample(prompt: "", goldAnswer: "5", kind: .generic)) == nil)
    }

    @Test func cosineUsesAccuracyAndLength() throws {
        let acc = MathAccuracyReward(checker: IntegerAnswerChecker(), extraction: .full)
        var cfg = CosineScaledReward.Configuration()
        cfg.maxLength = 10
        let r = try CosineScaledReward(accuracy: acc, configuration: cfg)
        // length 5 of 10: cos(π/2)=0 → midpoints: correct 0.75, wrong −0.75.
        #expect(abs(try r.score(Completion("ab  5"), for: sample("", gold: "5").example)! - 0.75) < 1e-12)
        #expect(abs(try r.score(Completion("ab  4"), for: sample("", gold: "5").example)! + 0.75) < 1e-12)
        #expect(try r.score(Completion("5"), for: sample("", gold: nil, kind: .generic).example) == nil)
        var tokenCfg = cfg
        tokenCfg.lengthUnit = .tokens
        let t = try CosineScaledReward(accuracy: acc, configuration: tokenCfg)
        #expect(throws: RewardsError.missingTokenCount(reward: "cosine")) { try t.score(Completion("5"), for: sample("", gold: "5").example) }
        #expect(try t.score(Completion("5", tokenCount: 0), for: sample("", gold: "5").example) == 1.0)
        cfg.maxLength = 0
        #expect(throws: RewardsError.self) { try CosineScaledReward(accuracy: acc, configuration: cfg) }
    }

    @Test func overlongValidatesAndNeedsTokens() throws {
        #expect(throws: RewardsError.self) { try OverlongPenaltyReward(.init(maxLength: 100, cacheLength: 0)) }
        #expect(throws: RewardsError.self) { try OverlongPenaltyReward(.init(maxLength: 100, cacheLength: 101)) }
        #expect(throws: RewardsError.self) { try OverlongPenaltyReward(.init(maxLength: 0, cacheLength: 0)) }
        let r = try OverlongPenaltyReward(.init(maxLength: 100, cacheLength: 20))
        #expect(r.value(length: 90) == -0.5)  // (80 − 90)/20
        #expect(throws: RewardsError.missingTokenCount(reward: "overlong")) { try r.score(Completion("x"), for: sample("").example) }
        var c = OverlongPenaltyReward.Configuration(maxLength: 100, cacheLength: 20)
        c.penaltyFactor = 0.5
        c.lengthUnit = .characters
        let half = try OverlongPenaltyReward(c)
        #expect(try half.score(Completion(String(repeating: "é", count: 90)), for: sample("").example) == -0.25)
    }

    @Test func repetitionValidatesParameters() {
        #expect(throws: RewardsError.self) { try RepetitionPenaltyReward(ngramSize: 0) }
        #expect(throws: RewardsError.self) { try RepetitionPenaltyReward(maxPenalty: 0.5) }
    }

    @Test func languageTargetsAndScope() throws {
        #expect(TargetLanguage(named: "zh")?.scripts == [.han])
        #expect(TargetLanguage(named: "CJK")?.scripts == [.han, .kana, .hangul])
        #expect(TargetLanguage(named: "klingon") == nil)
        let whole = LanguageConsistencyReward(target: TargetLanguage(named: "en")!, scope: .completion)
        // "hello 世界": 1 Latin word + 2 Han words → 1/3
        #expect(abs(try whole.score(Completion("hello 世界"), for: sample("").example)! - 1.0 / 3.0) < 1e-12)
        // Prefilled <think>: only "</think>" present → text before it is the reasoning.
        let r = LanguageConsistencyReward()
        #expect(try r.score(Completion("reasoning here</think><answer>1</answer>"), for: sample("").example) == 1.0)
    }

    @Test func thinkAnswerExtraction() {
        #expect(ThinkAnswer.answer(in: "<answer> 1 </answer><answer>\n2\n</answer>") == "2")
        #expect(ThinkAnswer.answer(in: "<answer>open only") == nil)
        #expect(ThinkAnswer.answer(in: "</answer><answer>") == nil)
        #expect(ThinkAnswer.thinking(in: "<think>a</think>b</think>") == "a")
        #expect(ThinkAnswer.afterThinking(in: "<think>a</think>b") == "b")
    }

    @Test func integerExtraction() {
        #expect(IntegerAnswerChecker.lastInteger(in: "costs $1,234 total") == "1234")
        #expect(IntegerAnswerChecker.lastInteger(in: "−7") == "-7")
        #expect(IntegerAnswerChecker.lastInteger(in: "x = 007") == "7")
        #expect(IntegerAnswerChecker.lastInteger(in: "-0") == "0")
        #expect(IntegerAnswerChecker.lastInteger(in: "3.25") == nil)
        #expect(IntegerAnswerChecker.lastInteger(in: "none") == nil)
    }

    @Test func exactExpressionErrors() throws {
        #expect(throws: ExactExpression.Failure.divisionByZero) { try ExactExpression("1/(2-2)") }
        #expect(throws: ExactExpression.Failure.emptyExpression) { try ExactExpression("   ") }
        #expect(throws: ExactExpression.Failure.unbalancedParenthesis(position: 0)) { try ExactExpression("(1+2") }
        #expect(throws: ExactExpression.Failure.unbalancedParenthesis(position: 3)) { try ExactExpression("1+2)") }
        #expect(throws: ExactExpression.Failure.overflow) { try ExactExpression("99999999999999999999") }
        #expect(throws: ExactExpression.Failure.overflow) { try ExactExpression("9999999999 * 9999999999") }
        #expect(throws: ExactExpression.Failure.tooDeep) { try ExactExpression(String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)) }
        #expect(try ExactExpression("6 ÷ (1 − 3/4) × 1").value == ExactRational(24))
        #expect(try ExactExpression("1/3 + 1/6").value == ExactRational(1, 2))
    }

    @Test func countdownVerdicts() {
        #expect(CountdownReward.verify(equation: "(3 + 5) * 3", numbers: [3, 5, 3], target: 24) == .correct)
        #expect(CountdownReward.verify(equation: "3 * 8", numbers: [3, 8, 1], target: 24) == .wrongNumbers(used: [3, 8], expected: [3, 8, 1]))
        #expect(CountdownReward.verify(equation: "3 * 8 - 1", numbers: [3, 8, 1], target: 24) == .wrongValue("23"))
        if case .invalidExpression = CountdownReward.verify(equation: "3 x 8", numbers: [3, 8], target: 24) {} else {
            Issue.record("expected invalid expression")
        }
        // No <answer> → 0; not a countdown example → nil.
        let r = try! CountdownReward()
        let ex = RewardExample(prompt: "", kind: .countdown(numbers: [1, 2], target: 3))
        #expect(try! r.score(Completion("1 + 2"), for: ex) == 0)
        #expect(try! r.score(Completion("<answer>1+2</answer>"), for: sample("").example) == nil)
    }
}
