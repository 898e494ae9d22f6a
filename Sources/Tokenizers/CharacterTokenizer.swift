// CharacterTokenizer: one token per printable ASCII character, plus the R1 tags as single tokens.
// For the small models SwiftR1 builds from scratch (the `r1 zero` demo); not for pretrained models.

/// A character-level tokenizer over printable ASCII with `<think>`, `</think>`, `<answer>`, `</answer>`
/// as single ordinary tokens and `<pad>`, `<bos>`, `<eos>` as special tokens.
///
/// Ids: 0 `<pad>`, 1 `<bos>`, 2 `<eos>`, 3–6 the four tags, then ASCII 32…126 (and `\n`) in order.
/// Characters outside that set encode as `?`.
///
/// ```swift
/// let tokenizer = CharacterTokenizer()
/// let ids = tokenizer.encode("<think>1+2=3</think>", addSpecialTokens: false)  // 7 ids
/// ```
public struct CharacterTokenizer: Tokenizer {
    /// The multi-character pieces that are single tokens, in id order after the specials.
    public static let tags = ["<think>", "</think>", "<answer>", "</answer>"]
    static let specials = ["<pad>", "<bos>", "<eos>"]
    static let characters: [Character] = ["\n"] + (32...126).map { Character(Unicode.Scalar(UInt8($0))) }

    private let pieces: [String]
    private let characterIds: [Character: Int32]
    private let tagBytes: [[UInt8]]

    /// Creates the tokenizer (its vocabulary is fixed).
    public init() {
        pieces = Self.specials + Self.tags + Self.characters.map { String($0) }
        var ids: [Character: Int32] = [:]
        for (i, c) in Self.characters.enumerated() { ids[c] = Int32(Self.specials.count + Self.tags.count + i) }
        characterIds = ids
        tagBytes = Self.tags.map { Array($0.utf8) }
    }

    public var vocabularySize: Int { pieces.count }
    public var bosTokenId: Int32? { 1 }
    public var eosTokenId: Int32? { 2 }
    public var eosTokenIds: [Int32] { [2] }
    public var padTokenId: Int32? { 0 }
    public var chatTemplateSource: String? { nil }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        let ids = encodeWithOffsets(text).ids
        return addSpecialTokens ? [1] + ids : ids
    }

    public func encodeWithOffsets(_ text: String) -> (ids: [Int32], byteOffsets: [Int]) {
        let bytes = Array(text.utf8)
        var ids: [Int32] = [], offsets: [Int] = []
        var i = 0
        let question = characterIds["?"]!
        scan: while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                for (k, tag) in tagBytes.enumerated() where i + tag.count <= bytes.count && Array(bytes[i..<(i + tag.count)]) == tag {
                    ids.append(Int32(Self.specials.count + k))
                    offsets.append(i)
                    i += tag.count
                    continue scan
                }
            }
            // One Unicode scalar: ASCII maps to itself, anything else to "?".
            var length = 1
            let lead = bytes[i]
            if lead >= 0xF0 { length = 4 } else if lead >= 0xE0 { length = 3 } else if lead >= 0xC0 { length = 2 }
            let id = length == 1 ? (characterIds[Character(Unicode.Scalar(lead))] ?? question) : question
            ids.append(id)
            offsets.append(i)
            i += min(length, bytes.count - i)
        }
        return (ids, offsets)
    }

    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        var text = ""
        for id in ids where id >= 0 && Int(id) < pieces.count {
            if skipSpecialTokens && isSpecialToken(id) { continue }
            text += pieces[Int(id)]
        }
        return text
    }

    public func tokenId(for piece: String) -> Int32? {
        pieces.firstIndex(of: piece).map { Int32($0) }
    }

    public func piece(for id: Int32) -> String? {
        id >= 0 && Int(id) < pieces.count ? pieces[Int(id)] : nil
    }

    public func isSpecialToken(_ id: Int32) -> Bool { id >= 0 && id < Int32(Self.specials.count) }
}
