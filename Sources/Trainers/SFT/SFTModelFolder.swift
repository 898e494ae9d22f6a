// SFTModelFolder: writes trained weights as a Hugging Face model folder that LlamaModel.load(huggingFaceDirectory:)
// and transformers read back — model.safetensors (F32, HF tensor names), config.json (HF keys plus
// `architectures` and `torch_dtype`), and the tokenizer files copied from the source model folder when it
// has them. Tokenizers has no tokenizer.json writer, so a model that came from a GGUF file gets no
// tokenizer files here (ModelExport's exporter covers that case). The folder is written to a temporary
// sibling and renamed into place, so it is either complete or absent.
import Foundation
import ModelFormats
import Models

/// A Hugging Face folder of a trained model.
public enum SFTModelFolder {
    /// Tokenizer files copied from the source folder when present.
    public static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                        "generation_config.json", "chat_template.jinja"]

    /// Writes `model` to `directory` (replacing an existing folder there).
    /// - Parameters:
    ///   - model: the model.
    ///   - directory: destination folder; its parent is created if needed.
    ///   - tokenizerSource: a Hugging Face folder whose tokenizer files are copied (nil: none).
    ///   - metadata: extra safetensors metadata (`format: pt` is always set).
    /// - Throws: `SFTError.writeFailed`.
    public static func write(_ model: LlamaModel, to directory: URL, tokenizerSource: URL?,
                             metadata: [String: String] = [:]) throws {
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".tmp-\(directory.lastPathComponent)-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: true)
            var writer = SafetensorsWriter(metadata: metadata.merging(["format": "pt"]) { _, b in b })
            for (name, shape, values) in model.exportParameters() { try writer.addTensor(name, shape: shape, values: Array(values)) }
            try writer.write(to: temporary.appendingPathComponent("model.safetensors"))
            try configJSON(model.configuration).write(to: temporary.appendingPathComponent("config.json"))
            if let tokenizerSource {
                for name in tokenizerFiles where fileManager.fileExists(atPath: tokenizerSource.appendingPathComponent(name).path) {
                    try fileManager.copyItem(at: tokenizerSource.appendingPathComponent(name), to: temporary.appendingPathComponent(name))
                }
            }
            if fileManager.fileExists(atPath: directory.path) { try fileManager.removeItem(at: directory) }
            try fileManager.moveItem(at: temporary, to: directory)
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw SFTError.writeFailed(path: directory.path, reason: "\(error)")
        }
    }

    /// config.json: the configuration's HF keys plus `architectures` and `torch_dtype` (GGUF's smollm → llama).
    /// - Parameter configuration: the model configuration.
    /// - Returns: pretty-printed JSON with sorted keys.
    static func configJSON(_ configuration: LlamaConfiguration) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(configuration)) as? [String: Any] ?? [:]
        let architecture = configuration.modelType == "qwen2" ? "Qwen2ForCausalLM"
            : configuration.modelType == "mistral" ? "MistralForCausalLM" : "LlamaForCausalLM"
        if configuration.modelType.hasPrefix("smollm") { object["model_type"] = "llama" }  // SmolLM2 is HF's llama
        object["architectures"] = [architecture]
        object["torch_dtype"] = "float32"
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
