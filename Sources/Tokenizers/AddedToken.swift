// Added tokens (special or not) and the matcher that finds them in text before pre-tokenization.
// Matching is leftmost-longest, like Hugging Face's AddedVocabulary; text is never split inside one.

/// A token matched verbatim in the input before BPE runs, such as `<|im_start|>`.
public struct AddedToken: Sendable, Equatable, Hashable {
    /// The token id.
    public var id: Int32
    /// The exact text that is matched and that the token decodes to.
    public var content: String
    /// Special tokens (control tokens) are dropped by `decode(_:skipSpecialTokens: true)`.
    public var special: Bool
    /// Absorb ASCII whitespace on the left of a match (Hugging Face `lstrip`).
    public var leftStrip: Bool
    /// Absorb ASCII whitespace on the right of a match (Hugging Face `rstrip`).
    public var rightStrip: Bool

    /// Creates an added token.
    /// - Parameters:
    ///   - id: the token id.
    ///   - content: the text matched verbatim (must not be empty).
    ///   - special: whether it is a special (control) token.
    ///   - leftStrip: absorb whitespace before a match.
    ///   - rightStrip: absorb whitespace after a match.
    public init(id: Int32, content: String, special: Bool, leftStrip: Bool = false, rightStrip: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
    }
}

/// Finds added tokens in UTF-8 text: candidates are bucketed by first byte, longest first.
struct AddedTokenMatcher: Sendable {
    private struct Candidate: Sendable {
        var bytes: [UInt8]
        var token: AddedToken
    }

    private let buckets: [[Candidate]]
    let isEmpty: Bool

    init(_ tokens: [AddedToken]) {
        var buckets = [[Candidate]](repeating: [], count: 256)
        for token in tokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            buckets[Int(bytes[0])].append(Candidate(bytes: bytes, token: token))
        }
        for i in buckets.indices { buckets[i].sort { $0.bytes.count > $1.bytes.count } }
        self.buckets = buckets
        self.isEmpty = tokens.isEmpty
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// The leftmost-longest match at or after `start`.
    /// - Returns: the consumed byte range (including stripped whitespace) and the token, or `nil`.
    func nextMatch(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> (range: Range<Int>, token: AddedToken)? {
        if isEmpty { return nil }
        var position = start
        let end = text.count
        while position < end {
            let bucket = buckets[Int(text[position])]
            if !bucket.isEmpty {
                for candidate in bucket where position + candidate.bytes.count <= end {
                    var k = 0
                    let n = candidate.bytes.count
                    while k < n && text[position + k] == candidate.bytes[k] { k += 1 }
                    if k == n {
                        var lower = position
                        var upper = position + n
                        if candidate.token.leftStrip { while lower > start && Self.isSpace(text[lower - 1]) { lower -= 1 } }
                        if candidate.token.rightStrip { while upper < end && Self.isSpace(text[upper]) { upper += 1 } }
                        return (lower..<upper, candidate.token)
                    }
                }
            }
            position += 1
        }
        return nil
    }
}
