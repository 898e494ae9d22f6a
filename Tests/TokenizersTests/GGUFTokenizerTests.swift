// BPETokenizer(gguf:) on a small GGUF written with ModelFormats' GGUFWriter from the tiny_smollm fixture's
// vocabulary: the GGUF path must give the same ids as Hugging Face on that tokenizer.
import Foundation
import ModelFormats
import Testing
import Tokenizers

@Suite struct GGUFTokenizerTests {
    /// Writes the tiny_smollm tokenizer as GGUF metadata (tokens, merges, token types, pre "smollm", ids).
    static func writeTinyGGUF(pre: String = "smollm", extra: [String: GGUFValue] = [:]) throws -> URL {
        let url = TokenizerFixtures.directory.appendingPathComponent("tiny_smollm/tokenizer.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        let model = root["model"] as? [String: Any] ?? [:]
        let vocab = model["vocab"] as? [String: Int] ?? [:]
        var tokens = [String](repeating: "", count: vocab.count)
        for (piece, id) in vocab { tokens[id] = piece }
        let merges = (model["merges"] as? [[String]] ?? []).map { $0.joined(separator: " ") }
        let special = Set((root["added_tokens"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        let types = tokens.indices.map { Int32(special.contains($0) ? 3 : 1) }
        var writer = GGUFWriter()
        try writer.setValue(.string("llama"), forKey: GGUFMetadataKey.architecture)
        try writer.setValue(.string("gpt2"), forKey: GGUFMetadataKey.tokenizerModel)
        try writer.setValue(.string(pre), forKey: GGUFMetadataKey.tokenizerPre)
        try writer.setValue(.stringArray(tokens), forKey: GGUFMetadataKey.tokens)
        try writer.setValue(.stringArray(merges), forKey: GGUFMetadataKey.merges)
        try writer.setValue(.int32Array(types), forKey: GGUFMetadataKey.tokenType)
        try writer.setValue(.uint32(2), forKey: GGUFMetadataKey.eosTokenID)
        try writer.setValue(.bool(false), forKey: GGUFMetadataKey.addBOSToken)
        for (key, value) in extra { try writer.setValue(value, forKey: key) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString).gguf")
        try writer.write(to: file)
        return file
    }

    @Test func ggufVocabularyEncodesLikeHuggingFace() throws {
        let url = try Self.writeTinyGGUF()
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try BPETokenizer(gguf: GGUFFile(url: url))
        let (corpus, all) = try TokenizerFixtures.tinyExpected()
        let expected = try #require(all["tiny_smollm"])
        #expect(tokenizer.preTokenizer == .smolLM)
        #expect(tokenizer.eosTokenId == 2 && tokenizer.eosTokenIds == [0, 2])
        for (index, text) in corpus.enumerated() {
            #expect(tokenizer.encode(text, addSpecialTokens: false) == expected.ids[index], "\(text.debugDescription)")
        }
    }

    @Test func unknownPreTokenizerNameIsRejected() throws {
        let url = try Self.writeTinyGGUF(pre: "falcon")
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try GGUFFile(url: url)
        #expect { try BPETokenizer(gguf: file) } throws: { error in
            guard case let .unsupportedComponent(key, value, _, _) = error as? TokenizerError else { return false }
            return key == "tokenizer.ggml.pre" && value == "falcon"
        }
    }

    @Test func wronglyTypedMetadataIsRejected() throws {
        let url = try Self.writeTinyGGUF(extra: [GGUFMetadataKey.bosTokenID: .string("one")])
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try GGUFFile(url: url)
        #expect { try BPETokenizer(gguf: file) } throws: { error in
            guard case let .invalidValue(key, _, _) = error as? TokenizerError else { return false }
            return key == GGUFMetadataKey.bosTokenID
        }
    }

    @Test func concurrentEncodesAgree() async throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let (corpus, _) = try TokenizerFixtures.tinyExpected()
        let reference = corpus.map { tokenizer.encode($0, addSpecialTokens: false) }
        let results = await withTaskGroup(of: [[Int32]].self) { group in
            for _ in 0..<4 { group.addTask { corpus.map { tokenizer.encode($0, addSpecialTokens: false) } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4 && results.allSatisfy { $0 == reference })
    }
}
