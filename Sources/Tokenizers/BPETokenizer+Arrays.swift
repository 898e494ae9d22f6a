// The GGUF-shaped entry point: a tokenizer from the arrays stored under `tokenizer.ggml.*`.
// Knows nothing about the GGUF file format itself (see BPETokenizer+GGUF.swift for the bridge).

extension BPETokenizer {
    /// Builds a tokenizer from GGUF-style arrays.
    ///
    /// Tokens of type control (3) become special added tokens and user-defined (4) non-special added tokens,
    /// as llama.cpp does; every other token is a byte-level BPE piece.
    ///
    /// - Parameters:
    ///   - tokens: `tokenizer.ggml.tokens`, id → piece.
    ///   - merges: `tokenizer.ggml.merges`, `"left right"` strings in rank order.
    ///   - tokenTypes: `tokenizer.ggml.token_type`, same length as `tokens` (empty means all normal).
    ///   - preTokenizerName: `tokenizer.ggml.pre` (`"gpt2"`, `"llama-bpe"`, `"qwen2"`, `"smollm"`, ...).
    ///   - specialTokens: `tokenizer.ggml.{bos,eos,padding,unknown}_token_id` and `add_{bos,eos}_token`.
    ///   - chatTemplate: `tokenizer.chat_template`.
    ///   - source: names the origin in error messages.
    /// - Throws: ``TokenizerError`` when arrays disagree, a merge is malformed or the pre-tokenizer is unknown.
    public init(
        tokens: [String], merges: [String], tokenTypes: [Int32], preTokenizerName: String,
        specialTokens: SpecialTokenIds, chatTemplate: String? = nil, source: String = "GGUF metadata"
    ) throws {
        guard tokenTypes.isEmpty || tokenTypes.count == tokens.count else {
            throw TokenizerError.inconsistentVocabulary(
                source: source,
                reason: "tokenizer.ggml.token_type has \(tokenTypes.count) entries for \(tokens.count) tokens")
        }
        var types: [TokenType] = []
        types.reserveCapacity(tokens.count)
        var added: [AddedToken] = []
        for (index, token) in tokens.enumerated() {
            let raw = tokenTypes.isEmpty ? 1 : tokenTypes[index]
            guard let type = TokenType(rawValue: raw) else {
                throw TokenizerError.invalidValue(key: "tokenizer.ggml.token_type[\(index)]", source: source,
                                                  expected: "a token type 0...6, not \(raw)")
            }
            types.append(type)
            if type == .control || type == .userDefined {
                added.append(AddedToken(id: Int32(index), content: token, special: type == .control))
            }
        }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(merges.count)
        for (index, merge) in merges.enumerated() {
            pairs.append(try Self.parseMerge(merge, index: index, source: source))
        }
        let pre = try PreTokenizer(ggufName: preTokenizerName)
        try self.init(
            pieces: tokens, merges: pairs, addedTokens: added, preTokenizer: pre, normalizer: .none,
            specialTokens: specialTokens, ignoreMerges: pre == .llama3, chatTemplate: chatTemplate,
            tokenTypes: types, source: source)
    }

    /// Splits a `"left right"` merge rule at its single space.
    static func parseMerge(_ merge: String, index: Int, source: String) throws -> (String, String) {
        let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw TokenizerError.invalidMerge(index: index, merge: merge, source: source,
                                              reason: "expected two pieces separated by one space")
        }
        return (String(parts[0]), String(parts[1]))
    }
}
