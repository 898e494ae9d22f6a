// The unit of export: weights (a LlamaModel, HF tensor names, HF RoPE convention), the tokenizer stored
// with them and a display name. Loading from a GGUF file, a Hugging Face folder or a training checkpoint
// applied to its base model is in ExportableModel+Loading.swift.
import Models
import Tokenizers

/// A model ready to be written: weights, tokenizer and name.
public struct ExportableModel: @unchecked Sendable {
    /// The weights (always in the Hugging Face layout: rotate-half RoPE, HF tensor names).
    public var model: LlamaModel
    /// The tokenizer that belongs to the weights.
    public var tokenizer: BPETokenizer
    /// Model name (GGUF `general.name`), e.g. "SmolLM2 135M Instruct".
    public var name: String

    /// Creates an exportable model.
    /// - Parameters:
    ///   - model: the weights.
    ///   - tokenizer: its tokenizer (its vocabulary must not exceed V).
    ///   - name: display name.
    public init(model: LlamaModel, tokenizer: BPETokenizer, name: String) {
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
    }

    /// The configuration of `model`.
    public var configuration: LlamaConfiguration { model.configuration }

    /// The weight values of one tensor (HF name), copied.
    /// - Parameter name: a name of `configuration.parameterLayout`.
    /// - Returns: the values, row-major.
    func values(_ name: String) -> [Float] { Array(model.parameters[name]) }

    /// Checks that the tokenizer fits the model.
    /// - Throws: ``ExportError/unsupported(what:format:reason:)`` when the tokenizer has more ids than V.
    func validate(format: String) throws {
        if tokenizer.vocabularySize > configuration.vocabularySize {
            throw ExportError.unsupported(
                what: "a tokenizer of \(tokenizer.vocabularySize) tokens", format: format,
                reason: "the model's embedding has only \(configuration.vocabularySize) rows (vocab_size)")
        }
    }
}
