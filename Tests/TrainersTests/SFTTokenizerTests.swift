// SFT tokenization: the ChatML assistant-only mask equals, token by token, the mask Scripts/fixtures/
// sft_assistant_mask.py computes with jinja2 + Hugging Face tokenizers (transformers' assistant-mask rule);
// prompt/completion masks, R1-Zero EOS, truncation.
import Foundation
import Testing
import Tokenizers
@testable import Trainers

@Suite struct SFTTokenizerTests {
    struct Fixture: Decodable {
        struct Conversation: Decodable {
            let messages: [ChatMessage]
            let text: String
            let ids: [Int32]
            let assistant_mask: [Int]
        }
        struct PromptCompletion: Decodable {
            let prompt: [ChatMessage]
            let completion: [ChatMessage]
            let ids: [Int32]
            let completion_mask: [Int]
            let completion_assistant_mask: [Int]
        }
        let conversations: [Conversation]
        let prompt_completions: [PromptCompletion]
    }

    static let fixtures = SFTConfigurationTests.repository.appendingPathComponent("Fixtures")

    static func smolTokenizer() throws -> BPETokenizer {
        try BPETokenizer(tokenizerJSON: fixtures.appendingPathComponent("tokenizer/tiny_smollm/tokenizer.json"))
    }

    static func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("sft/chatml_masks.json")))
    }

    static func renderer(_ tokenizer: some Tokenizer, _ edit: (inout SFTConfiguration) -> Void = { _ in }) -> SFTTokenizer {
        var c = SFTConfiguration()
        edit(&c)
        return SFTTokenizer(tokenizer: tokenizer, template: SFTTokenizer.template(c.chatTemplate, tokenizer: tokenizer), configuration: c)
    }

    @Test func chatMLAssistantMaskMatchesReference() throws {
        let tokenizer = try Self.smolTokenizer()
        let renderer = Self.renderer(tokenizer)
        #expect(renderer.template == .smolLM2)
        for conversation in try Self.fixture().conversations {
            #expect(renderer.template.render(conversation.messages, addGenerationPrompt: false) == conversation.text)
            let example = renderer.example(for: .conversation(conversation.messages))
            #expect(example.tokens == conversation.ids)
            // Position 0 is never a target; the reference never marks it either.
            #expect(example.lossMask.map { $0 ? 1 : 0 } == conversation.assistant_mask, "\(conversation.text)")
        }
    }

    @Test func conversationalPromptCompletionMasksMatchReference() throws {
        let tokenizer = try Self.smolTokenizer()
        for case let (assistantOnly, key) in [(true, "completion_assistant_mask"), (false, "completion_mask")] {
            let renderer = Self.renderer(tokenizer) { $0.assistantOnlyLoss = assistantOnly }
            for row in try Self.fixture().prompt_completions {
                let example = renderer.example(for: .conversationalPromptCompletion(prompt: row.prompt, completion: row.completion))
                #expect(example.tokens == row.ids)
                let expected = key == "completion_mask" ? row.completion_mask : row.completion_assistant_mask
                #expect(example.lossMask.map { $0 ? 1 : 0 } == expected)
            }
        }
    }

    @Test func allTokensWhenAssistantOnlyLossIsOff() throws {
        let tokenizer = try Self.smolTokenizer()
        let renderer = Self.renderer(tokenizer) { $0.assistantOnlyLoss = false }
        let conversation = try Self.fixture().conversations[0]
        let example = renderer.example(for: .conversation(conversation.messages))
        #expect(example.lossMask == [false] + [Bool](repeating: true, count: conversation.ids.count - 1))
    }

    @Test func plainPromptCompletionAppendsEOSAndMasksThePrompt() {
        let tokenizer = CharacterTokenizer()
        let renderer = Self.renderer(tokenizer)
        let example = renderer.example(for: .promptCompletion(prompt: "Q: 1+1=", completion: " 2"))
        let prompt = tokenizer.encode("Q: 1+1=", addSpecialTokens: true)
        #expect(example.tokens == tokenizer.encode("Q: 1+1= 2", addSpecialTokens: true) + [2])
        #expect(example.lossMask == [Bool](repeating: false, count: prompt.count) + [true, true, true])
        let everything = Self.renderer(tokenizer) { $0.completionOnlyLoss = false }.example(for: .promptCompletion(prompt: "ab", completion: "c"))
        #expect(everything.lossMask == [false] + [Bool](repeating: true, count: everything.tokens.count - 1))
        let text = renderer.example(for: .text("hi"))
        #expect(text.tokens == tokenizer.encode("hi", addSpecialTokens: true) + [2] && text.lossMask.dropFirst().allSatisfy { $0 })
    }

    @Test func r1ZeroForBaseTokenizersWithEOSInTheLoss() {
        let tokenizer = CharacterTokenizer()
        let renderer = Self.renderer(tokenizer)
        #expect(renderer.template == .r1Zero)
        let messages = [ChatMessage(role: .system, content: "S"), ChatMessage(role: .user, content: "q"),
                        ChatMessage(role: .assistant, content: "ab")]
        let example = renderer.example(for: .conversation(messages))
        let text = "S User: q. Assistant: ab"
        #expect(example.tokens == tokenizer.encode(text, addSpecialTokens: false) + [2])
        // Targets: " ", "a", "b" (the assistant segment is " " + content) and EOS.
        let expected = [Bool](repeating: false, count: text.count - 3) + [true, true, true, true]
        #expect(example.lossMask == expected)
    }

    @Test func truncationKeepsTheStart() throws {
        let tokenizer = try Self.smolTokenizer()
        let conversation = try Self.fixture().conversations[1]
        let renderer = Self.renderer(tokenizer) { $0.maxLength = 40 }
        let example = renderer.example(for: .conversation(conversation.messages))
        #expect(example.tokens == Array(conversation.ids.prefix(40)))
        #expect(example.lossMask.map { $0 ? 1 : 0 } == Array(conversation.assistant_mask.prefix(40)))
    }
}
