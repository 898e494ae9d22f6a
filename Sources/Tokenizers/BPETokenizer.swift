// Byte-level BPE tokenizer (GPT-2 family: SmolLM2, Llama-3, Qwen2) built from plain arrays.
// Loaders for tokenizer.json and GGUF live in extensions; this file is the core and the encode/decode paths.
//
// Behaviour follows Hugging Face `tokenizers` (https://github.com/huggingface/tokenizers, v0.23):
// added tokens are split off first (leftmost-longest), each remaining segment is normalized,
// pre-tokenized, byte-mapped and BPE-merged; decoding concatenates each token's bytes and decodes UTF-8
// lossily.

/// A byte-level BPE tokenizer.
///
/// ```swift
/// let tokenizer = try BPETokenizer(gguf: GGUFFile(url: modelURL))
/// let ids = tokenizer.encode("What is 12 + 7?", addSpecialTokens: false)
/// print(tokenizer.decode(ids, skipSpecialTokens: true))
/// ```
public struct BPETokenizer: Tokenizer {
    /// id → piece (byte-level spelling; for added tokens their content).
    let pieces: [String]
    /// piece → id, including added tokens.
    let idsByPiece: [String: Int32]
    /// id → the bytes it decodes to.
    let decodedBytes: [[UInt8]]
    /// id → token type.
    let tokenTypes: [TokenType]
    let model: BPEModel
    let matcher: AddedTokenMatcher

    /// The added tokens, in id order.
    public let addedTokens: [AddedToken]
    /// The pre-tokenizer.
    public let preTokenizer: PreTokenizer
    /// The normalizer applied to text between added tokens.
    public let normalizer: Normalizer
    /// BOS/EOS/PAD/UNK ids and whether BOS/EOS are added.
    public let specialTokens: SpecialTokenIds
    /// See ``Tokenizer/eosTokenIds``: the configured EOS plus end-of-turn control tokens present.
    public let eosTokenIds: [Int32]
    /// The Jinja chat template from GGUF `tokenizer.chat_template` or `tokenizer_config.json`.
    public let chatTemplateSource: String?

    // Tokenizer conformance (documented on the protocol).
    public var vocabularySize: Int { pieces.count }
    public var bosTokenId: Int32? { specialTokens.bos }
    public var padTokenId: Int32? { specialTokens.pad }
    public var eosTokenId: Int32? { specialTokens.eos }

    /// Pieces whose presence makes them end-of-generation tokens (llama.cpp's end-of-generation set).
    static let endOfGenerationPieces: Set<String> = [
        "<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|endoftext|>", "<|end_of_text|>", "<|end|>", "<end_of_turn>",
    ]

