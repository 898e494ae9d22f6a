// Tokenized chat rendering with a per-token loss mask for supervised fine-tuning.

/// A tokenized conversation: ids and, per id, whether the SFT loss is taken on it.
public struct TokenizedConversation: Sendable, Equatable {
    /// Token ids, [T].
    public var ids: [Int32]
    /// [T]: 1 on assistant content tokens (and the end-of-turn token that closes them), 0 elsewhere.
    public var lossMask: [Int32]

    /// Creates a tokenized conversation.
    /// - Parameters:
    ///   - ids: token ids, [T].
    ///   - lossMask: 0/1 per id, [T].
    public init(ids: [Int32], lossMask: [Int32]) {
        precondition(ids.count == lossMask.count, "ids and lossMask must have the same length")
        self.ids = ids
        self.lossMask = lossMask
    }
}

extension ChatTemplate {
    /// Renders and tokenizes a conversation, marking the tokens the SFT loss applies to.
    ///
    /// The whole rendering is encoded at once (so token boundaries are exactly those of
    /// `tokenizer.encode(render(...), addSpecialTokens: false)`); a token is masked in when its text overlaps
    /// an assistant message's content or its closing end-of-turn marker (`<|im_end|>`, `<|eot_id|>`). For R1-Zero,
    /// which has no end-of-turn marker, `endOfSequence` is appended after each assistant message with mask 1.
    ///
    /// ```swift
    /// let sample = ChatTemplate.smolLM2.tokenize(messages, addGenerationPrompt: false, tokenizer: tokenizer)
    /// ```
    /// - Parameters:
    ///   - messages: the conversation.
    ///   - addGenerationPrompt: end with the assistant header (for prompts).
    ///   - tokenizer: the tokenizer.
    ///   - endOfSequence: R1-Zero only: id appended after each assistant message (default: the tokenizer's EOS).
    /// - Returns: ids and loss mask, both [T].
    public func tokenize(
        _ messages: [ChatMessage], addGenerationPrompt: Bool, tokenizer: some Tokenizer, endOfSequence: Int32? = nil
    ) -> TokenizedConversation {
        let parts = segments(messages, addGenerationPrompt: addGenerationPrompt)
        let appendEOS = self == .r1Zero ? (endOfSequence ?? tokenizer.eosTokenId) : nil
        var ids: [Int32] = []
        var mask: [Int32] = []
        // R1-Zero: encode up to each assistant message's end separately so EOS can follow it.
        var pending: [(text: String, assistant: Bool)] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var text = ""
            var spans: [Range<Int>] = []
            for part in pending {
                let start = text.utf8.count
                text += part.text
                if part.assistant { spans.append(start..<text.utf8.count) }
            }
            let encoded = tokenizer.encodeWithOffsets(text)
            let total = text.utf8.count
            for (index, id) in encoded.ids.enumerated() {
                let start = encoded.byteOffsets[index]
                let end = index + 1 < encoded.ids.count ? max(encoded.byteOffsets[index + 1], start + 1) : total
                let inside = spans.contains { $0.lowerBound < end && start < $0.upperBound }
                ids.append(id)
                mask.append(inside ? 1 : 0)
            }
            pending.removeAll()
        }
        for part in parts {
            pending.append(part)
            if part.assistant, let eos = appendEOS {
                flush()
                ids.append(eos)
                mask.append(1)
            }
        }
        flush()
        return TokenizedConversation(ids: ids, lossMask: mask)
    }
}
