// ReferenceFixtureTests.swift — reward values checked against Fixtures/rewards/reference_cases.json,
// written by Scripts/fixtures/rewards_reference.py (an independent Python implementation).

import Foundation
import Testing
@testable import Rewards

@Suite struct ReferenceFixtureTests {
    let fixture: [String: Any]
    init() throws { fixture = try RewardsFixtures.json("reference_cases.json") }

    func cases(_ key: String) -> [[String: Any]] { fixture[key] as! [[String: Any]] }

    @Test func formatStrictSoftAndTagCountMatchPythonRegex() throws {
        let strict = FormatReward(.strict), soft = FormatReward(.soft), tags = TagCountReward()
        let cs = cases("texts")
        #expect(cs.count >= 20)
        for c in cs {
            let s = sample(c["text"] as! String)
            #expect(try strict.score(s.completion, for: s.example) == c["format"] as? Double, "strict: \(c["text"]!)")
            #expect(try soft.score(s.completion, for: s.example) == c["format_soft"] as? Double, "soft: \(c["text"]!)")
            #expect(try tags.score(s.completion, for: s.example) == c["tag_count"] as? Double, "tag_count: \(c["text"]!)")
        }
    }

    @Test func cosineMatchesFormula() throws {
        for c in cases("cosine") {
            var cfg = CosineScaledReward.Configuration()
            if let m = c["max_len"] as? Int { cfg.maxLength = m }
            if let v = c["min_value_correct"] as? Double { cfg.minValueCorrect = v }
            if let v = c["max_value_correct"] as? Double { cfg.maxValueCorrect = v }
            let r = try CosineScaledReward(accuracy: TagCountReward(), configuration: cfg)
            let got = r.value(length: c["length"] as! Int, correct: c["correct"] as! Bool)
            #expect(abs(got - (c["value"] as! Double)) < 1e-12, "\(c)")
        }
    }

    @Test func overlongMatchesDAPOFormula() throws {
        for c in cases("overlong") {
            let r = try OverlongPenaltyReward(.init(maxLength: c["max_completion_len"] as! Int, cacheLength: c["soft_punish_cache"] as! Int))
            let got = r.value(length: c["length"] as! Int)
            #expect(abs(got - (c["value"] as! Double)) < 1e-12, "\(c)")
            // Through the RewardFunction path with token counts.
            let s = sample("x", tokens: c["length"] as? Int)
            #expect(try r.score(s.completion, for: s.example) == got)
        }
    }

    @Test func repetitionMatchesOpenR1() throws {
        for c in cases("repetition") {
            let r = try RepetitionPenaltyReward(ngramSize: c["ngram_size"] as! Int, maxPenalty: c["max_penalty"] as! Double)
            let s = sample(c["text"] as! String)
            let got = try #require(try r.score(s.completion, for: s.example))
            #expect(abs(got - (c["value"] as! Double)) < 1e-12, "\(c)")
        }
    }

    @Test func languageShareMatchesUnicodedataClassification() throws {
        for c in cases("language") {
            let scripts = Set((c["targets"] as! [String]).map { Script(rawValue: $0)! })
            let r = LanguageConsistencyReward(target: TargetLanguage(scripts: scripts))
            let s = sample(c["text"] as! String)
            let got = try r.score(s.completion, for: s.example)
            if let expected = c["value"] as? Double {
                let g = try #require(got, "\(c)")
                #expect(abs(g - expected) < 1e-12, "\(c)")
            } else {
                #expect(got == nil, "\(c)")
            }
        }
    }

    @Test func countdownMatchesExactFractionEvaluation() throws {
        let r = try CountdownReward()
        for c in cases("countdown") {
            let numbers = c["numbers"] as! [Int], target = c["target"] as! Int
            let s = RewardSample(example: RewardExample(prompt: "", kind: .countdown(numbers: numbers, target: target)),
                                 completion: Completion("<think>\nx\n</think>\n<answer>\(c["equation"] as! String)</answer>"))
            #expect(try r.score(s.completion, for: s.example) == c["value"] as? Double, "\(c)")
        }
    }
}