    /// Builds a tokenizer from its parts.
    ///
    /// - Parameters:
    ///   - pieces: the vocabulary, id → byte-level piece (`"Ġthe"`). Added tokens may appear here too; their
    ///     entry is replaced by their content. Empty strings mark unused ids.
    ///   - merges: merge rules in priority order (rank 0 first), as piece pairs.
    ///   - addedTokens: tokens matched verbatim before BPE; ids may extend past `pieces`.
    ///   - preTokenizer: the split stages.
    ///   - normalizer: applied to each segment between added tokens.
    ///   - specialTokens: BOS/EOS/PAD/UNK and whether BOS/EOS are added.
    ///   - ignoreMerges: a piece found whole in the vocabulary is one token (Llama-3's `ignore_merges`).
    ///   - chatTemplate: the Jinja chat template source, if known.
    ///   - tokenTypes: optional GGUF token types by id; derived from `addedTokens` when `nil`.
    ///   - source: names the origin in error messages (a path or "GGUF metadata").
    /// - Throws: ``TokenizerError`` for duplicate pieces, malformed merges or ids out of range.
    public init(
        pieces: [String], merges: [(String, String)], addedTokens: [AddedToken], preTokenizer: PreTokenizer,
        normalizer: Normalizer = .none, specialTokens: SpecialTokenIds, ignoreMerges: Bool = false,
        chatTemplate: String? = nil, tokenTypes: [TokenType]? = nil, source: String = "tokenizer"
    ) throws {
        let size = max(pieces.count, (addedTokens.map { Int($0.id) }.max() ?? -1) + 1)
        var table = pieces + [String](repeating: "", count: size - pieces.count)
        var types = tokenTypes ?? [TokenType](repeating: .normal, count: size)
        if types.count != size {
            throw TokenizerError.inconsistentVocabulary(
                source: source, reason: "\(types.count) token types for \(size) tokens")
        }
        for token in addedTokens {
            guard token.id >= 0 else {
                throw TokenizerError.tokenIdOutOfRange(key: "added token '\(token.content)'", id: Int(token.id),
                                                       vocabularySize: size, source: source)
            }
            table[Int(token.id)] = token.content
            if tokenTypes == nil { types[Int(token.id)] = token.special ? .control : .userDefined }
        }
        var byPiece: [String: Int32] = [:]
        byPiece.reserveCapacity(size)
        var byBytes: [([UInt8], Int32)] = []
        byBytes.reserveCapacity(ignoreMerges ? size : 0)
        var byteToId = [Int32](repeating: -1, count: 256)
        var decoded: [[UInt8]] = []
        decoded.reserveCapacity(size)
        let addedIds = Set(addedTokens.map(\.id))
        for (index, piece) in table.enumerated() {
            let bytes = ByteLevel.decodedBytes(piece)
            decoded.append(bytes)
            guard !piece.isEmpty else { continue }
            let id = Int32(index)
            // A duplicated piece keeps its last id, as llama.cpp's token_to_id map does; added tokens win.
            if byPiece[piece] == nil || addedIds.contains(id) || !addedIds.contains(byPiece[piece] ?? -1) {
                byPiece[piece] = id
            }
            if !addedIds.contains(id), let raw = ByteLevel.bytes(of: piece) {
                if ignoreMerges { byBytes.append((raw, id)) }
                if raw.count == 1 && byteToId[Int(raw[0])] < 0 { byteToId[Int(raw[0])] = id }
            }
        }
        var rules = PairTable(capacity: merges.count)
        for (rank, merge) in merges.enumerated() {
            guard let left = byPiece[merge.0], let right = byPiece[merge.1] else {
                throw TokenizerError.invalidMerge(index: rank, merge: "\(merge.0) \(merge.1)", source: source,
                                                  reason: "a piece is not in the vocabulary")
            }
            guard let merged = byPiece[merge.0 + merge.1] else {
                throw TokenizerError.invalidMerge(index: rank, merge: "\(merge.0) \(merge.1)", source: source,
                                                  reason: "'\(merge.0 + merge.1)' is not in the vocabulary")
            }
            rules.insert(left: left, right: right, rank: UInt32(rank), merged: merged)
        }
        for (name, id) in [("bos", specialTokens.bos), ("eos", specialTokens.eos), ("pad", specialTokens.pad),
                           ("unknown", specialTokens.unknown)] {
            if let id, id < 0 || Int(id) >= size {
                throw TokenizerError.tokenIdOutOfRange(key: "\(name) token id", id: Int(id), vocabularySize: size,
                                                       source: source)
            }
        }
        var stops = Set<Int32>()
        if let eos = specialTokens.eos { stops.insert(eos) }
        for piece in Self.endOfGenerationPieces {
            if let id = byPiece[piece], types[Int(id)] == .control || addedIds.contains(id) { stops.insert(id) }
        }

        self.pieces = table
        self.idsByPiece = byPiece
        self.decodedBytes = decoded
        self.tokenTypes = types
        self.model = BPEModel(byteToId: byteToId, merges: rules, pieces: byBytes,
                              ignoreMerges: ignoreMerges, unknownId: specialTokens.unknown)
        self.addedTokens = addedTokens.sorted { $0.id < $1.id }
        self.matcher = AddedTokenMatcher(addedTokens)
        self.preTokenizer = preTokenizer
        self.normalizer = normalizer
        self.specialTokens = specialTokens
        self.eosTokenIds = stops.sorted()
        self.chatTemplateSource = chatTemplate
    }

    public func tokenId(for piece: String) -> Int32? { idsByPiece[piece] }

    public func piece(for id: Int32) -> String? {
        id >= 0 && Int(id) < pieces.count ? pieces[Int(id)] : nil
    }

    /// The GGUF-style type of `id` (`.undefined` when out of range).
    /// - Parameter id: a token id.
    public func tokenType(_ id: Int32) -> TokenType {
        id >= 0 && Int(id) < tokenTypes.count ? tokenTypes[Int(id)] : .undefined
    }

    public func isSpecialToken(_ id: Int32) -> Bool { tokenType(id) == .control }

    /// Whether a piece found whole in the vocabulary is one token without merging (Llama-3's `ignore_merges`).
    public var ignoresMerges: Bool { model.ignoreMerges }

