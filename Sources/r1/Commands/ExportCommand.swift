// `r1 export`: writes a model (a .gguf file, a Hugging Face folder, or a training checkpoint applied to its base
// model) as a Hugging Face folder or a llama.cpp GGUF file (ModelExport).
import ArgumentParser
import Foundation
import ModelExport

/// Exports a model for transformers or llama.cpp.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model (optionally with a training checkpoint's weights) as a Hugging Face folder or a GGUF file.",
        discussion: """
        --format hf writes model.safetensors, config.json, generation_config.json, tokenizer.json and \
        tokenizer_config.json (with the chat template) into the --output folder; --dtype f32, f16 or bf16.
        --format gguf writes one llama.cpp GGUF file (tokenizer and chat template in its metadata); --dtype f32, \
        f16, bf16 or q8_0 (norms and biases stay F32, as llama.cpp's converter keeps them).
        --checkpoint takes a checkpoint directory (weights.safetensors) or a run directory (its newest checkpoint); \
        --model must then be the model the run started from, which supplies configuration and tokenizer.
        Example: r1 export --model smollm2.gguf --checkpoint runs/zero --format gguf --dtype q8_0 --output zero-q8_0.gguf
        """)

    @Option(help: ArgumentHelp("Model: a .gguf file or a Hugging Face directory.", valueName: "path"))
    var model: String

    @Option(help: ArgumentHelp("Checkpoint or run directory whose weights replace the model's.", valueName: "dir"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("Output format: hf or gguf.", valueName: "format"))
    var format: ExportFormat

    @Option(help: ArgumentHelp("Weight type: f32, f16, bf16 (hf, gguf) or q8_0 (gguf).", valueName: "dtype"))
    var dtype: ExportDType = .f32

    @Option(help: ArgumentHelp("Model name written to GGUF general.name (default: the source's name).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Output folder (hf) or file (gguf).", valueName: "path"))
    var output: String

    @Flag(help: "Print what was written as JSON.")
    var json = false

    /// The validated export options.
    var options: ExportOptions { ExportOptions(format: format, dtype: dtype, name: name) }

    func validate() throws {
        do { try options.validate() } catch { throw ValidationError("\(error)") }
    }

    /// What `--json` prints.
    struct Result: Encodable {
        var model: String
        var checkpoint: String?
        var format: String
        var dtype: String
        var files: [String]
        var bytes: Int
        var seconds: Double
    }

    /// Loads, exports and reports.
    /// - Returns: the files written and their total size.
    /// - Throws: `ExportError`, `ModelError`, `TokenizerError`.
    func export() throws -> Result {
        let start = Date()
        let source = try ExportableModel.load(model: URL(fileURLWithPath: model),
                                              checkpoint: checkpoint.map { URL(fileURLWithPath: $0) })
        let files = try ModelExporter.export(source, options: options, to: URL(fileURLWithPath: output))
        let bytes = files.reduce(0) { total, url in
            total + ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
        }
        return Result(model: model, checkpoint: checkpoint, format: format.rawValue, dtype: dtype.rawValue,
                      files: files.map(\.path), bytes: bytes, seconds: Date().timeIntervalSince(start))
    }

    func run() throws {
        let result = try export()
        if json {
            print(try JSONOutput.encode(result))
        } else {
            for file in result.files { print(file) }
            print(String(format: "exported %@ as %@ %@: %.1f MB in %.1fs", model, format.rawValue, dtype.rawValue,
                         Double(result.bytes) / 1e6, result.seconds))
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension ExportDType: ExpressibleByArgument {}
