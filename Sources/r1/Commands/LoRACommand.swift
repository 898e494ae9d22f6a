// `r1 lora merge` and `r1 lora inspect`: work with PEFT-format LoRA adapters (adapter_config.json +
// adapter_model.safetensors) — fold one into its base model and write the result as a Hugging Face folder
// (or GGUF) through ModelExport, or print what an adapter holds.
import ArgumentParser
import Foundation
import ModelExport
import ModelFormats
import Models

/// `r1 lora`: LoRA adapter tools.
struct LoRACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lora",
        abstract: "Merge a LoRA adapter into its base model, or inspect an adapter.",
        subcommands: [LoRAMergeCommand.self, LoRAInspectCommand.self])
}

/// `r1 lora merge --model BASE --adapter DIR --output OUT`.
struct LoRAMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold a PEFT LoRA adapter into its base model (W ← W0 + s·B·A) and write the merged model.",
        discussion: """
        --adapter is a directory with adapter_config.json and adapter_model.safetensors (PEFT's format, as written by \
        `r1 sft`/`r1 grpo` with use_peft, or by PEFT/TRL). s = lora_alpha / r, or lora_alpha / √r with use_rslora.
        The default output is a Hugging Face folder (model.safetensors, config.json, tokenizer files); --format gguf \
        writes one llama.cpp file instead.
        Example: r1 lora merge --model SmolLM2-135M-Instruct --adapter runs/sft/adapter --output smollm2-merged
        """)

    @Option(help: ArgumentHelp("Base model: a .gguf file or a Hugging Face directory.", valueName: "path"))
    var model: String

    @Option(help: ArgumentHelp("Adapter directory (adapter_config.json, adapter_model.safetensors).", valueName: "dir"))
    var adapter: String

    @Option(help: ArgumentHelp("Output folder (hf) or file (gguf).", valueName: "path"))
    var output: String

    @Option(help: ArgumentHelp("Output format: hf or gguf.", valueName: "format"))
    var format: ExportFormat = .huggingFace

    @Option(help: ArgumentHelp("Weight type: f32, f16, bf16 (hf, gguf) or q8_0 (gguf).", valueName: "dtype"))
    var dtype: ExportDType = .f32

    @Flag(help: "Print what was written as JSON.")
    var json = false

    func validate() throws {
        do { try ExportOptions(format: format, dtype: dtype).validate() } catch { throw ValidationError("\(error)") }
    }

    /// What `--json` prints.
    struct Result: Encodable {
        var model: String
        var adapter: String
        var rank: Int
        var alpha: Double
        var scale: Float
        var targetModules: [String]
        var mergedTensors: Int
        var files: [String]
        var seconds: Double
    }

    /// Loads base and adapter, merges, exports.
    /// - Returns: what was written.
    /// - Throws: `LoRAError`, `ModelError`, `ExportError`.
    func merge() throws -> Result {
        let start = Date()
        var source = try ExportableModel.load(model: URL(fileURLWithPath: model))
        let loaded = try LoRAAdapter.load(from: URL(fileURLWithPath: adapter), modelConfiguration: source.model.configuration)
        try source.model.attachAdapter(loaded)
        try source.model.mergeAndDetachAdapter()
        source.name += "-merged"
        let files = try ModelExporter.export(source, options: ExportOptions(format: format, dtype: dtype), to: URL(fileURLWithPath: output))
        return Result(model: model, adapter: adapter, rank: loaded.configuration.rank, alpha: loaded.configuration.alpha,
                      scale: loaded.scale, targetModules: loaded.targets.map(\.rawValue),
                      mergedTensors: loaded.targets.count * source.model.configuration.layerCount,
                      files: files.map(\.path), seconds: Date().timeIntervalSince(start))
    }

    func run() throws {
        let result = try merge()
        if json {
            print(try JSONOutput.encode(result))
        } else {
            for file in result.files { print(file) }
            print(String(format: "merged %@ (r %d, alpha %g, scale %g, %@) into %d weights in %.1fs", adapter, result.rank, result.alpha,
                         Double(result.scale), result.targetModules.joined(separator: ","), result.mergedTensors, result.seconds))
        }
    }
}

