// tokenizer.json / tokenizer_config.json export: writing a tokenizer and reading it back must give one that
// encodes the varied corpus of Fixtures/tokenizer/tiny_expected.json exactly as the original and as Hugging Face
// `tokenizers` did (ids from Scripts/fixtures/tokenizer_reference.py), with the same special tokens and template.
import Foundation
import Testing
@testable import Tokenizers

@Suite struct TokenizerJSONExportTests {
    /// Writes `tokenizer`'s JSON files into a fresh directory and reads them back.
    func roundTrip(_ tokenizer: BPETokenizer) throws -> BPETokenizer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("r1-tokenizer-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tokenizer.json")
        try tokenizer.tokenizerJSON().write(to: url, atomically: true, encoding: .utf8)
        try tokenizer.tokenizerConfigJSON(modelMaxLength: 2048)
            .write(to: directory.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        return try BPETokenizer(tokenizerJSON: url)
    }

    @Test(arguments: ["tiny_smollm", "tiny_llama3", "tiny_qwen2"])
    func reReadTokenizerEncodesTheCorpusLikeHuggingFace(name: String) throws {
        let original = try TokenizerFixtures.tiny(name)
        let reread = try roundTrip(original)
        let (corpus, all) = try TokenizerFixtures.tinyExpected()
        let expected = try #require(all[name])
        for (index, text) in corpus.enumerated() {
            #expect(reread.encode(text, addSpecialTokens: false) == expected.ids[index], "\(name): \(text.debugDescription)")
            #expect(reread.encode(text, addSpecialTokens: true) == expected.ids_with_special[index], "\(name): \(text.debugDescription)")
        }
        #expect(reread.vocabularySize == original.vocabularySize)
        #expect(reread.preTokenizer == original.preTokenizer)
        #expect(reread.normalizer == original.normalizer)
        #expect(reread.addedTokens == original.addedTokens)
        #expect(reread.specialTokens == original.specialTokens)
        #expect(reread.ignoresMerges == original.ignoresMerges)
        #expect(reread.chatTemplateSource == original.chatTemplateSource)
        #expect(reread.eosTokenIds == original.eosTokenIds)
        for id in 0..<Int32(original.vocabularySize) { #expect(reread.piece(for: id) == original.piece(for: id)) }
    }

    @Test(arguments: ["tiny_smollm", "tiny_llama3", "tiny_qwen2"])
    func mergeRulesAreTheFileMergesInOrder(name: String) throws {
        let url = TokenizerFixtures.directory.appendingPathComponent("\(name)/tokenizer.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let model = root["model"] as! [String: Any]
        let fileMerges = (model["merges"] as! [Any]).map { item -> String in
            if let pair = item as? [String] { return pair.joined(separator: " ") }
            return item as! String
        }
        let recovered = try TokenizerFixtures.tiny(name).mergeRules.map { "\($0.0) \($0.1)" }
        #expect(recovered == fileMerges)
    }

    @Test func preTokenizerNamesForGGUF() throws {
        #expect(try TokenizerFixtures.tiny("tiny_smollm").ggufPreTokenizerName == "smollm")
        #expect(try TokenizerFixtures.tiny("tiny_llama3").ggufPreTokenizerName == "llama-bpe")
        #expect(try TokenizerFixtures.tiny("tiny_qwen2").ggufPreTokenizerName == "qwen2")
        for name in PreTokenizer.ggufNames {
            let pre = try PreTokenizer(ggufName: name)
            let tokenizer = try BPETokenizer(pieces: ["a", "b"], merges: [], addedTokens: [], preTokenizer: pre,
                                             specialTokens: SpecialTokenIds())
            #expect(try PreTokenizer(ggufName: #require(tokenizer.ggufPreTokenizerName)) == pre)
        }
    }

    @Test func jsonEscapesControlCharactersQuotesAndBackslashes() throws {
        let pieces = ["a", "\"", "\\", "b"]
        let added = [AddedToken(id: 4, content: "<|tab\t\"q\"\\|>", special: true), AddedToken(id: 5, content: "\u{1}x", special: false)]
        let tokenizer = try BPETokenizer(pieces: pieces, merges: [], addedTokens: added,
                                         preTokenizer: .gpt2, specialTokens: SpecialTokenIds(eos: 4),
                                         chatTemplate: "{{ \"x\\n\" }}\n\t")
        let reread = try roundTrip(tokenizer)
        #expect(reread.addedTokens == tokenizer.addedTokens)
        #expect(reread.chatTemplateSource == tokenizer.chatTemplateSource)
        #expect(reread.encode("a\"\\b<|tab\t\"q\"\\|>\u{1}x", addSpecialTokens: false) == [0, 1, 2, 3, 4, 5])
    }

    @Test func prefixSpaceAfterAnotherStageIsRejected() throws {
        let pre = PreTokenizer(steps: [.digits(individual: true), .split(.gpt2)], addPrefixSpace: true)
        let tokenizer = try BPETokenizer(pieces: ["a"], merges: [], addedTokens: [], preTokenizer: pre, specialTokens: SpecialTokenIds())
        #expect(throws: TokenizerError.self) { try tokenizer.tokenizerJSON() }
        #expect(tokenizer.ggufPreTokenizerName == nil)
    }
}
