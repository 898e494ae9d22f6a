// Streaming decode equals whole-sequence decode and never emits half a character.
import Testing
import Tokenizers

@Suite struct IncrementalDecoderTests {
    @Test func streamingEqualsWholeDecode() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let (corpus, all) = try TokenizerFixtures.tinyExpected()
        var sequences = corpus.map { tokenizer.encode($0, addSpecialTokens: false) }
        sequences += try #require(all["tiny_smollm"]).decode_cases.map(\.ids)
        for ids in sequences {
            for skip in [false, true] {
                var stream = IncrementalDecoder(tokenizer: tokenizer, skipSpecialTokens: skip)
                var text = ""
                for id in ids { text += stream.append(id) }
                text += stream.finish()
                #expect(sameScalars(text, tokenizer.decode(ids, skipSpecialTokens: skip)), "\(ids)")
            }
        }
    }

    @Test func waitsForTheRestOfACharacter() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let byteIds = try Array("🙂".utf8).map { try #require(tokenizer.tokenId(for: ByteLevel.encode([$0]))) }
        var stream = IncrementalDecoder(tokenizer: tokenizer)
        #expect(stream.append(byteIds[0]) == "")
        #expect(stream.append(byteIds[1]) == "")
        #expect(stream.append(byteIds[2]) == "")
        #expect(stream.append(byteIds[3]) == "🙂")
        #expect(stream.append(byteIds[0]) == "")
        #expect(stream.finish() == "\u{FFFD}")
    }
}
