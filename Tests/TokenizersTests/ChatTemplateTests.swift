// Chat templates against jinja2 renderings of the real templates (Fixtures/tokenizer/chat_expected.json),
// the R1-Zero prompt text, detection, and the SFT loss mask.
import Foundation
import Testing
import Tokenizers

@Suite struct ChatTemplateTests {
    struct Message: Decodable {
        var role: String
        var content: String
    }

    struct Case: Decodable {
        var messages: [Message]
        var add_generation_prompt: Bool
        var smollm2: String
        var llama3: String
    }

    struct Expected: Decodable {
        var smollm2_template: String
        var cases: [Case]
    }

    static func messages(_ list: [Message]) -> [ChatMessage] {
        list.map { ChatMessage(role: ChatRole(rawValue: $0.role) ?? .user, content: $0.content) }
    }

    @Test func smolLM2AndLlama3MatchJinja() throws {
        let expected = try TokenizerFixtures.decode(Expected.self, "chat_expected.json")
        #expect(expected.cases.count == 8)
        for item in expected.cases {
            let messages = Self.messages(item.messages)
            #expect(ChatTemplate.smolLM2.render(messages, addGenerationPrompt: item.add_generation_prompt) == item.smollm2)
            #expect(ChatTemplate.llama3.render(messages, addGenerationPrompt: item.add_generation_prompt) == item.llama3)
        }
    }

    @Test func detectsFamiliesFromTemplateSource() throws {
        let expected = try TokenizerFixtures.decode(Expected.self, "chat_expected.json")
        #expect(ChatTemplate(detecting: expected.smollm2_template) == .smolLM2)
        // Qwen-style source: the system prompt is written with an escaped newline inside a Jinja string.
        let qwen = #"{%- if tools %}{{- '<|im_start|>system\n' }}{%- if messages[0]['role'] == 'system' %}"#
            + #"{{- messages[0]['content'] }}{%- endif %}{%- else %}{%- if messages[0]['role'] != 'system' %}"#
            + #"{{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}"#
            + #"{%- endif %}{%- endif %}"#
        #expect(ChatTemplate(detecting: qwen) == .qwen2_5)
        #expect(ChatTemplate(detecting: "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}")
                == .chatML(defaultSystemPrompt: nil))
        #expect(ChatTemplate(detecting: "{{ bos_token }}<|start_header_id|>") == .llama3)
        #expect(ChatTemplate(detecting: "[INST] {{ content }} [/INST]") == nil)
    }

    @Test func r1ZeroPrompt() {
        let text = ChatTemplate.r1Zero.render([ChatMessage(role: .user, content: "What is 2 + 3")], addGenerationPrompt: true)
        #expect(text == "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
            + "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. "
            + "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, "
            + "respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
            + "User: What is 2 + 3. Assistant:")
        let answered = ChatTemplate.r1Zero.render(
            [ChatMessage(role: .user, content: "Q"), ChatMessage(role: .assistant, content: "<think> t </think> <answer> 5 </answer>")],
            addGenerationPrompt: false)
        #expect(answered.hasSuffix("User: Q. Assistant: <think> t </think> <answer> 5 </answer>"))
    }

    @Test func lossMaskCoversAssistantContentAndEndOfTurn() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let messages = [ChatMessage(role: .user, content: "What is 12 + 7?"),
                        ChatMessage(role: .assistant, content: "It's 19."),
                        ChatMessage(role: .user, content: "And 3 * 4?"),
                        ChatMessage(role: .assistant, content: " 12 \n")]
        let sample = ChatTemplate.smolLM2.tokenize(messages, addGenerationPrompt: false, tokenizer: tokenizer)
        let text = ChatTemplate.smolLM2.render(messages, addGenerationPrompt: false)
        #expect(sample.ids == tokenizer.encode(text, addSpecialTokens: false))
        #expect(sample.lossMask.count == sample.ids.count)
        // Masked tokens, grouped into runs, decode to each assistant content plus its <|im_end|>.
        var runs: [[Int32]] = []
        var previous: Int32 = 0
        for (id, mask) in zip(sample.ids, sample.lossMask) {
            if mask == 1 { if previous == 0 { runs.append([]) }; runs[runs.count - 1].append(id) }
            previous = mask
        }
        #expect(runs.map { tokenizer.decode($0) } == ["It's 19.<|im_end|>", " 12 \n<|im_end|>"])
    }

    @Test func r1ZeroMaskAppendsEndOfSequence() throws {
        let tokenizer = try TokenizerFixtures.tiny("tiny_smollm")
        let eos = try #require(tokenizer.tokenId(for: "<|endoftext|>"))
        let messages = [ChatMessage(role: .user, content: "2+2"), ChatMessage(role: .assistant, content: "<answer> 4 </answer>")]
        let sample = ChatTemplate.r1Zero.tokenize(messages, addGenerationPrompt: false, tokenizer: tokenizer, endOfSequence: eos)
        #expect(sample.ids.last == eos && sample.lossMask.last == 1)
        let masked = zip(sample.ids, sample.lossMask).filter { $0.1 == 1 }.map(\.0)
        #expect(tokenizer.decode(masked) == " <answer> 4 </answer><|endoftext|>")
        let prompt = ChatTemplate.r1Zero.tokenize(Array(messages.prefix(1)), addGenerationPrompt: true, tokenizer: tokenizer)
        #expect(prompt.lossMask.allSatisfy { $0 == 0 })
        #expect(tokenizer.decode(prompt.ids).hasSuffix("User: 2+2. Assistant:"))
    }
}
