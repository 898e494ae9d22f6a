// Decoding a token stream as it is generated: emits text only once its UTF-8 is complete, so a character
// split across tokens (common for emoji and CJK in byte-level BPE) is never printed as U+FFFD halfway.

/// Turns token ids into text one token at a time.
///
/// The concatenation of everything returned by ``append(_:)`` and ``finish()`` equals
/// `tokenizer.decode(ids, skipSpecialTokens:)` for the whole sequence.
///
/// ```swift
/// var stream = IncrementalDecoder(tokenizer: tokenizer)
/// for id in generated { print(stream.append(id), terminator: "") }
/// print(stream.finish())
/// ```
public struct IncrementalDecoder<T: Tokenizer>: Sendable {
    private let tokenizer: T
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []

    /// Creates a decoder.
    /// - Parameters:
    ///   - tokenizer: the tokenizer whose ids will be appended.
    ///   - skipSpecialTokens: leave out special (control) tokens.
    public init(tokenizer: T, skipSpecialTokens: Bool = true) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one token.
    /// - Parameter id: the next token id.
    /// - Returns: the text that became complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        if skipSpecialTokens && tokenizer.isSpecialToken(id) { return "" }
        pending.append(contentsOf: tokenizer.tokenBytes(id))
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Flushes bytes still waiting for the rest of a character (they decode to U+FFFD).
    /// - Returns: the remaining text.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the prefix of `bytes` that does not end inside a possibly valid, unfinished UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var i = n - 1
        // Find the last non-continuation byte among the final four.
        while i >= 0 && i >= n - 4 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0 && i >= n - 4 else { return n }
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return n  // ASCII or a byte that can never start a sequence
        }
        return n - i < length ? i : n
    }
}
