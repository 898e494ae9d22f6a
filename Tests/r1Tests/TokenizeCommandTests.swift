// `r1 tokenize` against ids produced by Hugging Face `tokenizers` (Fixtures/tokenizer/tiny_expected.json,
// written by Scripts/fixtures/tokenizer_reference.py) and on CharacterTokenizer.
import Foundation
import Testing
import Tokenizers
@testable import r1

@Suite struct TokenizeCommandTests {
    struct Expected: Decodable {
        struct Tiny: Decodable { var vocab_size: Int; var ids: [[Int32]] }
        var tiny_smollm: Tiny
        var corpus: [String]
    }

    struct Output: Decodable {
        var ids: [Int32]
        var pieces: [String]
        var texts: [String]
        var decoded: String
        var round_trip: Bool
        var vocabulary_size: Int
    }

    static let tokenizerPath = CLITestSupport.fixtures.appendingPathComponent("tokenizer/tiny_smollm/tokenizer.json").path

    @Test func idsMatchHuggingFace() throws {
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: CLITestSupport.fixtures.appendingPathComponent("tokenizer/tiny_expected.json")))
        for (i, text) in expected.corpus.prefix(6).enumerated() {
            let command = try TokenizeCommand.parse(["--tokenizer", Self.tokenizerPath, text, "--no-special", "--json"])
            let out = try JSONDecoder().decode(Output.self, from: Data(try command.output(with: try command.loadTokenizer()).utf8))
            #expect(out.ids == expected.tiny_smollm.ids[i], "corpus[\(i)] = \(text.debugDescription)")
            #expect(out.vocabulary_size == expected.tiny_smollm.vocab_size)
            #expect(out.pieces.count == out.ids.count && out.texts.joined() == out.decoded)
            #expect(out.round_trip == (out.decoded == text))
        }
    }

    @Test func characterTokenizerTable() throws {
        let command = try TokenizeCommand.parse(["--tokenizer", "unused.json", "<think>ab"])
        let tokenizer = CharacterTokenizer()
        let text = try command.output(with: tokenizer)
        let think = try #require(tokenizer.tokenId(for: "<think>"))
        let a = try #require(tokenizer.tokenId(for: "a")), b = try #require(tokenizer.tokenId(for: "b"))
        let bos = try #require(tokenizer.bosTokenId)
        let ids = tokenizer.encode("<think>ab", addSpecialTokens: true)
        #expect(ids.suffix(3) == [think, a, b])
        #expect(text.hasPrefix("\(ids.count) tokens (vocabulary \(tokenizer.vocabularySize))\n"))
        #expect(text.contains("ids: " + ids.map(String.init).joined(separator: " ")))
        #expect(text.contains("round trip: ok"))
        let noSpecial = try TokenizeCommand.parse(["--tokenizer", "unused.json", "<think>ab", "--no-special"]).tokenize(with: tokenizer)
        #expect(noSpecial.ids == [think, a, b])
        #expect(ids.count == 3 || ids.first == bos)
    }

    @Test func exactlyOneTokenizerSource() {
        for arguments in [["hi"], ["--model", "m.gguf", "--tokenizer", "t.json", "hi"]] {
            do {
                _ = try TokenizeCommand.parse(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(TokenizeCommand.message(for: error) == "give exactly one of --model PATH and --tokenizer tokenizer.json")
            }
        }
    }

    @Test func missingModelIsACLIError() throws {
        let command = try TokenizeCommand.parse(["--model", "/nonexistent/model", "hi"])
        #expect(throws: CLIError.notAModel(path: "/nonexistent/model")) { _ = try command.loadTokenizer() }
    }

    @Test func unreadableTokenizerIsATokenizerError() throws {
        let command = try TokenizeCommand.parse(["--tokenizer", "/nonexistent/tokenizer.json", "hi"])
        #expect(throws: TokenizerError.self) { _ = try command.loadTokenizer() }
    }
}
