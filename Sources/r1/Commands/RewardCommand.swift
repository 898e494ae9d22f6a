// `r1 reward`: score a JSON Lines file of completions with named rewards (the same registry GRPO recipes
// use) and print per-reward mean/std — the numbers TRL logs as rewards/<name>/mean and /std.
import ArgumentParser
import Foundation
import Rewards

/// Scores a completions file with registered rewards.
struct RewardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward",
        abstract: "Score a JSONL file of completions with named rewards; print per-reward mean and std.",
        discussion: """
        Each line is a JSON object with `completion` and, as the task needs, `answer` (or `gold`/`solution`), \
        `prompt`, `token_count`, `task` (math, countdown, code, generic), `numbers` + `target` (countdown), \
        `test` + `entry_point` (HumanEval) or `test_list` (MBPP). Rewards that do not apply to a sample \
        (e.g. accuracy without an answer) are left out of its statistics, as in TRL.
        Example: r1 reward --input samples.jsonl --rewards accuracy,format --weights 1,0.2
        """)

    @Option(help: ArgumentHelp("JSON Lines file of completions.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Comma-separated reward names (see --list).", valueName: "names"))
    var rewards = "accuracy"

    @Option(help: ArgumentHelp("Comma-separated weights, one per reward (default: all 1).", valueName: "numbers"))
    var weights: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Reward parameter REWARD.KEY=VALUE (repeatable), e.g. accuracy.extraction=answer_tag.",
                                                           valueName: "setting"))
    var parameters: [String] = []

    @Flag(help: "Skip malformed lines (and list them) instead of stopping at the first one.")
    var skipMalformed = false

    @Flag(help: "List the registered rewards and their parameters, then exit.")
    var list = false

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        if !list && input == nil { throw ValidationError("give --input FILE (a JSONL file of completions), or --list") }
    }

    /// The reward names of `--rewards`.
    var rewardNames: [String] {
        rewards.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The library selection these flags stand for.
    /// - Returns: names, weights and parameters.
    /// - Throws: `CLIError.invalidNumber` or `.invalidParameterOverride`.
    func selection() throws -> RewardSelection {
        var weightValues: [Double] = []
        if let weights {
            for part in weights.split(separator: ",", omittingEmptySubsequences: false) {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let value = Double(text), value.isFinite else { throw CLIError.invalidNumber(option: "--weights", value: text) }
                weightValues.append(value)
            }
        }
        var values: [String: [String: RewardParameterValue]] = [:]
        for setting in parameters {
            guard let eq = setting.firstIndex(of: "="), let dot = setting[..<eq].firstIndex(of: ".") else {
                throw CLIError.invalidParameterOverride(setting)
            }
            let reward = String(setting[..<dot]), key = String(setting[setting.index(after: dot)..<eq])
            guard !reward.isEmpty, !key.isEmpty else { throw CLIError.invalidParameterOverride(setting) }
            values[reward, default: [:]][key] = Self.parameterValue(String(setting[setting.index(after: eq)...]))
        }
        return RewardSelection(rewards: rewardNames, rewardWeights: weightValues, parameters: values)
    }

    /// Reads a parameter value: `true`/`false`, a number, else a string.
    static func parameterValue(_ text: String) -> RewardParameterValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }

    /// Scores the file.
    /// - Returns: the report.
    /// - Throws: `CLIError`, `RewardsError` (unknown reward, bad parameter, weight count, malformed line).
    func report() throws -> RewardReport {
        let registry = RewardRegistry.builtIn(environment: .standard())
        let combined = try registry.makeCombined(try selection())
        return try RewardReport.score(file: URL(fileURLWithPath: input ?? ""), with: combined, policy: skipMalformed ? .skip : .fail)
    }

    /// The text `run()` prints.
    /// - Returns: the catalogue (`--list`), the report table, or JSON.
    /// - Throws: as `report()`.
    func output() throws -> String {
        if list { return RewardRegistry.builtIn(environment: .standard()).catalogue.joined(separator: "\n") }
        let report = try report()
        return json ? try report.json() : report.render()
    }

    func run() throws {
        print(try output())
    }
}
