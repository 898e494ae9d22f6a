// The thin bridge from a GGUF file's `tokenizer.ggml.*` metadata to BPETokenizer's array initializer.
import ModelFormats

extension BPETokenizer {
    /// Loads the tokenizer stored in a GGUF file's metadata (llama.cpp's `gpt2` tokenizer model).
    ///
    /// Reads `tokenizer.ggml.{model,pre,tokens,token_type,merges}`, the BOS/EOS/padding/unknown ids,
    /// `add_bos_token`/`add_eos_token` and `tokenizer.chat_template`.
    ///
    /// ```swift
    /// let tokenizer = try BPETokenizer(gguf: GGUFFile(url: modelURL))
    /// ```
    /// - Parameter gguf: an opened GGUF file.
    /// - Throws: ``TokenizerError`` when keys are missing, typed wrongly, or name an unsupported model or
    ///   pre-tokenizer.
    public init(gguf: GGUFFile) throws {
        let metadata = gguf.metadata
        let source = "GGUF \(gguf.url.lastPathComponent)"
        let model = metadata[GGUFMetadataKey.tokenizerModel]?.stringValue ?? "gpt2"
        guard model == "gpt2" else { throw TokenizerError.unsupportedModel(type: model, source: source) }
        guard let tokenValue = metadata[GGUFMetadataKey.tokens] else {
            throw TokenizerError.missingKey(key: GGUFMetadataKey.tokens, source: source)
        }
        guard let tokens = tokenValue.stringArrayValue else {
            throw TokenizerError.invalidValue(key: GGUFMetadataKey.tokens, source: source, expected: "an array of strings")
        }
        guard let mergeValue = metadata[GGUFMetadataKey.merges] else {
            throw TokenizerError.missingKey(key: GGUFMetadataKey.merges, source: source)
        }
        guard let merges = mergeValue.stringArrayValue else {
            throw TokenizerError.invalidValue(key: GGUFMetadataKey.merges, source: source, expected: "an array of strings")
        }
        var types: [Int32] = []
        if let typeValue = metadata[GGUFMetadataKey.tokenType] {
            guard let raw = typeValue.intArrayValue else {
                throw TokenizerError.invalidValue(key: GGUFMetadataKey.tokenType, source: source,
                                                  expected: "an array of integers")
            }
            types = raw.map { Int32(clamping: $0) }
        }
        func id(_ key: String) throws -> Int32? {
            guard let value = metadata[key] else { return nil }
            guard let id = value.intValue, let narrow = Int32(exactly: id) else {
                throw TokenizerError.invalidValue(key: key, source: source, expected: "an integer token id")
            }
            return narrow
        }
        func flag(_ key: String, default fallback: Bool) throws -> Bool {
            guard let value = metadata[key] else { return fallback }
            guard let flag = value.boolValue else {
                throw TokenizerError.invalidValue(key: key, source: source, expected: "a bool")
            }
            return flag
        }
        let special = SpecialTokenIds(
            bos: try id(GGUFMetadataKey.bosTokenID), eos: try id(GGUFMetadataKey.eosTokenID),
            pad: try id(GGUFMetadataKey.paddingTokenID), unknown: try id(GGUFMetadataKey.unknownTokenID),
            addBOS: try flag(GGUFMetadataKey.addBOSToken, default: false),
            addEOS: try flag(GGUFMetadataKey.addEOSToken, default: false))
        try self.init(
            tokens: tokens, merges: merges, tokenTypes: types,
            preTokenizerName: metadata[GGUFMetadataKey.tokenizerPre]?.stringValue ?? "default",
            specialTokens: special, chatTemplate: metadata[GGUFMetadataKey.chatTemplate]?.stringValue, source: source)
    }
}
