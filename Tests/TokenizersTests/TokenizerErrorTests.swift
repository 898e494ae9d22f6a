// Malformed tokenizer inputs raise TokenizerError with messages that say what, where and what to do.
import Foundation
import Testing
import Tokenizers

@Suite struct TokenizerErrorTests {
    /// Writes `json` to a temporary tokenizer.json and loads it.
    static func load(_ json: String) throws -> BPETokenizer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tokenizer.json")
        try Data(json.utf8).write(to: url)
        return try BPETokenizer(tokenizerJSON: url)
    }

    static let byteLevel = #"{"type":"ByteLevel","add_prefix_space":false,"use_regex":true}"#

    static func tokenizerJSON(model: String, pre: String = byteLevel, normalizer: String = "null") -> String {
        #"{"added_tokens":[],"normalizer":\#(normalizer),"pre_tokenizer":\#(pre),"post_processor":null,"decoder":null,"model":\#(model)}"#
    }

    @Test func minimalTokenizerLoadsAndMerges() throws {
        let tokenizer = try Self.load(Self.tokenizerJSON(
            model: #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3},"merges":["a b"]}"#))
        #expect(tokenizer.encode("ab a", addSpecialTokens: false) == [2, 3, 0])
        #expect(tokenizer.vocabularySize == 4)
    }

    @Test func missingFile() {
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokenizerJSON: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))
        }
    }

    @Test func notJSON() {
        #expect { try Self.load("{not json") } throws: { error in
            guard case .invalidJSON = error as? TokenizerError else { return false }
            return true
        }
    }

    @Test func unsupportedModel() {
        #expect { try Self.load(Self.tokenizerJSON(model: #"{"type":"WordPiece","vocab":{}}"#)) } throws: { error in
            guard case let .unsupportedModel(type, _) = error as? TokenizerError else { return false }
            return type == "WordPiece"
        }
    }

    @Test func mergeWithUnknownPiece() {
        #expect { try Self.load(Self.tokenizerJSON(model: #"{"type":"BPE","vocab":{"a":0},"merges":["a b"]}"#)) } throws: { error in
            guard case let .invalidMerge(index, merge, _, _) = error as? TokenizerError else { return false }
            return index == 0 && merge == "a b"
        }
    }

    @Test func unsupportedSplitRegexIsRejectedNotApproximated() {
        let pre = #"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\w+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]}"#
        #expect { try Self.load(Self.tokenizerJSON(model: #"{"type":"BPE","vocab":{"a":0},"merges":[]}"#, pre: pre)) } throws: { error in
            guard case let .unsupportedComponent(key, value, _, _) = error as? TokenizerError else { return false }
            return key == "pre_tokenizer Split pattern" && value == "\\w+"
        }
    }

    @Test func unsupportedNormalizer() {
        #expect(throws: TokenizerError.self) {
            try Self.load(Self.tokenizerJSON(model: #"{"type":"BPE","vocab":{"a":0},"merges":[]}"#, normalizer: #"{"type":"Lowercase"}"#))
        }
    }

    @Test func ggufArraysOfDifferentLengths() {
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokens: ["a", "b"], merges: [], tokenTypes: [1], preTokenizerName: "gpt2", specialTokens: SpecialTokenIds())
        }
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokens: ["a", "b"], merges: ["ab"], tokenTypes: [1, 1], preTokenizerName: "gpt2", specialTokens: SpecialTokenIds())
        }
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokens: ["a"], merges: [], tokenTypes: [1], preTokenizerName: "gpt2", specialTokens: SpecialTokenIds(eos: 5))
        }
    }

    @Test func messagesNameTheProblemAndTheFix() {
        #expect(TokenizerError.unsupportedComponent(key: "tokenizer.ggml.pre", value: "falcon", source: "GGUF metadata",
                                                    supported: ["gpt2", "smollm"]).description
                == "GGUF metadata: tokenizer.ggml.pre 'falcon' is not supported (supported: gpt2, smollm). Encoding with a "
                + "different rule would silently produce different token ids, so loading stops here.")
        #expect(TokenizerError.invalidMerge(index: 3, merge: "ab", source: "t.json", reason: "expected two pieces separated by one space").description
                == "t.json: merge #3 'ab' is invalid: expected two pieces separated by one space. Merges must be two pieces "
                + "(\"a b\" or [\"a\", \"b\"]) whose concatenation is in the vocabulary.")
    }
}