/// `r1 lora inspect --adapter DIR [--model BASE]`.
struct LoRAInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a LoRA adapter's settings and tensors; with --model, check that it fits that base model.",
        discussion: "Example: r1 lora inspect --adapter runs/sft/adapter --model SmolLM2-135M-Instruct --json")

    @Option(help: ArgumentHelp("Adapter directory (adapter_config.json, adapter_model.safetensors).", valueName: "dir"))
    var adapter: String

    @Option(help: ArgumentHelp("Base model to check the adapter against (a .gguf file or a Hugging Face directory).", valueName: "path"))
    var model: String?

    @Flag(help: "Print as JSON.")
    var json = false

    /// One adapter tensor.
    struct Tensor: Encodable {
        var name: String
        var shape: [Int]
        var dtype: String
        var maxAbs: Float
    }

    /// What the command prints.
    struct Result: Encodable {
        var adapter: String
        var baseModel: String?
        var rank: Int
        var alpha: Double
        var dropout: Double
        var useRSLoRA: Bool
        var scale: Float
        var targetModules: [String]
        var layers: Int
        var parameters: Int
        var tensors: [Tensor]
        /// Whether the adapter fits `--model` (nil without it).
        var fitsModel: Bool?
    }

    /// Reads the adapter (and checks it against `--model`).
    /// - Returns: the description.
    /// - Throws: `LoRAError` (unreadable or not fitting `--model`), `ModelError`.
    func inspect() throws -> Result {
        let directory = URL(fileURLWithPath: adapter)
        let (configuration, baseModel) = try LoRAAdapter.readPEFTConfig(directory.appendingPathComponent(LoRAAdapter.configFileName))
        let weightsURL = directory.appendingPathComponent(LoRAAdapter.weightsFileName)
        let file: SafetensorsFile
        do { file = try SafetensorsFile(url: weightsURL) } catch { throw LoRAError.io(path: weightsURL.path, reason: error.description) }
        var layers = Set<Int>()
        var count = 0
        let tensors = try file.tensors.map { info -> Tensor in
            let parts = info.name.split(separator: ".")
            if let index = parts.firstIndex(of: "layers"), index + 1 < parts.count, let layer = Int(parts[index + 1]) { layers.insert(layer) }
            count += info.shape.reduce(1, *)
            let values: [Float]
            do { values = try file.floats(info.name) } catch { throw LoRAError.io(path: weightsURL.path, reason: "\(error)") }
            return Tensor(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, maxAbs: values.reduce(0) { max($0, abs($1)) })
        }
        var fits: Bool?
        if let model {
            let base = try ExportableModel.load(model: URL(fileURLWithPath: model))
            _ = try LoRAAdapter.load(from: directory, modelConfiguration: base.model.configuration)
            fits = true
        }
        return Result(adapter: adapter, baseModel: baseModel, rank: configuration.rank, alpha: configuration.alpha,
                      dropout: configuration.dropout, useRSLoRA: configuration.useRSLoRA, scale: configuration.scale,
                      targetModules: (try? configuration.resolvedTargets().map(\.rawValue)) ?? configuration.targetModules, layers: layers.count,
                      parameters: count, tensors: tensors.sorted { $0.name < $1.name }, fitsModel: fits)
    }

    func run() throws {
        let result = try inspect()
        if json {
            print(try JSONOutput.encode(result))
            return
        }
        print("adapter \(result.adapter)" + (result.baseModel.map { " (base \($0))" } ?? ""))
        print(String(format: "r %d, alpha %g (scale %g%@), dropout %g", result.rank, result.alpha, Double(result.scale),
                     result.useRSLoRA ? ", rsLoRA" : "", result.dropout))
        print("targets \(result.targetModules.joined(separator: ", ")) in \(result.layers) layers: \(result.tensors.count) tensors, \(result.parameters) parameters")
        if let fits = result.fitsModel, fits, let model { print("fits \(model)") }
    }
}
