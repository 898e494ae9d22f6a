// GRPORunSettings: what a GRPO run needs beside the GRPO hyper-parameters — model, task, prompt style,
// cost model, checkpoint retention — and the recipe files that hold both. A recipe is YAML with two
// top-level sections:
//   run:            flat `key: value` scalars of GRPORunSettings (model, task, prompt_style, …)
//   grpo:           GRPOConfiguration keys (TRL names), read by GRPOConfiguration's own recipe loader
// `--set run.key=value` overrides a run setting; any other `--set key=value` a GRPO key.
import Foundation
import Training

/// Errors of run setup (recipes, settings, resume).
public enum GRPORunError: Error, CustomStringConvertible, Equatable {
    /// A `run:` key that does not exist.
    case unknownSetting(key: String, source: String)
    /// A run setting with a value of the wrong form.
    case invalidSetting(key: String, value: String, reason: String)
    /// The recipe file cannot be read.
    case unreadableRecipe(path: String, reason: String)
    /// A checkpoint was written by a run with different settings.
    case incompatibleCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownSetting(key, source):
            return "\(source): unknown run setting '\(key)'; known: \(GRPORunSettings.keys.joined(separator: ", "))."
        case let .invalidSetting(key, value, reason):
            return "run setting \(key) = '\(value)': \(reason)."
        case let .unreadableRecipe(path, reason):
            return "cannot read recipe \(path): \(reason)."
        case let .incompatibleCheckpoint(path, reason):
            return "cannot resume from \(path): \(reason). Resume with the recipe and model the run was started with, "
                + "or start a new run directory."
        }
    }
}

/// Run-level settings (validated value type).
public struct GRPORunSettings: Codable, Sendable, Equatable {
    /// Model path (GGUF file or Hugging Face directory); the CLI's `--model` wins.
    public var model: String?
    /// Task name: arithmetic, countdown, gsm8k, math500.
    public var task: String = "arithmetic"
    /// JSONL file of a dataset task.
    public var taskPath: String?
    /// Arithmetic: preset level 1…5 (ignored when `taskDigits` is set).
    public var taskLevel: Int = 2
    /// Arithmetic: digits per operand (overrides the level).
    public var taskDigits: Int?
    /// Arithmetic: operands per expression (with `taskDigits`).
    public var taskOperands: Int = 2
    /// Arithmetic: operations, e.g. "+-*" (with `taskDigits`).
    public var taskOperations: String = "+-*"
    /// auto (chat template if the tokenizer has one, else R1-Zero), chat, or r1_zero.
    public var promptStyle: String = "auto"
    /// System message for the chat style (nil: the template's default).
    public var systemPrompt: String?
    /// Text appended to the question in the chat style.
    public var instruction: String?
    /// Peak accelerator throughput for the cost estimate, TFLOP/s (default: H100 SXM dense BF16).
    public var peakTFLOPs: Double = 989
    /// Achieved fraction of the peak (MFU) for the cost estimate.
    public var utilization: Double = 0.4
    /// Price of one accelerator hour in dollars.
    public var dollarsPerHour: Double = 2
    /// Checkpoints kept on disk (the newest ones); 0 keeps all.
    public var keepCheckpoints: Int = 2
    /// Held-out evaluation every this many steps, plus step 0 and the last step; 0 turns it off.
    public var evalSteps: Int = 0
    /// Held-out problems per evaluation (generated tasks: distinct problems of the held-out split, at most
    /// the whole held-out space; datasets: a seeded sample of `evalTaskPath`, the same at every evaluation).
    public var evalSize: Int = 32
    /// Samples per held-out problem (k of pass@1 averaged over k, R1's protocol).
    public var evalSamples: Int = 4
    /// Sampling temperature of the evaluation (R1: 0.6).
    public var evalTemperature: Double = 0.6
    /// Nucleus mass of the evaluation (R1: 0.95).
    public var evalTopP: Double = 0.95
    /// Also decode each problem greedily (`eval/greedy_accuracy`).
    public var evalGreedy: Bool = true
    /// Token budget of an evaluation sample (nil: the run's max_completion_length).
    public var evalMaxNewTokens: Int?
    /// Generated tasks: the share of the problem space held out of training for evaluation (by a hash of
    /// the problem, see `HeldOutTask`). Only applied when `evalSteps > 0`; changes the training prompts.
    public var evalHoldout: Double = 0.25
    /// Dataset tasks: the JSONL file (same format as the training file) of the held-out problems.
    public var evalTaskPath: String?
    /// Seed of the evaluation samples (the same at every evaluation, so curves compare like with like).
    public var evalSeed: UInt64 = 0

