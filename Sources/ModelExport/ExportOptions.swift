// What to write: the target format and the element type of the weights, validated together.

/// The target file format of an export.
public enum ExportFormat: String, Codable, Sendable, Equatable, CaseIterable {
    /// A Hugging Face folder: config.json, generation_config.json, model.safetensors, tokenizer.json,
    /// tokenizer_config.json.
    case huggingFace = "hf"
    /// One llama.cpp GGUF file with the tokenizer and chat template in its metadata.
    case gguf
}

/// The element type of exported weight matrices.
public enum ExportDType: String, Codable, Sendable, Equatable, CaseIterable {
    /// IEEE binary32 (lossless).
    case f32
    /// IEEE binary16, round to nearest even.
    case f16
    /// bfloat16, round to nearest even.
    case bf16
    /// ggml Q8_0: blocks of 32 int8 with one binary16 scale (GGUF only).
    case q8_0
}

/// Validated export settings.
public struct ExportOptions: Codable, Sendable, Equatable {
    /// The target format.
    public var format: ExportFormat
    /// The element type of weight matrices. GGUF keeps 1-D tensors (norms, biases) in F32 whatever this is,
    /// as llama.cpp's converter does; Hugging Face folders store every tensor in this type.
    public var dtype: ExportDType
    /// Model name written to `general.name` (GGUF); nil keeps the source's name.
    public var name: String?

    /// Creates options.
    /// - Parameters:
    ///   - format: target format.
    ///   - dtype: weight element type (default F32).
    ///   - name: model name for GGUF metadata.
    public init(format: ExportFormat, dtype: ExportDType = .f32, name: String? = nil) {
        self.format = format
        self.dtype = dtype
        self.name = name
    }

    /// Checks the combination.
    /// - Throws: ``ExportError/invalidOptions(_:)`` for Q8_0 in a Hugging Face folder or an empty name.
    public func validate() throws {
        if format == .huggingFace && dtype == .q8_0 {
            throw ExportError.invalidOptions("--dtype q8_0 is a GGUF encoding; a Hugging Face folder takes f32, f16 or bf16")
        }
        if let name, name.isEmpty { throw ExportError.invalidOptions("the model name must not be empty") }
    }
}
