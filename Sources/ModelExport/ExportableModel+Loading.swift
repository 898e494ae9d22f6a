// Loading what `r1 export` exports: a .gguf file, a Hugging Face folder, or a training checkpoint
// (Training's CheckpointStore layout: <checkpoint>/weights.safetensors with HF tensor names, F32; GRPO runs
// also store the reference model as `reference.<name>`, which is skipped) applied to its base model.
import Foundation
import ModelFormats
import Models
import Tokenizers

extension ExportableModel {
    /// Loads a model and its tokenizer, optionally replacing the weights with a checkpoint's.
    ///
    /// ```swift
    /// let source = try ExportableModel.load(model: URL(fileURLWithPath: "smollm2.gguf"),
    ///                                       checkpoint: URL(fileURLWithPath: "runs/zero/checkpoints/step-00000100"))
    /// ```
    /// - Parameters:
    ///   - url: a `.gguf` file or a Hugging Face directory (config.json, model.safetensors, tokenizer.json).
    ///   - checkpoint: a checkpoint directory (holding weights.safetensors) or a run directory (its newest
    ///     `checkpoints/step-*` is used); nil exports the model as loaded.
    /// - Returns: the exportable model.
    /// - Throws: ``ExportError``; `ModelError` / `TokenizerError` / `GGUFError` from the loaders.
    public static func load(model url: URL, checkpoint: URL? = nil) throws -> ExportableModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ExportError.notAModel(path: url.path)
        }
        var loaded: ExportableModel
        if isDirectory.boolValue {
            let model = try LlamaModel.load(huggingFaceDirectory: url)
            let tokenizer = try BPETokenizer(tokenizerJSON: url.appendingPathComponent("tokenizer.json"))
            loaded = ExportableModel(model: model, tokenizer: tokenizer, name: url.lastPathComponent)
        } else {
            let file: GGUFFile
            do { file = try GGUFFile(url: url) } catch { throw ExportError.unreadable(path: url.path, reason: error.description) }
            let model = try LlamaModel(configuration: try LlamaConfiguration(gguf: file))
            try model.loadWeights(from: file)
            let tokenizer = try BPETokenizer(gguf: file)
            let name = (try? file.string(GGUFMetadataKey.name)) ?? url.deletingPathExtension().lastPathComponent
            loaded = ExportableModel(model: model, tokenizer: tokenizer, name: name)
        }
        if let checkpoint { try loaded.applyCheckpoint(checkpoint) }
        return loaded
    }

    /// The checkpoint directory to read: `url` itself when it holds weights.safetensors, else the newest
    /// `url/checkpoints/step-N` (highest N) that holds weights.safetensors and manifest.json.
    /// - Parameter url: a checkpoint or run directory.
    /// - Returns: the checkpoint directory.
    /// - Throws: ``ExportError/noCheckpoint(path:)``.
    public static func checkpointDirectory(_ url: URL) throws -> URL {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.appendingPathComponent("weights.safetensors").path) { return url }
        let parent = url.appendingPathComponent("checkpoints", isDirectory: true)
        let names = (try? manager.contentsOfDirectory(atPath: parent.path)) ?? []
        let steps = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            return (step, name)
        }.sorted { $0.0 > $1.0 }
        for (_, name) in steps {
            let candidate = parent.appendingPathComponent(name, isDirectory: true)
            if manager.fileExists(atPath: candidate.appendingPathComponent("weights.safetensors").path),
               manager.fileExists(atPath: candidate.appendingPathComponent("manifest.json").path) {
                return candidate
            }
        }
        throw ExportError.noCheckpoint(path: url.path)
    }

    /// Overwrites the weights with a checkpoint's policy tensors (every model tensor must be present with
    /// its shape; `reference.*` tensors are ignored).
    /// - Parameter url: a checkpoint or run directory (see ``checkpointDirectory(_:)``).
    /// - Throws: ``ExportError/noCheckpoint(path:)``, ``ExportError/checkpointMismatch(path:tensor:reason:)``,
    ///   ``ExportError/unreadable(path:reason:)``.
    public mutating func applyCheckpoint(_ url: URL) throws {
        let directory = try Self.checkpointDirectory(url)
        let weightsURL = directory.appendingPathComponent("weights.safetensors")
        let file: SafetensorsFile
        do { file = try SafetensorsFile(url: weightsURL) } catch {
            throw ExportError.unreadable(path: weightsURL.path, reason: error.description)
        }
        let layout = model.parameters.layout
        var loaded = Set<String>()
        for info in file.tensors where !info.name.hasPrefix("reference.") {
            guard let entry = layout.entry(info.name) else {
                throw ExportError.checkpointMismatch(path: weightsURL.path, tensor: info.name, reason: "is not a tensor of the model")
            }
            guard entry.shape == info.shape else {
                throw ExportError.checkpointMismatch(path: weightsURL.path, tensor: info.name,
                                                     reason: "has shape \(info.shape), the model needs \(entry.shape)")
            }
            do { try file.floats(info.name, into: model.parameters[info.name]) } catch {
                throw ExportError.unreadable(path: weightsURL.path, reason: error.description)
            }
            loaded.insert(info.name)
        }
        if let missing = layout.entries.first(where: { !loaded.contains($0.name) }) {
            throw ExportError.checkpointMismatch(path: weightsURL.path, tensor: missing.name, reason: "is missing")
        }
        name += " (\(directory.lastPathComponent))"
    }
}
