// Loading a Hugging Face `tokenizer.json` (and, when present beside it, `tokenizer_config.json`).
// Supports the byte-level BPE subset: model BPE, normalizer none/NFC, pre-tokenizers ByteLevel, Digits,
// Split with the GPT-2/Llama-3/Qwen2 regexes, post-processors ByteLevel/TemplateProcessing.
// Anything else is rejected rather than approximated.
import Foundation

extension BPETokenizer {
    /// Loads a Hugging Face `tokenizer.json`.
    ///
    /// When a `tokenizer_config.json` sits in the same directory, its `chat_template`, `bos_token`,
    /// `eos_token`, `pad_token` and `add_bos_token` are used too.
    ///
    /// ```swift
    /// let tokenizer = try BPETokenizer(tokenizerJSON: URL(fileURLWithPath: "model/tokenizer.json"))
    /// ```
    /// - Parameter url: the `tokenizer.json` file.
    /// - Throws: ``TokenizerError`` if the file is unreadable, malformed or uses an unsupported component.
    public init(tokenizerJSON url: URL) throws {
        let path = url.path
        let root = try Self.readJSONObject(url)
        guard let model = root["model"] as? [String: Any] else {
            throw TokenizerError.missingKey(key: "model", source: path)
        }
        if let type = model["type"] as? String, type != "BPE" {
            throw TokenizerError.unsupportedModel(type: type, source: path)
        }
        if let fallback = model["byte_fallback"] as? Bool, fallback {
            throw TokenizerError.unsupportedComponent(key: "model.byte_fallback", value: "true", source: path,
                                                      supported: ["false"])
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key] as? String, !value.isEmpty {
                throw TokenizerError.unsupportedComponent(key: "model.\(key)", value: value, source: path,
                                                          supported: ["null", "\"\""])
            }
        }
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw TokenizerError.missingKey(key: "model.vocab", source: path)
        }
        var entries: [(String, Int)] = []
        entries.reserveCapacity(vocab.count)
        for (piece, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, id >= 0, id < Int(Int32.max) else {
                throw TokenizerError.invalidValue(key: "model.vocab[\"\(piece)\"]", source: path,
                                                  expected: "a non-negative integer id")
            }
            entries.append((piece, id))
        }
        let size = (entries.map(\.1).max() ?? -1) + 1
        var pieces = [String](repeating: "", count: size)
        for (piece, id) in entries {
            guard pieces[id].isEmpty else {
                throw TokenizerError.inconsistentVocabulary(
                    source: path, reason: "id \(id) is used by '\(pieces[id])' and '\(piece)'")
            }
            pieces[id] = piece
        }
        let merges = try Self.parseMerges(model["merges"], source: path)
        let added = try Self.parseAddedTokens(root["added_tokens"], source: path)
        let normalizer = try Self.parseNormalizer(root["normalizer"], source: path)
        let preTokenizer = try Self.parsePreTokenizer(root["pre_tokenizer"], source: path)
        var special = try Self.parsePostProcessor(root["post_processor"], source: path)

        func id(of content: String?) -> Int32? {
            guard let content else { return nil }
            if let token = added.first(where: { $0.content == content }) { return token.id }
            return vocab[content].flatMap { ($0 as? NSNumber).map { Int32($0.intValue) } }
        }
        special.unknown = id(of: model["unk_token"] as? String)
        var chatTemplate: String?
        let configURL = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        if FileManager.default.fileExists(atPath: configURL.path) {
            let config = try Self.readJSONObject(configURL)
            chatTemplate = Self.chatTemplate(from: config["chat_template"])
            special.bos = special.bos ?? id(of: Self.tokenContent(config["bos_token"]))
            special.eos = id(of: Self.tokenContent(config["eos_token"])) ?? special.eos
            special.pad = id(of: Self.tokenContent(config["pad_token"]))
            if let addBOS = config["add_bos_token"] as? Bool, special.bos != nil, !special.addBOS {
                special.addBOS = addBOS
            }
        }
        try self.init(
            pieces: pieces, merges: merges, addedTokens: added, preTokenizer: preTokenizer, normalizer: normalizer,
            specialTokens: special, ignoreMerges: model["ignore_merges"] as? Bool ?? false,
            chatTemplate: chatTemplate, source: path)
    }

    static func readJSONObject(_ url: URL) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TokenizerError.invalidJSON(path: url.path, reason: error.localizedDescription)
        }
        guard let root = object as? [String: Any] else {
            throw TokenizerError.invalidJSON(path: url.path, reason: "the top level is not an object")
        }
        return root
    }

    static func parseMerges(_ value: Any?, source: String) throws -> [(String, String)] {
        guard let list = value as? [Any] else {
            throw TokenizerError.missingKey(key: "model.merges", source: source)
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            if let text = item as? String {
                merges.append(try parseMerge(text, index: index, source: source))
            } else if let pair = item as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else {
                throw TokenizerError.invalidMerge(index: index, merge: "\(item)", source: source,
                                                  reason: "expected \"a b\" or [\"a\", \"b\"]")
            }
        }
        return merges
    }

    static func parseAddedTokens(_ value: Any?, source: String) throws -> [AddedToken] {
        guard let list = value as? [[String: Any]] else { return [] }
        return try list.enumerated().map { index, entry in
            guard let id = (entry["id"] as? NSNumber)?.intValue, id >= 0, id < Int(Int32.max),
                  let content = entry["content"] as? String, !content.isEmpty else {
                throw TokenizerError.invalidValue(key: "added_tokens[\(index)]", source: source,
                                                  expected: "an object with an integer 'id' and a non-empty 'content'")
            }
            if entry["single_word"] as? Bool ?? false {
                throw TokenizerError.unsupportedComponent(
                    key: "added_tokens[\(index)].single_word", value: "true", source: source, supported: ["false"])
            }
            return AddedToken(id: Int32(id), content: content, special: entry["special"] as? Bool ?? false,
                              leftStrip: entry["lstrip"] as? Bool ?? false, rightStrip: entry["rstrip"] as? Bool ?? false)
        }
    }

    static func parseNormalizer(_ value: Any?, source: String) throws -> Normalizer {
        guard let object = value as? [String: Any] else { return .none }
        let type = object["type"] as? String ?? ""
        switch type {
        case "NFC": return .nfc
        case "Sequence":
            let inner = object["normalizers"] as? [Any] ?? []
            let parsed = try inner.map { try parseNormalizer($0, source: source) }.filter { $0 != .none }
            if parsed.count <= 1 { return parsed.first ?? .none }
            fallthrough
        default:
            throw TokenizerError.unsupportedComponent(key: "normalizer", value: type, source: source,
                                                      supported: ["null", "NFC"])
        }
    }

    static func parsePreTokenizer(_ value: Any?, source: String) throws -> PreTokenizer {
        guard let object = value as? [String: Any] else {
            throw TokenizerError.unsupportedComponent(key: "pre_tokenizer", value: "null", source: source,
                                                      supported: ["ByteLevel", "Sequence", "Split", "Digits"])
        }
        var steps: [PreTokenizerStep] = []
        var addPrefixSpace = false
        var sawByteLevel = false
        func visit(_ object: [String: Any]) throws {
            let type = object["type"] as? String ?? ""
            switch type {
            case "Sequence":
                for inner in object["pretokenizers"] as? [[String: Any]] ?? [] { try visit(inner) }
            case "ByteLevel":
                sawByteLevel = true
                if object["add_prefix_space"] as? Bool ?? false {
                    guard steps.isEmpty else {
                        throw TokenizerError.unsupportedComponent(
                            key: "pre_tokenizer ByteLevel.add_prefix_space", value: "true after another stage",
                            source: source, supported: ["add_prefix_space in the first stage only"])
                    }
                    addPrefixSpace = true
                }
                if object["use_regex"] as? Bool ?? true { steps.append(.split(.gpt2)) }
            case "Digits":
                steps.append(.digits(individual: object["individual_digits"] as? Bool ?? false))
            case "Split":
                let patternObject = object["pattern"] as? [String: Any] ?? [:]
                let regex = patternObject["Regex"] as? String ?? patternObject["String"] as? String ?? ""
                let behavior = object["behavior"] as? String ?? ""
                guard let pattern = SplitPattern(regex: regex) else {
                    throw TokenizerError.unsupportedComponent(
                        key: "pre_tokenizer Split pattern", value: regex, source: source,
                        supported: SplitPattern.allCases.map(\.regex))
                }
                guard behavior == "Isolated", !(object["invert"] as? Bool ?? false) else {
                    throw TokenizerError.unsupportedComponent(
                        key: "pre_tokenizer Split behavior", value: behavior, source: source, supported: ["Isolated"])
                }
                steps.append(.split(pattern))
            default:
                throw TokenizerError.unsupportedComponent(key: "pre_tokenizer", value: type, source: source,
                                                          supported: ["ByteLevel", "Sequence", "Split", "Digits"])
            }
        }
        try visit(object)
        guard sawByteLevel else {
            throw TokenizerError.unsupportedComponent(
                key: "pre_tokenizer", value: "without ByteLevel", source: source,
                supported: ["a ByteLevel stage (byte-level BPE)"])
        }
        return PreTokenizer(steps: steps, addPrefixSpace: addPrefixSpace)
    }

    /// Reads the BOS/EOS added around single sequences by a TemplateProcessing post-processor.
    static func parsePostProcessor(_ value: Any?, source: String) throws -> SpecialTokenIds {
        var result = SpecialTokenIds()
        guard let object = value as? [String: Any] else { return result }
        let type = object["type"] as? String ?? ""
        switch type {
        case "ByteLevel": return result
        case "Sequence":
            for inner in object["processors"] as? [Any] ?? [] {
                let parsed = try parsePostProcessor(inner, source: source)
                if parsed.addBOS || parsed.addEOS { result = parsed }
            }
            return result
        case "TemplateProcessing":
            let single = object["single"] as? [[String: Any]] ?? []
            let specials = object["special_tokens"] as? [String: Any] ?? [:]
            var seenSequence = false
            for item in single {
                if item["Sequence"] != nil { seenSequence = true; continue }
                guard let token = item["SpecialToken"] as? [String: Any], let name = token["id"] as? String,
                      let entry = specials[name] as? [String: Any], let ids = entry["ids"] as? [NSNumber],
                      ids.count == 1 else {
                    throw TokenizerError.invalidValue(key: "post_processor.single", source: source,
                                                      expected: "$A with single-id special tokens around it")
                }
                if seenSequence { result.eos = Int32(ids[0].intValue); result.addEOS = true }
                else { result.bos = Int32(ids[0].intValue); result.addBOS = true }
            }
            return result
        default:
            throw TokenizerError.unsupportedComponent(key: "post_processor", value: type, source: source,
                                                      supported: ["null", "ByteLevel", "TemplateProcessing", "Sequence"])
        }
    }

    static func tokenContent(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        return (value as? [String: Any])?["content"] as? String
    }

    /// `chat_template` is a string or a list of `{name, template}`; the "default" entry is used.
    static func chatTemplate(from value: Any?) -> String? {
        if let text = value as? String { return text }
        guard let list = value as? [[String: Any]] else { return nil }
        let entry = list.first { $0["name"] as? String == "default" } ?? list.first
        return entry?["template"] as? String
    }
}
