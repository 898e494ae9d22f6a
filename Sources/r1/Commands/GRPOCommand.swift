// `r1 grpo`: GRPO training of a model on a verifiable task, with a run directory and exact resume.
import ArgumentParser
import Foundation
import Models
import Rewards
import TensorEngine
import Trainers
import Training

/// Trains a model with GRPO.
struct GRPOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grpo",
        abstract: "Train a model with GRPO on a verifiable task (rule-based rewards).",
        discussion: """
        Writes config.yaml, metrics.jsonl (TRL metric names), tensorboard/, samples.jsonl and atomic
        checkpoints to the output directory. --resume continues from its newest checkpoint and reaches the
        same weights, bit for bit, as an uninterrupted run with the same thread count.
        Recipe: YAML with a `run:` section (model, task, prompt_style, system_prompt, instruction, task_level,
        task_digits, task_operands, task_operations, peak_tflops, utilization, dollars_per_hour,
        keep_checkpoints, eval_*) and a `grpo:` section (TRL GRPOConfig names). --set run.KEY=VALUE sets a
        run key, --set KEY=VALUE a GRPO key.
        Held-out evaluation: run.eval_steps N (0 = off) evaluates at step 0, every N steps and at the end on
        run.eval_size problems that training never sees (generated tasks hold out run.eval_holdout of the
        problem space by a hash of the problem; dataset tasks read run.eval_task_path), with
        run.eval_samples samples each at run.eval_temperature / run.eval_top_p (R1: 0.6 / 0.95) plus a greedy
        decode (run.eval_greedy). Logs eval/pass@1, eval/greedy_accuracy, eval/mean_length to metrics.jsonl,
        TensorBoard and the console; eval.json holds every evaluation, eval/step-N.json the full reports.
        """)

    @Option(help: "Model: a .gguf file or a Hugging Face directory (overrides the recipe's run.model).")
    var model: String?
    @Option(help: "Task: arithmetic | countdown | gsm8k:PATH | math500:PATH (overrides run.task).")
    var task: String?
    @Option(help: "Recipe YAML file.")
    var recipe: String?
    @Option(name: .customLong("set"), help: "Override KEY=VALUE (repeatable; run.KEY for run settings).")
    var overrides: [String] = []
    @Option(help: "Run directory.")
    var output: String
    @Flag(help: "Continue from the newest checkpoint in the run directory.")
    var resume = false
    @Option(help: "Worker threads of the tensor engine (resume with the same count for identical weights).")
    var threads = 2

    func run() throws {
        Parallel.threadCount = threads
        var recipe = try GRPORecipe.load(recipe: self.recipe.map { URL(fileURLWithPath: $0) }, overrides: overrides)
        if let model { recipe.settings.model = model }
        if let task { GRPORunSetup.apply(taskSpec: task, to: &recipe.settings) }
        guard let modelPath = recipe.settings.model else {
            throw ValidationError("give --model PATH (a .gguf file or a Hugging Face directory) or run.model in the recipe")
        }
        let outputURL = URL(fileURLWithPath: output)
        let hasCheckpoint = CheckpointStore.latest(in: outputURL.appendingPathComponent("checkpoints")) != nil
        if hasCheckpoint && !resume {
            throw ValidationError("\(output) already holds checkpoints; pass --resume to continue it or choose another --output")
        }
        let (policy, tokenizer) = try GRPORunSetup.loadModel(modelPath)
        let registry = GRPORunSetup.registry()
        let verifiable = try GRPORunSetup.task(recipe.settings, registry: registry)
        let style = try GRPORunSetup.promptStyle(recipe.settings, tokenizer: tokenizer)
        let prompts = try PromptSource(task: verifiable, tokenizer: tokenizer, style: style,
                                       seed: UInt64(truncatingIfNeeded: recipe.configuration.seed),
                                       maxPromptLength: recipe.configuration.maxPromptLength)
        let rewards = try GRPORunSetup.rewards(recipe.configuration, task: verifiable, registry: registry)
        let trainer = try GRPOTrainer(policy: policy, tokenizer: tokenizer, rewards: rewards, configuration: recipe.configuration)
        let run = try GRPORun(trainer: trainer, prompts: prompts, directory: outputURL, settings: recipe.settings)
        if recipe.settings.evaluates {
            run.evaluator = try GRPOHeldOutEvaluator(policy: policy, prompts: prompts, settings: recipe.settings,
                                                     maxCompletionLength: recipe.configuration.maxCompletionLength)
            let s = recipe.settings
            print("held-out evaluation every \(s.evalSteps) steps: \(s.evalSize) problems × \(s.evalSamples) samples at T = \(s.evalTemperature), "
                  + "top-p \(s.evalTopP)\(s.evalGreedy ? " + greedy" : "")"
                  + (s.effectiveHoldout > 0 && s.taskPath == nil ? ", \(Int(s.effectiveHoldout * 100)) % of the problems held out of training" : ""))
        }
        print("r1 grpo: model \(modelPath) (\(policy.parameters.count) parameters), task \(verifiable.name), "
              + "rewards \(rewards.names.joined(separator: "+")), \(recipe.configuration.promptsPerStep)×\(recipe.configuration.numGenerations) "
              + "completions/step, β = \(recipe.configuration.beta), \(threads) threads")
        if let example = try? prompts.example(at: 0) {
            print("first prompt: \(prompts.render(example).debugDescription)")
        }
        if resume, try run.resumeIfPossible() == nil { print("no checkpoint yet: starting from step 0") }
        try run.train()
        if let last = run.evaluationLog.last {
            print("final held-out evaluation (step \(last.step)): \(last.summary) — \(run.evaluationLogURL.path)")
        }
        if let adapter = trainer.adapter {
            let adapterURL = outputURL.appendingPathComponent("adapter", isDirectory: true)
            try adapter.save(to: adapterURL, baseModelNameOrPath: modelPath)
            print("LoRA adapter (PEFT format): \(adapterURL.path) — merge it with `r1 lora merge --model \(modelPath) --adapter \(adapterURL.path) --output DIR`")
        }
        let cost = trainer.costAccount
        let costModel = recipe.settings.costModel
        print(String(format: "done: %d steps, %.3e FLOP ≈ %.3f GPU-hours ≈ $%.2f at %.0f TFLOP/s × %.0f%% and $%.2f/h",
                     trainer.stepCount, cost.totalFLOPs, costModel.hours(for: cost.totalFLOPs), costModel.dollars(for: cost.totalFLOPs),
                     recipe.settings.peakTFLOPs, recipe.settings.utilization * 100, recipe.settings.dollarsPerHour))
    }
}
