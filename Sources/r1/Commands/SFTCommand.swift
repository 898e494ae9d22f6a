// `r1 sft`: supervised fine-tuning on JSONL conversations or prompt/completion pairs (TRL SFTTrainer
// semantics), with a run directory, exact resume and a Hugging Face folder of the final weights.
import ArgumentParser
import Foundation
import ModelExport
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
        config.json and the tokenizer files: copied from a Hugging Face source model, written by the exporter for \
        a GGUF one). With use_peft: true only a LoRA adapter trains (lora_r, lora_alpha, lora_dropout, \
        lora_target_modules); adapter/ holds it in PEFT format and final/ the merged model. --resume continues \
        from the newest checkpoint and reaches the same weights, bit for bit, as an uninterrupted run with the \
        same thread count.
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
        let prepared = try prepare()
        let run = prepared.run
        print(prepared.summary)
        if resume, try run.resumeIfPossible() == nil { print("no checkpoint yet: starting from step 0") }
        try run.train()
        let final = try writeFinal(run, tokenizer: prepared.tokenizer)
        print("final model: \(final.path)" + (run.lastEvalLoss.map { String(format: " (eval_loss %.4f)", $0) } ?? ""))
    }

    /// A run ready to train.
    struct Prepared {
        /// The run.
        var run: SFTRun
        /// The model's tokenizer.
        var tokenizer: any Tokenizer
        /// What was loaded, for the console.
        var summary: String
    }

    /// Loads everything and builds the run (no training).
    /// - Returns: the run, the tokenizer and a summary.
    func prepare() throws -> Prepared {
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
        let vocabulary = model.configuration.vocabularySize
        if let id = (examples + (evalExamples ?? [])).lazy.flatMap(\.tokens).first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw SFTError.invalidSetting(key: "model", value: self.model,
                                          reason: "the tokenizer produced id \(id) but the model's vocabulary has \(vocabulary) entries; "
                                              + "use the tokenizer that belongs to the model")
        }
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
        if let adapter = model.adapter {
            summary += "\nLoRA: r \(adapter.configuration.rank), α \(adapter.configuration.alpha), dropout \(adapter.configuration.dropout), "
                + "\(adapter.targets.map(\.rawValue).joined(separator: "+")): \(adapter.parameters.count) trainable parameters"
        }
        if configuration.maxLength > model.configuration.maxPositionEmbeddings {
            summary += "\nnote: max_length \(configuration.maxLength) exceeds the model's max_position_embeddings "
                + "\(model.configuration.maxPositionEmbeddings); later positions reuse the last rotary position"
        }
        if truncated > 0 { summary += "\nnote: \(truncated) examples reach max_length \(configuration.maxLength) (truncated or exactly that long)" }
        if untrained > 0 { summary += "\nnote: \(untrained) examples have no target token (no assistant turn, or truncated before it)" }
        return Prepared(run: run, tokenizer: tokenizer, summary: summary)
    }

    /// Writes `<output>/final` as a Hugging Face folder (after saving a LoRA adapter to `<output>/adapter` and
    /// merging it into the weights). A Hugging Face source model's tokenizer files are copied; for a GGUF
    /// source ModelExport writes tokenizer.json and tokenizer_config.json from the GGUF tokenizer.
    /// - Parameters: run: the finished run. tokenizer: the model's tokenizer.
    /// - Returns: the final folder.
    func writeFinal(_ run: SFTRun, tokenizer: any Tokenizer) throws -> URL {
        let outputURL = URL(fileURLWithPath: output)
        let trained = run.trainer.model
        if let adapter = trained.adapter {
            try adapter.save(to: outputURL.appendingPathComponent("adapter", isDirectory: true), baseModelNameOrPath: model)
            try trained.mergeAndDetachAdapter()
        }
        var isDirectory: ObjCBool = false
        let source = FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) && isDirectory.boolValue
            ? URL(fileURLWithPath: model) : nil
        let final = outputURL.appendingPathComponent("final", isDirectory: true)
        if source == nil, let bpe = tokenizer as? BPETokenizer {
            let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent + "-sft"
            try HuggingFaceExporter.write(ExportableModel(model: trained, tokenizer: bpe, name: name), to: final, dtype: .f32)
        } else {
            try SFTModelFolder.write(trained, to: final, tokenizerSource: source,
                                     metadata: ["swiftr1": "sft", "step": String(run.trainer.stepCount)])
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