    /// Creates default settings.
    public init() {}

    /// The recipe keys, snake_case.
    public static let keys = ["model", "task", "task_path", "task_level", "task_digits", "task_operands", "task_operations",
                              "prompt_style", "system_prompt", "instruction", "peak_tflops", "utilization",
                              "dollars_per_hour", "keep_checkpoints", "eval_steps", "eval_size", "eval_samples",
                              "eval_temperature", "eval_top_p", "eval_greedy", "eval_max_new_tokens", "eval_holdout",
                              "eval_task_path", "eval_seed"]

    /// Whether held-out evaluation is on.
    public var evaluates: Bool { evalSteps > 0 }

    /// The held-out fraction that shapes the training prompts of a generated task (arithmetic, countdown);
    /// 0 when evaluation is off, so runs without evaluation train on the whole problem space as before, and
    /// 0 for dataset tasks, whose held-out problems come from `evalTaskPath`.
    public var effectiveHoldout: Double { evaluates && ["arithmetic", "countdown"].contains(task) ? evalHoldout : 0 }

    /// The cost model of the settings.
    public var costModel: CostModel {
        CostModel(peakFLOPsPerSecond: peakTFLOPs * 1e12, utilization: utilization, dollarsPerHour: dollarsPerHour)
    }

    /// Checks ranges.
    /// - Throws: `GRPORunError.invalidSetting`.
    public func validate() throws {
        guard ["auto", "chat", "r1_zero"].contains(promptStyle) else {
            throw GRPORunError.invalidSetting(key: "prompt_style", value: promptStyle, reason: "use auto, chat or r1_zero")
        }
        guard peakTFLOPs > 0, utilization > 0, utilization <= 1, dollarsPerHour >= 0 else {
            throw GRPORunError.invalidSetting(key: "peak_tflops/utilization/dollars_per_hour",
                                              value: "\(peakTFLOPs)/\(utilization)/\(dollarsPerHour)",
                                              reason: "need peak > 0, 0 < utilization ≤ 1, price ≥ 0")
        }
        guard keepCheckpoints >= 0 else {
            throw GRPORunError.invalidSetting(key: "keep_checkpoints", value: String(keepCheckpoints), reason: "must be ≥ 0")
        }
        guard evalSteps >= 0 else {
            throw GRPORunError.invalidSetting(key: "eval_steps", value: String(evalSteps), reason: "must be ≥ 0 (0 turns evaluation off)")
        }
        guard evalSize >= 1, evalSamples >= 1 else {
            throw GRPORunError.invalidSetting(key: "eval_size/eval_samples", value: "\(evalSize)/\(evalSamples)", reason: "both must be ≥ 1")
        }
        guard evalTemperature > 0, evalTemperature.isFinite, evalTopP > 0, evalTopP <= 1 else {
            throw GRPORunError.invalidSetting(key: "eval_temperature/eval_top_p", value: "\(evalTemperature)/\(evalTopP)",
                                              reason: "need temperature > 0 (greedy decoding is eval_greedy) and 0 < top_p ≤ 1")
        }
        if let evalMaxNewTokens, evalMaxNewTokens < 1 {
            throw GRPORunError.invalidSetting(key: "eval_max_new_tokens", value: String(evalMaxNewTokens), reason: "must be ≥ 1")
        }
        guard evalHoldout >= 0, evalHoldout < 1 else {
            throw GRPORunError.invalidSetting(key: "eval_holdout", value: String(evalHoldout), reason: "use a fraction in [0, 1), e.g. 0.25")
        }
        guard taskOperations.allSatisfy({ "+-*".contains($0) }), !taskOperations.isEmpty else {
            throw GRPORunError.invalidSetting(key: "task_operations", value: taskOperations, reason: "use characters of +-*")
        }
    }