    /// The raw bytes token `id` decodes to (empty when out of range), for incremental decoding where a
    /// character may span several tokens.
    /// - Parameter id: a token id.
    /// - Returns: the token's bytes, possibly an incomplete UTF-8 sequence.
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        id >= 0 && Int(id) < decodedBytes.count ? decodedBytes[Int(id)] : []
    }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        var ids: [Int32] = []
        var offsets: [Int] = []
        encode(text, into: &ids, offsets: &offsets, recordOffsets: false)
        if addSpecialTokens {
            if specialTokens.addBOS, let bos = specialTokens.bos { ids.insert(bos, at: 0) }
            if specialTokens.addEOS, let eos = specialTokens.eos { ids.append(eos) }
        }
        return ids
    }

    /// Encodes without sequence special tokens and reports where each token starts.
    /// - Parameter text: any string.
    /// - Returns: ids and, per id, the UTF-8 byte offset in `text` where its text starts (for normalized
    ///   segments the offset is approximate: the segment's start plus the offset in the normalized text).
    public func encodeWithOffsets(_ text: String) -> (ids: [Int32], byteOffsets: [Int]) {
        var ids: [Int32] = []
        var offsets: [Int] = []
        encode(text, into: &ids, offsets: &offsets, recordOffsets: true)
        return (ids, offsets)
    }

    func encode(_ text: String, into ids: inout [Int32], offsets: inout [Int], recordOffsets: Bool) {
        var text = text
        ids.reserveCapacity(text.utf8.count / 3)
        var scratch = ScalarText()
        var ranges: [Range<Int>] = []
        var work: [Range<Int>] = []
        text.withUTF8 { all in
            var position = 0
            while position < all.count {
                let match = matcher.nextMatch(in: all, from: position)
                let segmentEnd = match?.range.lowerBound ?? all.count
                if segmentEnd > position {
                    encodeSegment(UnsafeBufferPointer(rebasing: all[position..<segmentEnd]), base: position,
                                  scratch: &scratch, ranges: &ranges, work: &work,
                                  ids: &ids, offsets: &offsets, recordOffsets: recordOffsets)
                }
                guard let match else { break }
                ids.append(match.token.id)
                if recordOffsets { offsets.append(match.range.lowerBound) }
                position = match.range.upperBound
            }
        }
    }

    private func encodeSegment(
        _ segment: UnsafeBufferPointer<UInt8>, base: Int, scratch: inout ScalarText,
        ranges: inout [Range<Int>], work: inout [Range<Int>], ids: inout [Int32], offsets: inout [Int],
        recordOffsets: Bool
    ) {
        let needsNormalizing = normalizer != .none && segment.contains { $0 >= 0x80 }
        let needsPrefix = preTokenizer.addPrefixSpace && segment[0] != 0x20
        if needsNormalizing || needsPrefix {
            var text = String(decoding: segment, as: UTF8.self)
            if needsNormalizing { text = normalizer.apply(text) }
            if needsPrefix { text = " " + text }
            let shift = needsPrefix ? -1 : 0
            let first = offsets.count
            text.withUTF8 { bytes in
                encodePieces(bytes, base: base + shift, scratch: &scratch, ranges: &ranges, work: &work,
                             ids: &ids, offsets: &offsets, recordOffsets: recordOffsets)
            }
            if recordOffsets { for i in first..<offsets.count where offsets[i] < base { offsets[i] = base } }
        } else {
            encodePieces(segment, base: base, scratch: &scratch, ranges: &ranges, work: &work,
                         ids: &ids, offsets: &offsets, recordOffsets: recordOffsets)
        }
    }

    private func encodePieces(
        _ bytes: UnsafeBufferPointer<UInt8>, base: Int, scratch: inout ScalarText,
        ranges: inout [Range<Int>], work: inout [Range<Int>], ids: inout [Int32], offsets: inout [Int],
        recordOffsets: Bool
    ) {
        preTokenizer.pieceRanges(bytes, scratch: &scratch, into: &ranges, work: &work)
        for range in ranges {
            let first = ids.count
            model.encode(UnsafeBufferPointer(rebasing: bytes[range]), into: &ids)
            if recordOffsets {
                var offset = base + range.lowerBound
                for id in ids[first...] {
                    offsets.append(offset)
                    offset += decodedBytes[Int(id)].count
                }
            }
        }
    }

    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids where id >= 0 && Int(id) < pieces.count {
            if skipSpecialTokens && tokenTypes[Int(id)] == .control { continue }
            bytes.append(contentsOf: decodedBytes[Int(id)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
