// Token kinds, numbered as GGUF's `tokenizer.ggml.token_type` (llama.cpp `llama_token_type`).

/// What kind of token an id is.
public enum TokenType: Int32, Sendable, Equatable, Codable {
    /// Not set.
    case undefined = 0
    /// An ordinary BPE token.
    case normal = 1
    /// The unknown token.
    case unknown = 2
    /// A special (control) token such as `<|im_start|>`; matched verbatim, skipped by `skipSpecialTokens`.
    case control = 3
    /// An added, non-special token; matched verbatim.
    case userDefined = 4
    /// A reserved, unused slot.
    case unused = 5
    /// A byte token (SentencePiece byte fallback).
    case byte = 6
}

/// The ids a tokenizer puts around sequences and uses for padding and stopping.
public struct SpecialTokenIds: Sendable, Equatable {
    /// Beginning of sequence.
    public var bos: Int32?
    /// End of sequence.
    public var eos: Int32?
    /// Padding.
    public var pad: Int32?
    /// Unknown token, emitted for bytes missing from the vocabulary.
    public var unknown: Int32?
    /// Prepend BOS when encoding with `addSpecialTokens`.
    public var addBOS: Bool
    /// Append EOS when encoding with `addSpecialTokens`.
    public var addEOS: Bool

    /// Creates the set of special ids.
    /// - Parameters:
    ///   - bos: beginning-of-sequence id.
    ///   - eos: end-of-sequence id.
    ///   - pad: padding id.
    ///   - unknown: unknown-token id.
    ///   - addBOS: prepend BOS with `addSpecialTokens`.
    ///   - addEOS: append EOS with `addSpecialTokens`.
    public init(bos: Int32? = nil, eos: Int32? = nil, pad: Int32? = nil, unknown: Int32? = nil,
                addBOS: Bool = false, addEOS: Bool = false) {
        self.bos = bos
        self.eos = eos
        self.pad = pad
        self.unknown = unknown
        self.addBOS = addBOS
        self.addEOS = addEOS
    }
}
