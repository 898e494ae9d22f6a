// Writing the in-memory tokenizer back out: Hugging Face `tokenizer.json` and `tokenizer_config.json`, and the
// arrays GGUF stores under `tokenizer.ggml.*` (merges in rank order, the `tokenizer.ggml.pre` name).
// The inverse of BPETokenizer+TokenizerJSON.swift / BPETokenizer+Arrays.swift: re-reading what is written here
// gives a tokenizer that encodes every text identically. Merge rules are recovered from the merge table
// (each vocabulary piece split at every position and looked up), so no source file is needed.

extension BPETokenizer {
    /// The merge rules in priority order (rank 0 first), recovered from the merge table.
    ///
    /// Every rule the tokenizer applies is returned once; rules that could never apply (a pair listed twice)
    /// are not. Feeding the result back to an initializer gives the same merge behaviour.
    public var mergeRules: [(String, String)] {
        var found: [(rank: UInt32, left: String, right: String)] = []
        found.reserveCapacity(model.merges.count)
        for (index, piece) in pieces.enumerated() where !piece.isEmpty {
            let target = Int32(index)
            guard idsByPiece[piece] == target else { continue }
            let scalars = Array(piece.unicodeScalars)
            guard scalars.count >= 2 else { continue }
            for split in 1..<scalars.count {
                var left = String.UnicodeScalarView(), right = String.UnicodeScalarView()
                left.append(contentsOf: scalars[..<split])
                right.append(contentsOf: scalars[split...])
                let leftText = String(left), rightText = String(right)
                guard let l = idsByPiece[leftText], let r = idsByPiece[rightText] else { continue }
                let rule = model.merges.lookup(l, r)
                if rule.rank != .max && rule.merged == target { found.append((rule.rank, leftText, rightText)) }
            }
        }
        found.sort { $0.rank < $1.rank }
        return found.map { ($0.left, $0.right) }
    }

    /// The GGUF `tokenizer.ggml.pre` name of this tokenizer's pre-tokenizer, or nil when GGUF has no name for it.
    public var ggufPreTokenizerName: String? {
        guard !preTokenizer.addPrefixSpace else { return nil }
        switch preTokenizer {
        case .gpt2: return "gpt2"
        case .llama3: return "llama-bpe"
        case .qwen2: return "qwen2"
        case .smolLM: return "smollm"
        default: return nil
        }
    }

    /// The Hugging Face `tokenizer.json` text of this tokenizer: BPE model (vocabulary by id, merges as pairs),
    /// added tokens, normalizer, pre-tokenizer (e.g. `Sequence[Digits(individual), ByteLevel]` for SmolLM2),
    /// post-processor (`TemplateProcessing` when BOS/EOS are added, else `ByteLevel`) and ByteLevel decoder.
    ///
    /// ```swift
    /// try tokenizer.tokenizerJSON().write(to: directory.appendingPathComponent("tokenizer.json"), atomically: true, encoding: .utf8)
    /// ```
    /// - Returns: the JSON text (UTF-8, keys in the order `tokenizers` writes them).
    /// - Throws: ``TokenizerError/unsupportedComponent(key:value:source:supported:)`` for a pre-tokenizer with
    ///   `addPrefixSpace` after another stage, which `tokenizer.json` cannot express.
    public func tokenizerJSON() throws -> String {
        var vocabulary: [String] = []
        vocabulary.reserveCapacity(pieces.count)
        for (index, piece) in pieces.enumerated() where !piece.isEmpty && idsByPiece[piece] == Int32(index) {
            vocabulary.append("\(JSONText.quoted(piece)):\(index)")
        }
        let merges = mergeRules.map { "[\(JSONText.quoted($0.0)),\(JSONText.quoted($0.1))]" }
        let unknown = specialTokens.unknown.flatMap { piece(for: $0) }.map(JSONText.quoted) ?? "null"
        let model = """
        {"type":"BPE","dropout":null,"unk_token":\(unknown),"continuing_subword_prefix":null,\
        "end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":\(ignoresMerges),\
        "vocab":{\(vocabulary.joined(separator: ","))},"merges":[\(merges.joined(separator: ","))]}
        """
        let normalizerJSON = normalizer == .nfc ? #"{"type":"NFC"}"# : "null"
        return """
        {"version":"1.0","truncation":null,"padding":null,"added_tokens":[\(addedTokensJSON())],\
        "normalizer":\(normalizerJSON),"pre_tokenizer":\(try preTokenizerJSON()),\
        "post_processor":\(postProcessorJSON()),\
        "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},\
        "model":\(model)}
        """
    }

