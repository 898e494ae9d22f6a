// Errors raised while loading or configuring a tokenizer. Encoding and decoding never throw.

/// A problem found while loading a tokenizer from `tokenizer.json`, GGUF metadata or plain arrays.
///
/// Every case names where the problem is (file, key, index) and its `description` says what to do.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file is not valid JSON, or its top level is not an object.
    case invalidJSON(path: String, reason: String)
    /// A required key is absent.
    case missingKey(key: String, source: String)
    /// A key holds a value of the wrong type or an out-of-range value.
    case invalidValue(key: String, source: String, expected: String)
    /// The tokenizer model type is not byte-level BPE.
    case unsupportedModel(type: String, source: String)
    /// A pre-tokenizer, split pattern, normalizer or option this implementation does not reproduce exactly.
    case unsupportedComponent(key: String, value: String, source: String, supported: [String])
    /// A merge rule is malformed or names a piece that is not in the vocabulary.
    case invalidMerge(index: Int, merge: String, source: String, reason: String)
    /// Two entries claim the same piece or id, or the arrays have different lengths.
    case inconsistentVocabulary(source: String, reason: String)
    /// A special-token id is outside the vocabulary.
    case tokenIdOutOfRange(key: String, id: Int, vocabularySize: Int, source: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "Cannot read tokenizer file \(path): \(reason). Check that the path exists and is readable."
        case let .invalidJSON(path, reason):
            return "\(path) is not a valid tokenizer.json: \(reason). Re-download the file or export it with "
                + "Hugging Face `tokenizers` (`Tokenizer.save`)."
        case let .missingKey(key, source):
            return "\(source): required key '\(key)' is missing. The tokenizer file is incomplete; re-export it."
        case let .invalidValue(key, source, expected):
            return "\(source): key '\(key)' must be \(expected). Fix or re-export the tokenizer."
        case let .unsupportedModel(type, source):
            return "\(source): tokenizer model '\(type)' is not supported; only byte-level BPE "
                + "(tokenizer.json model.type \"BPE\", GGUF tokenizer.ggml.model \"gpt2\") is implemented."
        case let .unsupportedComponent(key, value, source, supported):
            return "\(source): \(key) '\(value)' is not supported (supported: \(supported.joined(separator: ", "))). "
                + "Encoding with a different rule would silently produce different token ids, so loading stops here."
        case let .invalidMerge(index, merge, source, reason):
            return "\(source): merge #\(index) '\(merge)' is invalid: \(reason). Merges must be two pieces "
                + "(\"a b\" or [\"a\", \"b\"]) whose concatenation is in the vocabulary."
        case let .inconsistentVocabulary(source, reason):
            return "\(source): inconsistent vocabulary: \(reason). Re-export the tokenizer."
        case let .tokenIdOutOfRange(key, id, size, source):
            return "\(source): \(key) = \(id) is outside the vocabulary (size \(size)). Fix the tokenizer metadata."
        }
    }
}
