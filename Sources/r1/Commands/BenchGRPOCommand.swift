// `r1 bench-grpo`: times GRPO steps on a real model with TRL's benchmark settings
// (4 prompts × 8 completions, ≤ 128 new tokens, β = 0.04, fp32), for comparison with peers.md §d.
import ArgumentParser
import Foundation
import TensorEngine
import Trainers
import Training

/// Benchmarks a GRPO step.
struct BenchGRPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-grpo",
        abstract: "Time GRPO steps (4 prompts × 8 completions, ≤128 tokens, β 0.04, fp32) and print the split.")

    @Option(help: "Model: a .gguf file or a Hugging Face directory.")
    var model: String
    @Option(help: "Task: arithmetic | countdown | gsm8k:PATH | math500:PATH.")
    var task = "arithmetic"
    @Option(help: "Timed steps (after none: the first step is timed too, as in a fresh run).")
    var steps = 1
    @Option(help: "Worker threads.")
    var threads = 2
    @Option(help: "Sequences per forward/backward (per_device_train_batch_size); the 32 completions are accumulated into one optimizer step either way, so the update is the same and only memory and padding change.")
    var microBatch = 2
    @Option(help: "Run each micro-batch's forward/backward in chunks of at most this many tokens (micro_batch_token_limit; 0: whole micro-batches). Same update; bounds memory by tokens.")
    var microBatchTokens = 0
    @Option(help: "Write the prompts the timed steps use (and as many after them), one JSON line {question, answer} each, in order: a peer given the file (Scripts/bench/trl_grpo_step.py --prompts) trains on the same ones.")
    var promptsOut: String?
    @Option(name: .customLong("set"), help: "Override KEY=VALUE (repeatable).")
    var overrides: [String] = []

    func validate() throws {
        guard microBatchTokens >= 0 else { throw ValidationError("--micro-batch-tokens must be 0 (no limit) or a token count; got \(microBatchTokens)") }
        guard microBatch >= 1, 32 % microBatch == 0 else {
            throw ValidationError("--micro-batch must divide the 32 completions of a step (1, 2, 4, 8, 16 or 32); got \(microBatch)")
        }
    }

    func run() throws {
        Parallel.threadCount = threads
        var recipe = try GRPORecipe.load(recipe: nil, overrides: [
            "prompts_per_step=4", "num_generations=8", "max_completion_length=128", "beta=0.04",
            "per_device_train_batch_size=\(microBatch)", "gradient_accumulation_steps=\(max(1, 32 / max(1, microBatch)))",
            "micro_batch_token_limit=\(microBatchTokens)",
            "temperature=1.0",
            "learning_rate=1e-6", "reward_funcs=[accuracy]", "max_steps=\(steps)", "seed=1",
        ] + overrides)
        recipe.settings.model = model
        recipe.settings.instruction = "Answer with the number."
        GRPORunSetup.apply(taskSpec: task, to: &recipe.settings)
        if recipe.settings.task == "arithmetic" && recipe.settings.taskDigits == nil {
            recipe.settings.taskDigits = 1
            recipe.settings.taskOperations = "*"
        }
        let loadStart = Date()
        let (policy, tokenizer) = try GRPORunSetup.loadModel(model)
        let registry = GRPORunSetup.registry()
        let verifiable = try GRPORunSetup.task(recipe.settings, registry: registry)
        var prompts = try PromptSource(task: verifiable, tokenizer: tokenizer,
                                       style: try GRPORunSetup.promptStyle(recipe.settings, tokenizer: tokenizer), seed: 1)
        if let promptsOut {
            let count = 2 * recipe.configuration.promptsPerStep * steps
            let lines = try (0..<count).map { position -> String in
                let example = try prompts.example(at: position)
                let row = ["question": prompts.userMessage(example), "answer": example.goldAnswer ?? ""]
                return String(decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: promptsOut, atomically: true, encoding: .utf8)
        }
        let rewards = try GRPORunSetup.rewards(recipe.configuration, task: verifiable, registry: registry)
        let trainer = try GRPOTrainer(policy: policy, tokenizer: tokenizer, rewards: rewards, configuration: recipe.configuration)
        print("loaded \(model) (\(policy.parameters.count) parameters, fp32; sampler on \(recipe.configuration.samplerPrecision.rawValue) weights) and built policy + reference in "
              + String(format: "%.1f s; RSS %.0f MiB", Date().timeIntervalSince(loadStart), Self.status("VmRSS") / 1024))
        for _ in 0..<steps {
            let cpuStart = Self.cpuSeconds()
            let start = Date()
            let report = try trainer.step { try prompts.next($0) }
            let wall = Date().timeIntervalSince(start)
            let cpu = Self.cpuSeconds() - cpuStart
            let t = trainer.lastStepTimes
            print(String(format: "step %d: %.1f s  (sampling %.1f, scoring %.2f, reference log-probs %.1f, policy forward+backward %.1f, optimizer %.2f)",
                         report.step, wall, t.sampling, t.scoring, t.referenceLogProbs, t.policyForwardBackward, t.optimizer))
            print(String(format: "  %d completions, %d generated tokens (%.0f tok/s sampling), %d trained tokens, mean length %.1f, clipped %.0f%%, reward %.3f, zero-std groups %.2f",
                         4 * 8, report.generatedTokens, Double(report.generatedTokens) / max(1e-9, t.sampling), report.trainedTokens,
                         report.completionLengthMean, report.truncatedFraction * 100, report.rewardMean, report.zeroStdGroupFraction))
            print(String(format: "  CPU/wall %.2f, load average ", cpu / wall) + Self.loadAverage())
        }
        print(String(format: "peak RSS (VmHWM) %.0f MiB, threads %d, load average ", Self.status("VmHWM") / 1024, threads)
              + Self.loadAverage())
        print("TRL's GRPOTrainer with the same settings in the same run: Scripts/bench/grpo-vs-trl.sh (figures: BENCHMARKS.md)")
    }

    /// A `kB` field of /proc/self/status (0 when unavailable).
    static func status(_ field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") ?? 0
        }
        return 0
    }

    /// The first three fields of /proc/loadavg.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// User + system CPU seconds of this process.
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
