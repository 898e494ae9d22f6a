// GRPORunSetup: turns a model path and a recipe into the parts of a run — model, tokenizer, task, prompt
// stream, rewards, trainer. Used by `r1 grpo` and `r1 bench-grpo`.
import Foundation
import ModelFormats
import Models
import Rewards
import Tokenizers
import Training

/// Building blocks of a GRPO run from files.
public enum GRPORunSetup {
    /// Loads a model and its tokenizer from a GGUF file or a Hugging Face directory (config.json,
    /// model.safetensors, tokenizer.json).
    /// - Parameter path: the file or directory.
    /// - Returns: the model (float32) and tokenizer.
    /// - Throws: `ModelError`, `TokenizerError`, `GRPORunError.invalidSetting` for a path that is neither.
    public static func loadModel(_ path: String) throws -> (LlamaModel, any Tokenizer) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GRPORunError.invalidSetting(key: "model", value: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            let model = try LlamaModel.load(huggingFaceDirectory: url)
            let tokenizer = try BPETokenizer(tokenizerJSON: url.appendingPathComponent("tokenizer.json"))
            return (model, tokenizer)
        }
        guard url.pathExtension.lowercased() == "gguf" else {
            throw GRPORunError.invalidSetting(key: "model", value: path, reason: "expected a .gguf file or a Hugging Face directory")
        }
        let file: GGUFFile
        do { file = try GGUFFile(url: url) } catch {
            throw GRPORunError.invalidSetting(key: "model", value: path, reason: error.description)
        }
        let model = try LlamaModel(configuration: try LlamaConfiguration(gguf: file))
        try model.loadWeights(from: file)
        return (model, try BPETokenizer(gguf: file))
    }

    /// The task of the settings. With evaluation on (`eval_steps > 0`), a generated task is split by
    /// `HeldOutTask` (fraction `eval_holdout`) so training never sees the held-out problems, and a dataset
    /// task reads its held-out problems (split `.test`) from `eval_task_path`.
    /// - Parameters:
    ///   - settings: `task`, `task_path`, arithmetic options, evaluation options.
    ///   - registry: supplies the `accuracy` reward of dataset tasks.
    /// - Returns: the task.
    /// - Throws: `GRPORunError.invalidSetting`, `RewardsError.invalidTaskRequest`.
    public static func task(_ settings: GRPORunSettings, registry: RewardRegistry) throws -> any VerifiableTask {
        let generated: any VerifiableTask
        switch settings.task {
        case "arithmetic":
            if let digits = settings.taskDigits {
                let operations = settings.taskOperations.compactMap { c -> ArithmeticOperation? in
                    switch c { case "+": return .add; case "-": return .subtract; case "*": return .multiply; default: return nil }
                }
                generated = try ArithmeticTask(difficulty: .init(digits: digits, operandCount: settings.taskOperands, operations: operations))
            } else {
                generated = try ArithmeticTask(difficulty: .level(settings.taskLevel))
            }
        case "countdown":
            generated = try CountdownTask()
        case let name:
            guard let format = DatasetFormat(rawValue: name) else {
                throw GRPORunError.invalidSetting(key: "task", value: name,
                                                  reason: "use arithmetic, countdown, gsm8k:PATH, math500:PATH")
            }
            guard let path = settings.taskPath else {
                throw GRPORunError.invalidSetting(key: "task_path", value: "", reason: "the \(name) task needs its JSONL file (task: \(name):PATH)")
            }
            var files: [DatasetSplit: URL] = [.train: URL(fileURLWithPath: path)]
            if settings.evaluates {
                guard let evalPath = settings.evalTaskPath else {
                    throw GRPORunError.invalidSetting(key: "eval_task_path", value: "",
                                                      reason: "held-out evaluation of the \(name) task needs a JSONL file of held-out problems")
                }
                files[.test] = URL(fileURLWithPath: evalPath)
            }
            return DatasetTask(format: format, files: files, reward: try registry.make("accuracy"))
        }
        guard settings.effectiveHoldout > 0 else { return generated }
        return try HeldOutTask(base: generated, fraction: settings.effectiveHoldout)
    }

    /// Splits a CLI task spec `name[:path]` into the settings.
    /// - Parameter spec: e.g. `arithmetic`, `gsm8k:/data/gsm8k/train.jsonl`.
    public static func apply(taskSpec spec: String, to settings: inout GRPORunSettings) {
        if let colon = spec.firstIndex(of: ":") {
            settings.task = String(spec[..<colon])
            settings.taskPath = String(spec[spec.index(after: colon)...])
        } else {
            settings.task = spec
        }
    }

    /// The prompt style of the settings for a tokenizer: `auto` picks the tokenizer's chat template if it has
    /// one (instruct models) and the R1-Zero template otherwise (base models).
    public static func promptStyle(_ settings: GRPORunSettings, tokenizer: some Tokenizer) throws -> PromptStyle {
        let detected = ChatTemplate(for: tokenizer)
        switch settings.promptStyle {
        case "r1_zero": return .r1Zero
        case "chat":
            guard let detected else {
                throw GRPORunError.invalidSetting(key: "prompt_style", value: "chat", reason: "the tokenizer has no recognised chat template")
            }
            return .chat(detected, system: settings.systemPrompt, instruction: settings.instruction)
        default:
            return detected.map { .chat($0, system: settings.systemPrompt, instruction: settings.instruction) } ?? .r1Zero
        }
    }

    /// The weighted rewards of a configuration: each name of `reward_funcs` from the built-in registry, and
    /// `task` for the task's own verifier.
    /// - Throws: `RewardsError` for an unknown reward.
    public static func rewards(_ configuration: GRPOConfiguration, task: any VerifiableTask,
                               registry: RewardRegistry) throws -> CombinedReward {
        let weights = configuration.effectiveRewardWeights
        return try CombinedReward(configuration.rewardFuncs.enumerated().map { i, name in
            let reward: any RewardFunction
            if name == "task" { reward = task.reward } else { reward = try registry.make(name) }
            return WeightedReward(reward, weight: weights[i])
        })
    }

    /// The built-in registry (math verifier, no code sandbox).
    public static func registry() -> RewardRegistry {
        RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))
    }
}
