// RewardRegistry+BuiltIn.swift — the built-in reward names and their parameters.

import Foundation

extension RewardRegistry {
    /// A registry with every built-in reward.
    /// - Parameter environment: math verifier and sandbox.
    /// - Returns: the registry.
    public static func builtIn(environment: RewardEnvironment) -> RewardRegistry {
        var r = RewardRegistry(environment: environment)
        r.register("accuracy", parameters: ["extraction", "prediction_rules", "format_score", "code_scoring", "code_timeout"],
                   summary: "1 if the answer is correct (math verifier / countdown / code tests), nil if not applicable") { p, env in
            try makeAccuracy(&p, env)
        }
        r.register("format", summary: "1 if the completion is exactly <think>\\n…\\n</think>\\n<answer>\\n…\\n</answer>") { _, _ in
            FormatReward(.strict)
        }
        r.register("format_soft", summary: "1 if the completion starts with <think>…</think> <answer>…</answer>") { _, _ in
            FormatReward(.soft)
        }
        r.register("tag_count", summary: "0.25 per R1 tag present exactly once (open-r1)") { _, _ in TagCountReward() }
        r.register("language", parameters: ["target", "scope"],
                   summary: "share of chain-of-thought words in the target language/script (R1)") { p, _ in
            let name = try p.string("target", default: "en")
            guard let target = TargetLanguage(named: name) else {
                throw RewardsError.invalidParameter(reward: "language", parameter: "target", value: "\"\(name)\"", expected: "a language code (en, zh, ja, ko, ru, …) or script (latin, cjk, han, cyrillic, …)")
            }
            return LanguageConsistencyReward(target: target, scope: try p.choice("scope", default: LanguageConsistencyReward.Scope.thinking))
        }
        r.register("cosine", parameters: ["min_value_wrong", "max_value_wrong", "min_value_correct", "max_value_correct", "max_len", "length_unit", "extraction", "prediction_rules"],
                   summary: "length-scaled correctness, cosine schedule (open-r1 get_cosine_scaled_reward)") { p, env in
            var c = CosineScaledReward.Configuration()
            c.minValueWrong = try p.double("min_value_wrong", default: c.minValueWrong)
            c.maxValueWrong = try p.double("max_value_wrong", default: c.maxValueWrong)
            c.minValueCorrect = try p.double("min_value_correct", default: c.minValueCorrect)
            c.maxValueCorrect = try p.double("max_value_correct", default: c.maxValueCorrect)
            c.maxLength = try p.int("max_len", default: c.maxLength)
            c.lengthUnit = try p.choice("length_unit", default: c.lengthUnit)
            let accuracy = try makeAccuracy(&p, env)
            return try CosineScaledReward(accuracy: accuracy, configuration: c)
        }
        r.register("overlong", parameters: ["max_completion_len", "soft_punish_cache", "penalty_factor", "length_unit"],
                   summary: "DAPO soft overlong punishment: 0 up to L_max − L_cache, linear to −1 at L_max") { p, _ in
            var c = OverlongPenaltyReward.Configuration(maxLength: try p.int("max_completion_len", default: nil),
                                                        cacheLength: try p.int("soft_punish_cache", default: nil))
            c.penaltyFactor = try p.double("penalty_factor", default: 1)
            c.lengthUnit = try p.choice("length_unit", default: LengthUnit.tokens)
            return try OverlongPenaltyReward(c)
        }
        r.register("repetition", parameters: ["ngram_size", "max_penalty"],
                   summary: "(1 − unique/total word n-grams) × max_penalty (open-r1)") { p, _ in
            try RepetitionPenaltyReward(ngramSize: try p.int("ngram_size", default: 3), maxPenalty: try p.double("max_penalty", default: -1))
        }
        r.register("code", parameters: ["scoring", "timeout", "extraction"],
                   summary: "fraction (or all) of HumanEval/MBPP tests passed in the sandbox") { p, env in
            guard let runner = env.codeRunner else {
                throw RewardsError.sandboxUnavailable(reason: "no code runner is configured")
            }
            return try CodeExecutionReward(runner: runner, scoring: try p.choice("scoring", default: CodeScoring.fraction),
                                           extraction: try p.choice("extraction", default: CodeExtraction.blockOrRaw),
                                           timeout: try p.double("timeout", default: 10))
        }
        r.register("countdown", parameters: ["format_score"], summary: "TinyZero countdown: 1 correct, format_score if answered wrongly") { p, _ in
            try CountdownReward(formatScore: try p.double("format_score", default: 0.1))
        }
        r.register("external", parameters: ["command", "args", "name", "timeout"],
                   summary: "a reward computed by an external command over JSON lines (see ExternalCommandReward)") { p, _ in
            let command = try p.string("command", default: nil)
            let args = try p.string("args", default: "").split(separator: " ").map(String.init)
            let timeout = try p.double("timeout", default: 60)
            guard timeout > 0 && timeout.isFinite else {
                throw RewardsError.invalidParameter(reward: "external", parameter: "timeout", value: "\(timeout)", expected: "a positive number of seconds")
            }
            return ExternalCommandReward(name: try p.string("name", default: "external"),
                                         executable: URL(fileURLWithPath: command), arguments: args, timeout: timeout)
        }
        return r
    }

    static func makeAccuracy(_ p: inout RewardParameterReader, _ env: RewardEnvironment) throws -> AccuracyReward {
        var checker = env.mathChecker
        let rules = try p.string("prediction_rules", default: "")
        if !rules.isEmpty {
            checker = try checker.withPredictionRules(rules.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let math = MathAccuracyReward(checker: checker, extraction: try p.choice("extraction", default: AnswerExtractionMode.answerTagOrFull))
        let countdown = try CountdownReward(formatScore: try p.double("format_score", default: 0.1))
        var code: CodeExecutionReward? = nil
        if let runner = env.codeRunner {
            code = try CodeExecutionReward(runner: runner, scoring: try p.choice("code_scoring", default: CodeScoring.fraction),
                                           timeout: try p.double("code_timeout", default: 10))
        }
        return AccuracyReward(math: math, countdown: countdown, code: code)
    }
}
