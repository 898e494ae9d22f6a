// RegistryAndReportTests.swift — the reward registry (names, parameters, validation) and the `r1 reward`
// report.

import Foundation
import Testing
@testable import Rewards

@Suite struct RegistryAndReportTests {
    let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: IntegerAnswerChecker(), codeRunner: nil))

    @Test func builtInNames() {
        for n in ["accuracy", "format", "format_soft", "tag_count", "language", "cosine", "overlong", "repetition", "code", "countdown", "external"] {
            #expect(registry.names.contains(n), "\(n)")
        }
        #expect(registry.catalogue.count == registry.names.count)
    }

    @Test func combinedFromSelection() throws {
        let json = #"{"rewards": ["accuracy", "format", "cosine"], "reward_weights": [1.0, 0.2, 0.5], "reward_parameters": {"cosine": {"max_len": 100, "length_unit": "characters"}}, "reward_timeouts": {"accuracy": 5}}"#
        let sel = try JSONDecoder().decode(RewardSelection.self, from: Data(json.utf8))
        let c = try registry.makeCombined(sel)
        #expect(c.names == ["accuracy", "format", "cosine"])
        #expect(c.components.map(\.weight) == [1.0, 0.2, 0.5])
        #expect(c.components[0].timeout == 5)
        let s = c.score([sample("<think>\nx\n</think>\n<answer>\n5\n</answer>", gold: "5")])
        // cosine: the completion has 8 + 1 + 10 + 9 + 1 + 10 = 39 code points of max_len 100
        // → 0.5 + 0.25 (1 + cos(0.39π))
        let len = 39.0
        let cosine = 0.5 + 0.5 * 0.5 * (1 + cos(len / 100 * Double.pi))
        #expect(abs(s.totals[0]! - (1 + 0.2 + 0.5 * cosine)) < 1e-12)
        // Default weights are 1.
        #expect(try registry.makeCombined(RewardSelection(rewards: ["format", "tag_count"])).components.map(\.weight) == [1, 1])
    }

    @Test func validationErrors() {
        #expect(throws: RewardsError.unknownReward(name: "nope", available: registry.names)) { try registry.make("nope") }
        #expect(throws: RewardsError.unknownParameter(reward: "repetition", parameter: "ngram", allowed: ["ngram_size", "max_penalty"])) {
            try registry.make("repetition", parameters: ["ngram": .number(3)])
        }
        #expect(throws: RewardsError.invalidParameter(reward: "repetition", parameter: "ngram_size", value: "2.5", expected: "an integer")) {
            try registry.make("repetition", parameters: ["ngram_size": .number(2.5)])
        }
        #expect(throws: RewardsError.invalidParameter(reward: "overlong", parameter: "max_completion_len", value: "(missing)", expected: "an integer (required)")) {
            try registry.make("overlong")
        }
        #expect(throws: RewardsError.invalidParameter(reward: "accuracy", parameter: "extraction", value: "\"boxed\"", expected: "one of answer_tag, answer_tag_or_full, after_think, full")) {
            try registry.make("accuracy", parameters: ["extraction": .string("boxed")])
        }
        #expect(throws: RewardsError.self) { try registry.make("language", parameters: ["target": .string("xx")]) }
        #expect(throws: RewardsError.self) { try registry.make("cosine", parameters: ["max_len": .string("long")]) }
        #expect(throws: RewardsError.weightCountMismatch(rewards: 2, weights: 1)) {
            try registry.makeCombined(RewardSelection(rewards: ["format", "tag_count"], rewardWeights: [1]))
        }
        #expect(throws: RewardsError.self) { try registry.makeCombined(RewardSelection(rewards: ["format"], parameters: ["cosine": [:]])) }
        #expect(throws: RewardsError.sandboxUnavailable(reason: "no code runner is configured")) { try registry.make("code") }
        #expect(RewardsError.unknownReward(name: "x", available: ["a", "b"]).description == "unknown reward 'x'; registered rewards: a, b.")
    }

    @Test func parametersReachTheRewards() throws {
        let o = try #require(try registry.make("overlong", parameters: ["max_completion_len": .number(100), "soft_punish_cache": .number(20)]) as? OverlongPenaltyReward)
        #expect(o.configuration == .init(maxLength: 100, cacheLength: 20))
        let r = try #require(try registry.make("repetition", parameters: ["ngram_size": .number(2), "max_penalty": .number(-0.5)]) as? RepetitionPenaltyReward)
        #expect(r.ngramSize == 2 && r.maxPenalty == -0.5)
        let l = try #require(try registry.make("language", parameters: ["target": .string("zh"), "scope": .string("completion")]) as? LanguageConsistencyReward)
        #expect(l.target.scripts == [.han] && l.scope == .completion)
    }

    @Test func reportScoresAFileAndRenders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rewards-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("completions.jsonl")
        let lines = [
            #"{"completion": "<think>\nx\n</think>\n<answer>\n5\n</answer>", "answer": "5", "token_count": 12}"#,
            #"{"completion": "it is 4", "answer": "5"}"#,
            #"{"completion": "<answer>(1 + 2) * 3</answer>", "task": "countdown", "numbers": [1, 2, 3], "target": 9}"#,
            #"{"completion": 5}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let reward = try registry.makeCombined(RewardSelection(rewards: ["accuracy", "format"], rewardWeights: [1, 0.5]))
        #expect(throws: RewardsError.missingField(file: "completions.jsonl", line: 4, field: "completion", expected: "a string")) {
            try RewardReport.score(file: url, with: reward)
        }
        let report = try RewardReport.score(file: url, with: reward, policy: .skip)
        #expect(report.sampleCount == 3 && report.skipped.map(\.line) == [4])
        let acc = report.statistics[0], fmt = report.statistics[1], total = report.statistics[2]
        #expect(acc.name == "accuracy" && acc.mean == 2.0 / 3.0)
        #expect(fmt.mean == 1.0 / 3.0)
        #expect(total.name == "reward" && total.mean == (1.5 + 0 + 1) / 3)
        let text = report.render()
        #expect(text.contains("completions.jsonl: 3 samples, 1 malformed lines skipped"))
        #expect(text.contains("accuracy") && text.contains("0.6667"))
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as! [String: Any]
        #expect(json["samples"] as? Int == 3 && json["skipped_lines"] as? [Int] == [4])
        #expect((json["statistics"] as? [[String: Any]])?.map { $0["name"] as? String } == ["accuracy", "format", "reward"])
    }

    @Test func verifyExplains() throws {
        let (check, text) = try AnswerVerification.explain(gold: "42", prediction: "so the answer is 42", checker: IntegerAnswerChecker())
        #expect(check.isCorrect)
        #expect(text.hasPrefix("EQUIVALENT\ngold:       42\nprediction: 42"))
        let (bad, _) = try AnswerVerification.explain(gold: "x", prediction: "1", checker: IntegerAnswerChecker())
        #expect(!bad.goldParsed)
    }
}
