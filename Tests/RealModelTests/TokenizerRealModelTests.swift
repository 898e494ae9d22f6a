// The tokenizer of the real SmolLM2-135M-Instruct GGUF against Hugging Face `tokenizers` ids
// (Fixtures/tokenizer/smollm2_expected.json, written by Scripts/fixtures/tokenizer_reference.py),
// plus chat-template detection and encode throughput on ~1 MB of text.
import Foundation
import ModelFormats
import Testing
import Tokenizers

@Suite struct TokenizerRealModelTests {
    struct DecodeCase: Decodable {
        var ids: [Int32]
        var text: String
    }

    struct Expected: Decodable {
        var corpus: [String]
        var ids: [[Int32]]
        var decoded_skip_special: [String]
        var decode_cases: [DecodeCase]
    }

    static func expected() throws -> Expected {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/tokenizer/smollm2_expected.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    /// Loaded once and shared by the tests of this suite.
    private static let shared = Result { try BPETokenizer(gguf: GGUFFile(url: ModelLocator.smolLM2())) }

    static func tokenizer() throws -> BPETokenizer { try shared.get() }

    /// CPU time of the calling thread in seconds (wall-clock time is meaningless on a loaded 2-core machine).
    static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func same(_ a: String, _ b: String) -> Bool { Array(a.unicodeScalars) == Array(b.unicodeScalars) }

    @Test func everyIdMatchesHuggingFace() throws {
        let expected = try Self.expected()
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.vocabularySize == 49152)
        #expect(expected.corpus.count > 40)
        for (text, ids) in zip(expected.corpus, expected.ids) {
            #expect(tokenizer.encode(text, addSpecialTokens: false) == ids, "\(text.debugDescription)")
            // SmolLM2's GGUF sets add_bos_token = false: nothing is added around sequences.
            #expect(tokenizer.encode(text, addSpecialTokens: true) == ids)
        }
    }

    @Test func decodeMatchesHuggingFaceAndInvertsEncode() throws {
        let expected = try Self.expected()
        let tokenizer = try Self.tokenizer()
        for (index, text) in expected.corpus.enumerated() {
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(Self.same(tokenizer.decode(ids, skipSpecialTokens: false), text), "\(text.debugDescription)")
            #expect(Self.same(tokenizer.decode(ids, skipSpecialTokens: true), expected.decoded_skip_special[index]))
        }
        for item in expected.decode_cases {
            #expect(Self.same(tokenizer.decode(item.ids, skipSpecialTokens: false), item.text), "\(item.ids)")
        }
    }

    @Test func specialTokensAndChatTemplate() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokenId(for: "<|im_start|>") == 1)
        #expect(tokenizer.tokenId(for: "<|im_end|>") == 2)
        #expect(tokenizer.eosTokenId == 2)
        #expect(tokenizer.eosTokenIds == [0, 2])
        #expect(tokenizer.bosTokenId == 1 && tokenizer.padTokenId == 2)
        #expect((0..<17).allSatisfy { tokenizer.isSpecialToken(Int32($0)) })
        #expect(!tokenizer.isSpecialToken(17))
        #expect(tokenizer.preTokenizer == .smolLM)
        let template = try #require(ChatTemplate(for: tokenizer))
        #expect(template == .smolLM2)
        let messages = [ChatMessage(role: .user, content: "What is 12 + 7?"),
                        ChatMessage(role: .assistant, content: "<think> 12 + 7 = 19 </think> 19")]
        let sample = template.tokenize(messages, addGenerationPrompt: false, tokenizer: tokenizer)
        #expect(sample.ids == tokenizer.encode(template.render(messages, addGenerationPrompt: false), addSpecialTokens: false))
        let masked = zip(sample.ids, sample.lossMask).filter { $0.1 == 1 }.map(\.0)
        #expect(tokenizer.decode(masked) == "<think> 12 + 7 = 19 </think> 19<|im_end|>")
    }

    /// About 1 MB of text built from the vocabulary's own words with numbers, punctuation and newlines.
    static func benchmarkText(_ tokenizer: BPETokenizer, bytes target: Int) -> String {
        var words: [String] = []
        for id in 0..<Int32(tokenizer.vocabularySize) {
            let piece = tokenizer.piece(for: id) ?? ""
            if piece.hasPrefix("Ġ"), piece.count > 1, piece.dropFirst().allSatisfy(\.isLetter) {
                words.append(String(piece.dropFirst()))
            }
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var text = ""
        text.reserveCapacity(target + 64)
        let punctuation = [".", ",", "!", "?", ":", ";", " (", ")", " =", " +", " $", "%"]
        while text.utf8.count < target {
            let roll = next(100)
            if roll < 80 { text += " " + words[next(words.count)] }
            else if roll < 90 { text += " " + String(next(100_000)) }
            else if roll < 97 { text += punctuation[next(punctuation.count)] }
            else { text += "\n" }
        }
        return text
    }

    @Test func encodeThroughput() throws {
        let tokenizer = try Self.tokenizer()
        let text = Self.benchmarkText(tokenizer, bytes: 1 << 20)
        let megabytes = Double(text.utf8.count) / 1_000_000
        var best = Double.infinity
        var bestCPU = Double.infinity
        var ids: [Int32] = []
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let startCPU = Self.threadCPUTime()
            ids = tokenizer.encode(text, addSpecialTokens: false)
            bestCPU = min(bestCPU, Self.threadCPUTime() - startCPU)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("tokenizer encode: \(String(format: "%.2f", megabytes)) MB, \(ids.count) tokens, best of 3: "
              + "\(String(format: "%.1f", megabytes / bestCPU)) MB/s CPU time, \(String(format: "%.1f", megabytes / best)) MB/s wall")
        #expect(tokenizer.decode(ids) == text)
        #expect(ids.count > 100_000)
    }
}
