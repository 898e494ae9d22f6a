// BPETokenizer on the tiny tokenizer.json fixtures: ids and decodes must equal Hugging Face `tokenizers`.
import Foundation
import Testing
import Tokenizers

@Suite struct BPETokenizerTests {
    static let names = ["tiny_smollm", "tiny_llama3", "tiny_qwen2"]

    @Test(arguments: names)
    func encodeMatchesHuggingFace(_ name: String) throws {
        let (corpus, all) = try TokenizerFixtures.tinyExpected()
        let expected = try #require(all[name])
        let tokenizer = try TokenizerFixtures.tiny(name)
        #expect(tokenizer.vocabularySize == expected.vocab_size)
        #expect(corpus.count == expected.ids.count && corpus.count > 40)
        for (index, text) in corpus.enumerated() {
            #expect(tokenizer.encode(text, addSpecialTokens: false) == expected.ids[index], "\(name): \(text.debugDescription)")
            #expect(tokenizer.encode(text, addSpecialTokens: true) == expected.ids_with_special[index], "\(name): \(text.debugDescription)")
        }
    }

    @Test(arguments: names)
    func decodeMatchesHuggingFace(_ name: String) throws {
        let expected = try #require(try TokenizerFixtures.tinyExpected().byName[name])
        let tokenizer = try TokenizerFixtures.tiny(name)
        for item in expected.decode_cases {
            #expect(sameScalars(tokenizer.decode(item.ids, skipSpecialTokens: false), item.text), "\(item.ids)")
            #expect(sameScalars(tokenizer.decode(item.ids, skipSpecialTokens: true), item.text_skip_special ?? ""), "\(item.ids)")
        }
    }

    @Test(arguments: names)
    func decodeInvertsEncode(_ name: String) throws {
        let (corpus, _) = try TokenizerFixtures.tinyExpected()
        let tokenizer = try TokenizerFixtures.tiny(name)
        for text in corpus {
            let expected = tokenizer.normalizer.apply(text)
            #expect(sameScalars(tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)), expected))
        }
    }

    @Test func loadsTheConfiguredComponents() throws {
        let smol = try TokenizerFixtures.tiny("tiny_smollm")
        #expect(smol.preTokenizer == .smolLM)
        #expect(smol.normalizer == .none)
        // From the tokenizer_config.json beside it: names resolved to ids, chat template detected.
        #expect(smol.bosTokenId == smol.tokenId(for: "<|im_start|>") && !smol.specialTokens.addBOS)
        #expect(smol.eosTokenId == smol.tokenId(for: "<|im_end|>") && smol.padTokenId == smol.eosTokenId)
        #expect(smol.encode("hi", addSpecialTokens: true) == smol.encode("hi", addSpecialTokens: false))
        #expect(ChatTemplate(for: smol) == .smolLM2)
        let llama = try TokenizerFixtures.tiny("tiny_llama3")
        #expect(llama.preTokenizer == .llama3)
        #expect(llama.ignoresMerges)
        let bos = try #require(llama.tokenId(for: "<|begin_of_text|>"))
        #expect(llama.bosTokenId == bos && llama.specialTokens.addBOS)
        #expect(llama.encode("hi", addSpecialTokens: true).first == bos)
        let tool = try #require(llama.tokenId(for: "<tool call>"))
        #expect(llama.tokenType(tool) == .userDefined && !llama.isSpecialToken(tool))
        #expect(llama.isSpecialToken(bos))
        let qwen = try TokenizerFixtures.tiny("tiny_qwen2")
        #expect(qwen.preTokenizer == .qwen2 && qwen.normalizer == .nfc)
    }

    @Test func specialTokensAreMatchedWholeAndNeverSplit() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let start = try #require(tokenizer.tokenId(for: "<|im_start|>"))
        let end = try #require(tokenizer.tokenId(for: "<|im_end|>"))
        let ids = tokenizer.encode("a<|im_start|><|im_end|>b", addSpecialTokens: false)
        #expect(ids.contains(start) && ids.contains(end))
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "ab")
        #expect(!tokenizer.encode("<|im_start", addSpecialTokens: false).contains(start))
        #expect(tokenizer.eosTokenIds.contains(end))
    }

    @Test func invalidUTF8DecodesWithReplacementCharacters() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let emoji = tokenizer.encode("🙂", addSpecialTokens: false)
        let bytes = Array("🙂".utf8)
        let byteIds = try bytes.map { try #require(tokenizer.tokenId(for: ByteLevel.encode([$0]))) }
        #expect(tokenizer.decode(emoji) == "🙂")
        #expect(tokenizer.decode(Array(byteIds.prefix(2))) == "\u{FFFD}")  // truncated sequence: one U+FFFD
        #expect(tokenizer.decode([byteIds[3], byteIds[0]]) == "\u{FFFD}\u{FFFD}")
        #expect(tokenizer.decode([-1, 1_000_000]) == "")  // ids outside the vocabulary are ignored
    }

    @Test func offsetsPointAtEachTokensText() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_qwen2")
        let text = "Héllo <|im_end|> wörld 123"
        let (ids, offsets) = tokenizer.encodeWithOffsets(text)
        #expect(ids.count == offsets.count)
        let utf8 = Array(text.utf8)
        for (index, id) in ids.enumerated() {
            let bytes = tokenizer.tokenBytes(id)
            #expect(Array(utf8[offsets[index]..<offsets[index] + bytes.count]) == bytes)
        }
    }
}

@Suite struct AddedTokenStripTests {
    struct Case: Decodable {
        var text: String
        var ids: [Int32]
    }

    struct Expected: Decodable { var cases: [Case] }

    @Test func leftAndRightStripAbsorbWhitespaceLikeHuggingFace() throws {
        let expected = try TokenizerFixtures.decode(Expected.self, "strip_expected.json")
        let tokenizer = try TokenizerFixtures.tiny("strip")
        #expect(expected.cases.count == 7)
        for item in expected.cases {
            #expect(tokenizer.encode(item.text, addSpecialTokens: false) == item.ids, "\(item.text.debugDescription)")
        }
    }
}
