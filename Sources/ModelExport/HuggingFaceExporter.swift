// Writes a Hugging Face folder: model.safetensors (every tensor of the parameter layout, HF names, F32/F16/BF16;
// Qwen2 without q/k/v biases gets zero biases because Qwen2ForCausalLM always has them), config.json,
// generation_config.json, tokenizer.json and tokenizer_config.json (with the chat template).
import Foundation
import ModelFormats
import Models
import Tokenizers

/// Exports a model as a Hugging Face folder that transformers and `LlamaModel.load(huggingFaceDirectory:)` load.
public enum HuggingFaceExporter {
    /// Writes the folder, creating it if needed (existing files of the same names are replaced).
    ///
    /// ```swift
    /// try HuggingFaceExporter.write(source, to: URL(fileURLWithPath: "out/smollm2-hf"), dtype: .bf16)
    /// ```
    /// - Parameters:
    ///   - source: the model and tokenizer.
    ///   - directory: the output folder.
    ///   - dtype: `.f32`, `.f16` or `.bf16`.
    /// - Returns: the files written, in order.
    /// - Throws: ``ExportError`` (`.invalidOptions` for Q8_0, `.writeFailed`, `.unsupported`), `TokenizerError`.
    @discardableResult
    public static func write(_ source: ExportableModel, to directory: URL, dtype: ExportDType = .f32) throws -> [URL] {
        try ExportOptions(format: .huggingFace, dtype: dtype).validate()
        try source.validate(format: "a Hugging Face folder")
        let cfg = source.configuration
        let safetensorsType: SafetensorsDType = dtype == .f16 ? .f16 : dtype == .bf16 ? .bf16 : .f32
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        do {
            for entry in source.model.parameters.layout.entries {
                try writer.addTensor(entry.name, shape: entry.shape, values: source.values(entry.name), dtype: safetensorsType)
            }
            if cfg.modelType == "qwen2" && !cfg.attentionBias {
                for l in 0..<cfg.layerCount {
                    for (suffix, width) in [("q_proj", cfg.queryDim), ("k_proj", cfg.kvDim), ("v_proj", cfg.kvDim)] {
                        try writer.addTensor(LlamaTensorName.layer(l, "self_attn.\(suffix).bias"), shape: [width],
                                             values: [Float](repeating: 0, count: width), dtype: safetensorsType)
                    }
                }
            }
        } catch {
            throw ExportError.writeFailed(path: directory.appendingPathComponent("model.safetensors").path, reason: "\(error)")
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ExportError.writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        let files: [(String, Data)] = [
            ("config.json", try HuggingFaceConfig.configJSON(cfg, tokenizer: source.tokenizer, dtype: dtype)),
            ("generation_config.json", try HuggingFaceConfig.generationConfigJSON(tokenizer: source.tokenizer)),
            ("tokenizer.json", Data(try source.tokenizer.tokenizerJSON().utf8)),
            ("tokenizer_config.json", Data(source.tokenizer.tokenizerConfigJSON(modelMaxLength: cfg.maxPositionEmbeddings).utf8)),
        ]
        var written: [URL] = []
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        do { try writer.write(to: weightsURL) } catch {
            throw ExportError.writeFailed(path: weightsURL.path, reason: "\(error)")
        }
        written.append(weightsURL)
        for (name, data) in files {
            let url = directory.appendingPathComponent(name)
            do { try data.write(to: url, options: .atomic) } catch {
                throw ExportError.writeFailed(path: url.path, reason: error.localizedDescription)
            }
            written.append(url)
        }
        return written
    }
}
