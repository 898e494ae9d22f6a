// The tokenizer interface the rest of SwiftR1 uses: text ↔ token ids, piece look-ups, special tokens.
// Not a loader: see BPETokenizer for the byte-level BPE implementation and its loaders.

/// Converts text to token ids and back.
///
/// ```swift
/// let tokenizer = try BPETokenizer(tokenizerJSON: url)
/// let ids = tokenizer.encode("Hello world", addSpecialTokens: false)
/// let text = tokenizer.decode(ids, skipSpecialTokens: true)
/// ```
public protocol Tokenizer: Sendable {
    /// Encodes text. Added and special tokens written in the text (for example `<|im_start|>`) are
    /// recognised as single tokens; the text is never split inside them.
    /// - Parameters:
    ///   - text: any string.
    ///   - addSpecialTokens: add the tokens the tokenizer puts around every sequence (for example BOS);
    ///     Hugging Face's `add_special_tokens`.
    /// - Returns: token ids, each in `0..<vocabularySize`.
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int32]

    /// Decodes token ids to text. Byte sequences that are not valid UTF-8 become U+FFFD, as Python's
    /// `bytes.decode(errors="replace")`; ids outside the vocabulary are ignored.
    /// - Parameters:
    ///   - ids: token ids.
    ///   - skipSpecialTokens: leave out special (control) tokens such as `<|im_end|>`.
    /// - Returns: the text.
    func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String

    /// Number of token ids (V): one more than the largest id.
    var vocabularySize: Int { get }

    /// The id of a vocabulary piece (byte-level spelling, e.g. `"Ġthe"`) or added token, or `nil`.
    func tokenId(for piece: String) -> Int32?

    /// The vocabulary piece of an id (byte-level spelling for ordinary tokens), or `nil` if out of range.
    func piece(for id: Int32) -> String?

    /// The raw bytes token `id` decodes to (empty when out of range); may be an incomplete UTF-8 sequence.
    func tokenBytes(_ id: Int32) -> [UInt8]

    /// Whether `id` is a special (control) token.
    func isSpecialToken(_ id: Int32) -> Bool

    /// Encodes without sequence special tokens and reports where each token's text starts.
    /// - Parameter text: any string.
    /// - Returns: ids and, per id, the UTF-8 byte offset in `text` where its text starts.
    func encodeWithOffsets(_ text: String) -> (ids: [Int32], byteOffsets: [Int])

    /// Beginning-of-sequence id, if the tokenizer has one.
    var bosTokenId: Int32? { get }

    /// The configured end-of-sequence id, if any.
    var eosTokenId: Int32? { get }

    /// The ids that end generation: the configured EOS plus end-of-turn tokens present in the vocabulary
    /// (`<|im_end|>`, `<|eot_id|>`, `<|endoftext|>`, ...), sorted.
    var eosTokenIds: [Int32] { get }

    /// Padding id, if configured.
    var padTokenId: Int32? { get }

    /// The model's chat template source (Jinja) if the tokenizer file carries one.
    var chatTemplateSource: String? { get }
}

extension Tokenizer {
    /// Encodes text with the tokenizer's sequence special tokens (Hugging Face's default).
    /// - Parameter text: any string.
    /// - Returns: token ids.
    public func encode(_ text: String) -> [Int32] { encode(text, addSpecialTokens: true) }

    /// Decodes ids keeping special tokens.
    /// - Parameter ids: token ids.
    /// - Returns: the text.
    public func decode(_ ids: [Int32]) -> String { decode(ids, skipSpecialTokens: false) }

    /// Default for tokenizers whose tokens are whole strings: the UTF-8 of `decode([id])`.
    /// - Parameter id: a token id.
    /// - Returns: the token's bytes.
    public func tokenBytes(_ id: Int32) -> [UInt8] { Array(decode([id], skipSpecialTokens: false).utf8) }

    /// Whether `id` ends generation (see ``eosTokenIds``).
    public func isEndOfGeneration(_ id: Int32) -> Bool { eosTokenIds.contains(id) }
}