    /// Sets one key from its text.
    /// - Throws: `GRPORunError.unknownSetting`, `.invalidSetting`.
    public mutating func set(_ key: String, _ value: String, source: String) throws {
        func int() throws -> Int {
            guard let v = Int(value) else { throw GRPORunError.invalidSetting(key: key, value: value, reason: "expected an integer") }
            return v
        }
        func double() throws -> Double {
            guard let v = Double(value) else { throw GRPORunError.invalidSetting(key: key, value: value, reason: "expected a number") }
            return v
        }
        let optional: String? = (value == "null" || value == "~" || value.isEmpty) ? nil : value
        switch key {
        case "model": model = optional
        case "task": task = value
        case "task_path": taskPath = optional
        case "task_level": taskLevel = try int()
        case "task_digits": taskDigits = optional == nil ? nil : try int()
        case "task_operands": taskOperands = try int()
        case "task_operations": taskOperations = value
        case "prompt_style": promptStyle = value
        case "system_prompt": systemPrompt = optional
        case "instruction": instruction = optional
        case "peak_tflops": peakTFLOPs = try double()
        case "utilization": utilization = try double()
        case "dollars_per_hour": dollarsPerHour = try double()
        case "keep_checkpoints": keepCheckpoints = try int()
        case "eval_steps": evalSteps = try int()
        case "eval_size": evalSize = try int()
        case "eval_samples": evalSamples = try int()
        case "eval_temperature": evalTemperature = try double()
        case "eval_top_p": evalTopP = try double()
        case "eval_greedy":
            guard let v = ["true": true, "false": false, "yes": true, "no": false, "1": true, "0": false][value.lowercased()] else {
                throw GRPORunError.invalidSetting(key: key, value: value, reason: "expected true or false")
            }
            evalGreedy = v
        case "eval_max_new_tokens": evalMaxNewTokens = optional == nil ? nil : try int()
        case "eval_holdout": evalHoldout = try double()
        case "eval_task_path": evalTaskPath = optional
        case "eval_seed":
            guard let v = UInt64(value) else { throw GRPORunError.invalidSetting(key: key, value: value, reason: "expected a non-negative integer") }
            evalSeed = v
        default: throw GRPORunError.unknownSetting(key: key, source: source)
        }
    }
}

/// A recipe: run settings + GRPO configuration.
public struct GRPORecipe: Sendable, Equatable {
    /// Run-level settings.
    public var settings: GRPORunSettings
    /// GRPO hyper-parameters.
    public var configuration: GRPOConfiguration

    /// Loads a recipe and applies overrides (`run.key=value` for settings, `key=value` for GRPO keys).
    /// - Parameters:
    ///   - url: a YAML recipe with `run:` and `grpo:` sections; nil starts from the defaults.
    ///   - overrides: command-line overrides, applied in order after the file.
    /// - Returns: the validated recipe.
    /// - Throws: `GRPORunError`, and `TrainingError` for GRPO keys.
    public static func load(recipe url: URL?, overrides: [String] = []) throws -> GRPORecipe {
        var settings = GRPORunSettings()
        var configuration = GRPOConfiguration()
        if let url {
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw GRPORunError.unreadableRecipe(path: url.path, reason: error.localizedDescription)
            }
            let (run, grpo) = split(text)
            for (line, key, value) in run { try settings.set(key, value, source: "\(url.path):\(line)") }
            try configuration.apply(recipeText: grpo, format: .yaml, source: url.path)
        }
        var grpoOverrides: [String] = []
        for text in overrides {
            if text.hasPrefix("run."), let equals = text.firstIndex(of: "=") {
                let key = String(text[text.index(text.startIndex, offsetBy: 4)..<equals]).trimmingCharacters(in: .whitespaces)
                try settings.set(key, String(text[text.index(after: equals)...]), source: "command line")
            } else {
                grpoOverrides.append(text)
            }
        }
        try configuration.apply(overrides: grpoOverrides)
        try configuration.validate()
        try settings.validate()
        return GRPORecipe(settings: settings, configuration: configuration)
    }

    /// Splits recipe text into the `run:` section's (line, key, value) scalars and the remaining YAML.
    static func split(_ text: String) -> (run: [(Int, String, String)], rest: String) {
        var run: [(Int, String, String)] = []
        var rest: [String] = []
        var inRun = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indented = line.first == " " || line.first == "\t"
            if !indented && !trimmed.isEmpty && !trimmed.hasPrefix("#") { inRun = trimmed == "run:" }
            guard inRun else { rest.append(line); continue }
            rest.append("")  // keep line numbers of the GRPO part
            guard indented, !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            run.append((index + 1, key, scalar(String(trimmed[trimmed.index(after: colon)...]))))
        }
        return (run, rest.joined(separator: "\n"))
    }

    /// A YAML scalar's text: quotes removed, a trailing ` # comment` dropped from unquoted values.
    static func scalar(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2,
           let end = value.dropFirst().firstIndex(of: quote) {
            value = String(value[value.index(after: value.startIndex)..<end])
            return quote == "\"" ? value.replacingOccurrences(of: "\\n", with: "\n") : value
        }
        if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]) }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
