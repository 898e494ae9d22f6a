// ModelOptions: `--model PATH` (a .gguf file or a Hugging Face directory) and `--threads`, shared by the
// commands that run a model; loads the model and its tokenizer. Not a model cache or downloader.
import ArgumentParser
import Foundation
import ModelFormats
import Models
import TensorEngine
import Tokenizers

/// A loaded model with its tokenizer.
struct LoadedModel {
    /// The model.
    var model: LlamaModel
    /// The tokenizer stored with the model.
    var tokenizer: BPETokenizer
    /// Seconds spent loading.
    var loadSeconds: Double
}

/// Options naming the model to run and how many threads to run it on.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model: a .gguf file or a Hugging Face directory (config.json, model.safetensors, tokenizer.json).",
                               valueName: "path"))
    var model: String

    @Option(help: "Worker threads of the tensor engine.")
    var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }

    /// Where the model is.
    enum Source: Equatable {
        /// A GGUF file.
        case gguf(URL)
        /// A Hugging Face directory.
        case huggingFace(URL)
    }

    /// Classifies `--model`.
    /// - Returns: the source.
    /// - Throws: `CLIError.notAModel` when the path does not exist or is neither kind.
    func source() throws -> Source {
        try Self.source(of: model)
    }

    /// Classifies a model path: an existing directory is a Hugging Face directory, an existing file a GGUF file.
    /// - Parameter path: the path.
    /// - Returns: the source.
    /// - Throws: `CLIError.notAModel`.
    static func source(of path: String) throws -> Source {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError.notAModel(path: path) }
        let url = URL(fileURLWithPath: path)
        return isDirectory.boolValue ? .huggingFace(url) : .gguf(url)
    }

    /// Loads only the tokenizer (no weights).
    /// - Returns: the tokenizer.
    /// - Throws: `CLIError`, `GGUFError` or `TokenizerError`.
    func loadTokenizer() throws -> BPETokenizer {
        try Self.loadTokenizer(path: model)
    }

    /// Loads the tokenizer stored with a model (no weights).
    /// - Parameter path: a .gguf file or Hugging Face directory.
    /// - Returns: the tokenizer.
    /// - Throws: `CLIError`, `GGUFError` or `TokenizerError`.
    static func loadTokenizer(path: String) throws -> BPETokenizer {
        switch try source(of: path) {
        case .gguf(let url): return try BPETokenizer(gguf: try GGUFFile(url: url))
        case .huggingFace(let url): return try BPETokenizer(tokenizerJSON: url.appendingPathComponent("tokenizer.json"))
        }
    }

    /// Sets the thread count and loads the model and its tokenizer.
    /// - Returns: model, tokenizer and load time.
    /// - Throws: `CLIError`, `GGUFError`, `ModelError` or `TokenizerError`.
    func load() throws -> LoadedModel {
        Parallel.threadCount = threads
        let start = Date()
        switch try source() {
        case .gguf(let url):
            let file = try GGUFFile(url: url)
            let model = try LlamaModel(configuration: try LlamaConfiguration(gguf: file))
            try model.loadWeights(from: file)
            return LoadedModel(model: model, tokenizer: try BPETokenizer(gguf: file), loadSeconds: Date().timeIntervalSince(start))
        case .huggingFace(let url):
            let model = try LlamaModel.load(huggingFaceDirectory: url)
            let tokenizer = try BPETokenizer(tokenizerJSON: url.appendingPathComponent("tokenizer.json"))
            return LoadedModel(model: model, tokenizer: tokenizer, loadSeconds: Date().timeIntervalSince(start))
        }
    }
}
