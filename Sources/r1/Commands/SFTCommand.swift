// `r1 sft`: supervised fine-tuning on JSONL conversations or prompt/completion pairs (TRL SFTTrainer
// semantics), with a run directory, exact resume and a Hugging Face folder of the final weights.
import ArgumentParser
import Foundation
import Models
import TensorEngine
import Tokenizers
import Trainers
import Training

/// Fine-tunes a model on supervised examples.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "Supervised fine-tuning on JSONL conversations or prompt/completion pairs (TRL SFTTrainer semantics).",
        discussion: """
        Data: one JSON object per line — {"messages": [{"role": "user", "content": ...}, {"role": "assistant", \
        "content": ...}]}, {"prompt": ..., "completion": ...} (strings, or message lists for the conversational \
        form) or {"text": ...}. Conversations are rendered with the model's chat template (chat_template: auto \
        picks the tokenizer's, else R1-Zero); the loss is on assistant tokens and their end-of-turn token \
        (assistant_only_loss) or on completions (completion_only_loss). Recipe: YAML with an sft: section of TRL \
        SFTConfig keys (learning_rate, num_train_epochs, max_steps, per_device_train_batch_size, \
        gradient_accumulation_steps, max_length, packing, lr_scheduler_type, warmup_ratio, weight_decay, \
        max_grad_norm, seed, save_steps, logging_steps, ...); --set KEY=VALUE overrides one. The output directory \
        receives config.yaml, metrics.jsonl, tensorboard/, checkpoints/ and final/ (model.safetensors, \
        config.json and, for a Hugging Face source model, its tokenizer files). --resume continues from the newest \
        checkpoint and reaches the same weights, bit for bit, as an uninterrupted run with the same thread count.
        """)

    @Option(help: ArgumentHelp("Model: a .gguf file or a Hugging Face directory.", valueName: "path"))
    var model: String
    @Option(help: ArgumentHelp("Training data (JSONL).", valueName: "file"))
    var data: String
    @Option(name: .customLong("eval-data"), help: ArgumentHelp("Held-out data (JSONL) for eval_loss.", valueName: "file"))
    var evalData: String?
    @Option(help: ArgumentHelp("Recipe YAML with an sft: section.", valueName: "file"))
    var recipe: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override KEY=VALUE (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(help: ArgumentHelp("Run directory.", valueName: "dir"))
    var output: String
    @Flag(help: "Continue from the newest checkpoint in the run directory.")
    var resume = false
    @Option(help: "Worker threads of the tensor engine (resume with the same count for identical weights).")
    var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }

    func run() throws {
        let (run, summary) = try prepare()
        print(summary)
        if resume, try run.resumeIfPossible() == nil { print("no checkpoint yet: starting from step 0") }
        try run.train()
        let final = try writeFinal(run)
        print("final model: \(final.path)" + (run.lastEvalLoss.map { String(format: " (eval_loss %.4f)", $0) } ?? ""))
    }

    /// Loads everything and builds the run (no training).
    /// - Returns: the run and a summary line.
    func prepare() throws -> (SFTRun, String) {
        Parallel.threadCount = threads
        let configuration = try SFTConfiguration.load(recipe: recipe.map { URL(fileURLWithPath: $0) }, overrides: overrides)
        let outputURL = URL(fileURLWithPath: output)
        if !resume && CheckpointStore.latest(in: outputURL.appendingPathComponent("checkpoints")) != nil {
            throw ValidationError("\(output) already holds checkpoints; pass --resume to continue it or choose another --output")
        }
        let records = try SFTRecord.load(jsonl: URL(fileURLWithPath: data))
        let evalRecords = try evalData.map { try SFTRecord.load(jsonl: URL(fileURLWithPath: $0)) }
        let (model, tokenizer) = try GRPORunSetup.loadModel(self.model)
        let template = SFTTokenizer.template(configuration.chatTemplate, tokenizer: tokenizer)
        let renderer = SFTTokenizer(tokenizer: tokenizer, template: template, configuration: configuration)
        let examples = records.map(renderer.example(for:))
        let evalExamples = evalRecords.map { $0.map(renderer.example(for:)) }
        let dataset = SFTDataset(examples: examples, configuration: configuration)
        let totalSteps = configuration.totalSteps(rows: dataset.rows.count)
        let trainer = try SFTTrainer(model: model, configuration: configuration, totalSteps: totalSteps)
        let pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0
        let run = try SFTRun(trainer: trainer, data: dataset, evalExamples: evalExamples, directory: outputURL, padToken: pad)
        let untrained = examples.filter { $0.targetCount == 0 }.count
        let truncated = records.indices.filter { examples[$0].tokens.count == configuration.maxLength }.count
        var summary = "r1 sft: model \(self.model) (\(model.parameters.count) parameters), template \(Self.name(template)), "
            + "\(examples.count) examples → \(dataset.rows.count) rows\(configuration.packing ? " (packed)" : ""), "
            + "\(dataset.targetTokens) target tokens, \(totalSteps) steps of \(configuration.perDeviceTrainBatchSize)×"
            + "\(configuration.gradientAccumulationSteps) rows, \(threads) threads"
        if let evalExamples { summary += ", \(evalExamples.count) eval examples" }
        if truncated > 0 { summary += "\nnote: \(truncated) examples reach max_length \(configuration.maxLength) (truncated or exactly that long)" }
        if untrained > 0 { summary += "\nnote: \(untrained) examples have no target token (no assistant turn, or truncated before it)" }
        return (run, summary)
    }

    /// Writes `<output>/final` as a Hugging Face folder.
    /// - Returns: its URL.
    func writeFinal(_ run: SFTRun) throws -> URL {
        var isDirectory: ObjCBool = false
        let source = FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) && isDirectory.boolValue
            ? URL(fileURLWithPath: model) : nil
        let final = URL(fileURLWithPath: output).appendingPathComponent("final", isDirectory: true)
        try SFTModelFolder.write(run.trainer.model, to: final, tokenizerSource: source,
                                 metadata: ["swiftr1": "sft", "step": String(run.trainer.stepCount)])
        if source == nil {
            print("note: the source model is a GGUF file and r1 cannot write tokenizer.json; final/ holds weights and "
                  + "config.json only (copy the tokenizer files of the original Hugging Face model next to them)")
        }
        return final
    }

    static func name(_ template: ChatTemplate) -> String {
        switch template {
        case .chatML: return "chatml"
        case .llama3: return "llama3"
        case .r1Zero: return "r1_zero"
        }
    }
}
