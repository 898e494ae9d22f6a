// The hand-written split scanners against Hugging Face `tokenizers` pre-tokenization of fuzz strings.
import Foundation
import Testing
import Tokenizers

@Suite struct PreTokenizerTests {
    struct Expected: Decodable {
        var texts: [String]
        var gpt2: [[String]]
        var llama3: [[String]]
        var qwen2: [[String]]
        var smollm: [[String]]
    }

    static let rules: [(String, PreTokenizer)] = [
        ("gpt2", .gpt2), ("llama3", .llama3), ("qwen2", .qwen2), ("smollm", .smolLM),
    ]

    @Test(arguments: ["gpt2", "llama3", "qwen2", "smollm"])
    func matchesHuggingFace(_ name: String) throws {
        let expected = try TokenizerFixtures.decode(Expected.self, "pretokenizer_expected.json")
        let rule = try #require(Self.rules.first { $0.0 == name }?.1)
        let reference: [[String]]
        switch name {
        case "gpt2": reference = expected.gpt2
        case "llama3": reference = expected.llama3
        case "qwen2": reference = expected.qwen2
        default: reference = expected.smollm
        }
        #expect(expected.texts.count > 300)
        var mismatches = 0
        for (text, pieces) in zip(expected.texts, reference) {
            let got = rule.split(text)
            let same = got.count == pieces.count && zip(got, pieces).allSatisfy { sameScalars($0, $1) }
            if !same {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name): \(text.debugDescription) → \(got.map(\.debugDescription)) expected \(pieces.map(\.debugDescription))")
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func smolLMIsolatesEveryDigit() {
        #expect(PreTokenizer.smolLM.split("   123") == ["   ", "1", "2", "3"])
        #expect(PreTokenizer.gpt2.split("   123") == ["  ", " 123"])
        #expect(PreTokenizer.llama3.split("12345 abc") == ["123", "45", " abc"])
        #expect(PreTokenizer.qwen2.split("12 ab") == ["1", "2", " ab"])
    }

    @Test func contractionsAreCaseSensitiveOnlyInGPT2() {
        #expect(PreTokenizer.gpt2.split("it's IT'S") == ["it", "'s", " IT", "'", "S"])
        #expect(PreTokenizer.llama3.split("it's IT'S") == ["it", "'s", " IT", "'S"])
    }

    @Test func ggufNames() throws {
        #expect(try PreTokenizer(ggufName: "smollm") == .smolLM)
        #expect(try PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(try PreTokenizer(ggufName: "qwen2") == .qwen2)
        #expect(try PreTokenizer(ggufName: "default") == .gpt2)
        #expect(throws: TokenizerError.self) { try PreTokenizer(ggufName: "falcon") }
    }

    @Test func patternsAreRecognisedByTheirRegexSource() {
        for pattern in SplitPattern.allCases { #expect(SplitPattern(regex: pattern.regex) == pattern) }
        #expect(SplitPattern(regex: "\\w+") == nil)
    }
}
