// StopStringMatcher: finds stop strings in the tail of a sequence's generated text, one step at a time.
// It decodes only a window of the last tokens (not the whole completion) through the caller's decoder.
// Not a tokenizer: it assumes each token decodes to at least one UTF-8 byte (true of byte-level BPE for
// ordinary tokens), so a stop string of b bytes lies within the last b + 1 tokens when it first appears.

/// Checks, after each new token, whether a completion's text has come to contain a stop string.
struct StopStringMatcher {
    /// The stop strings, in the order given (the first one found in the window is reported).
    let stopStrings: [String]
    /// Number of trailing tokens decoded per check: the longest stop string's UTF-8 length plus a margin of
    /// 2 (one token can start mid-character; one spare for a token that decodes to nothing).
    let windowTokenCount: Int

    /// Creates a matcher; with no stop strings `match` always returns `nil` without decoding.
    /// - Parameter stopStrings: non-empty strings.
    init(stopStrings: [String]) {
        self.stopStrings = stopStrings
        windowTokenCount = (stopStrings.map(\.utf8.count).max() ?? 0) + 2
    }

    /// The first stop string contained in the decoded tail of `tokens`, if any.
    ///
    /// Because generation stops at the first match, a match found now must end in the newest token's text,
    /// so decoding the last `windowTokenCount` tokens is enough.
    /// - Parameters:
    ///   - tokens: the generated tokens so far (not the prompt).
    ///   - decoder: token ids → text.
    /// - Returns: the matched stop string, or `nil`.
    func match(_ tokens: [Int32], decoder: TokenTextDecoder) -> String? {
        guard !stopStrings.isEmpty, !tokens.isEmpty else { return nil }
        let window = Array(tokens.suffix(windowTokenCount))
        let text = Array(decoder(window).utf8)
        return stopStrings.first { Self.contains(text, Array($0.utf8)) }
    }

    /// Byte-wise substring search (UTF-8), so that e.g. "\n" is found inside "\r\n", which
    /// `String.contains` treats as one grapheme.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            var j = 1
            while j < needle.count, haystack[start + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
        }
        return false
    }
}