    /// The Hugging Face `tokenizer_config.json` text: special tokens by content, `add_bos_token` /
    /// `add_eos_token`, `added_tokens_decoder`, the chat template and `model_max_length`.
    /// - Parameter modelMaxLength: the model's context length.
    /// - Returns: the JSON text.
    public func tokenizerConfigJSON(modelMaxLength: Int) -> String {
        var fields: [String] = []
        fields.append("\"add_bos_token\":\(specialTokens.addBOS)")
        fields.append("\"add_eos_token\":\(specialTokens.addEOS)")
        fields.append("\"add_prefix_space\":\(preTokenizer.addPrefixSpace)")
        let decoder = addedTokens.map { token in
            "\(JSONText.quoted(String(token.id))):{\"content\":\(JSONText.quoted(token.content)),\"lstrip\":\(token.leftStrip),"
                + "\"normalized\":false,\"rstrip\":\(token.rightStrip),\"single_word\":false,\"special\":\(token.special)}"
        }
        fields.append("\"added_tokens_decoder\":{\(decoder.joined(separator: ","))}")
        for (key, id) in [("bos_token", specialTokens.bos), ("eos_token", specialTokens.eos),
                          ("pad_token", specialTokens.pad), ("unk_token", specialTokens.unknown)] {
            fields.append("\"\(key)\":" + (id.flatMap { piece(for: $0) }.map(JSONText.quoted) ?? "null"))
        }
        if let chatTemplateSource { fields.append("\"chat_template\":\(JSONText.quoted(chatTemplateSource))") }
        fields.append("\"clean_up_tokenization_spaces\":false")
        fields.append("\"model_max_length\":\(modelMaxLength)")
        fields.append("\"tokenizer_class\":\"PreTrainedTokenizerFast\"")
        return "{" + fields.joined(separator: ",") + "}"
    }

    private func addedTokensJSON() -> String {
        addedTokens.map { token in
            "{\"id\":\(token.id),\"content\":\(JSONText.quoted(token.content)),\"single_word\":false,"
                + "\"lstrip\":\(token.leftStrip),\"rstrip\":\(token.rightStrip),\"normalized\":false,\"special\":\(token.special)}"
        }.joined(separator: ",")
    }

    /// Hugging Face applies the byte mapping in its ByteLevel stage, so that stage comes last: a final GPT-2
    /// split becomes `ByteLevel(use_regex: true)`, otherwise `ByteLevel(use_regex: false)` follows the splits.
    private func preTokenizerJSON() throws -> String {
        var steps = preTokenizer.steps
        var finalRegex = false
        if steps.last == .split(.gpt2) {
            steps.removeLast()
            finalRegex = true
        }
        if preTokenizer.addPrefixSpace && !steps.isEmpty {
            throw TokenizerError.unsupportedComponent(
                key: "pre_tokenizer add_prefix_space", value: "after \(steps.count) other stage(s)", source: "tokenizer.json export",
                supported: ["add_prefix_space with the GPT-2 ByteLevel stage alone"])
        }
        var parts: [String] = steps.map { step in
            switch step {
            case let .digits(individual):
                return "{\"type\":\"Digits\",\"individual_digits\":\(individual)}"
            case let .split(pattern):
                return "{\"type\":\"Split\",\"pattern\":{\"Regex\":\(JSONText.quoted(pattern.regex))},"
                    + "\"behavior\":\"Isolated\",\"invert\":false}"
            }
        }
        parts.append("{\"type\":\"ByteLevel\",\"add_prefix_space\":\(preTokenizer.addPrefixSpace),\"trim_offsets\":true,"
            + "\"use_regex\":\(finalRegex)}")
        return parts.count == 1 ? parts[0] : "{\"type\":\"Sequence\",\"pretokenizers\":[\(parts.joined(separator: ","))]}"
    }

    private func postProcessorJSON() -> String {
        let bos = specialTokens.addBOS ? specialTokens.bos.flatMap { id in piece(for: id).map { (id, $0) } } : nil
        let eos = specialTokens.addEOS ? specialTokens.eos.flatMap { id in piece(for: id).map { (id, $0) } } : nil
        guard bos != nil || eos != nil else {
            return #"{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}"#
        }
        func special(_ token: (Int32, String)?, typeId: Int) -> [String] {
            guard let token else { return [] }
            return ["{\"SpecialToken\":{\"id\":\(JSONText.quoted(token.1)),\"type_id\":\(typeId)}}"]
        }
        func sequence(_ name: String, typeId: Int) -> String { "{\"Sequence\":{\"id\":\"\(name)\",\"type_id\":\(typeId)}}" }
        let single = special(bos, typeId: 0) + [sequence("A", typeId: 0)] + special(eos, typeId: 0)
        let pair = single + special(bos, typeId: 1) + [sequence("B", typeId: 1)] + special(eos, typeId: 1)
        var specials: [String] = []
        for token in [bos, eos].compactMap({ $0 }) where !specials.contains(where: { $0.hasPrefix(JSONText.quoted(token.1)) }) {
            specials.append("\(JSONText.quoted(token.1)):{\"id\":\(JSONText.quoted(token.1)),\"ids\":[\(token.0)],"
                + "\"tokens\":[\(JSONText.quoted(token.1))]}")
        }
        return "{\"type\":\"TemplateProcessing\",\"single\":[\(single.joined(separator: ","))],"
            + "\"pair\":[\(pair.joined(separator: ","))],\"special_tokens\":{\(specials.joined(separator: ","))}}"
    }
}

/// JSON string literals for the hand-written exporters (Foundation's encoder cannot keep key order).
enum JSONText {
    /// `string` as a JSON string literal: quotes, backslashes and control characters escaped, the rest raw UTF-8.
    static func quoted(_ string: String) -> String {
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
