// Hand-written chat template renderers (ChatML, Llama-3, R1-Zero) and their detection from a Jinja source.
// Not a Jinja engine: each case reproduces one template family's output exactly.
import Foundation

/// A chat prompt format.
///
/// ```swift
/// let template = ChatTemplate.smolLM2
/// let prompt = template.render([ChatMessage(role: .user, content: "Hi")], addGenerationPrompt: true)
/// // "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
/// // + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
/// ```
public enum ChatTemplate: Sendable, Equatable {
    /// ChatML (`<|im_start|>role\ncontent<|im_end|>\n`), used by SmolLM2 and Qwen. When the first message is
    /// not a system message and `defaultSystemPrompt` is set, a system message with it is inserted first.
    case chatML(defaultSystemPrompt: String?)
    /// Llama-3 (`<|begin_of_text|><|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>`), contents trimmed.
    case llama3
    /// DeepSeek-R1-Zero's plain-text prompt ("A conversation between User and Assistant. ... User: {prompt}.
    /// Assistant:"). A system message replaces the preamble.
    case r1Zero

    /// SmolLM2-Instruct's template.
    public static let smolLM2 = ChatTemplate.chatML(
        defaultSystemPrompt: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
    /// Qwen2.5-Instruct's template (without tool calls).
    public static let qwen2_5 = ChatTemplate.chatML(
        defaultSystemPrompt: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")

    /// The R1-Zero preamble (DeepSeek-R1 paper, Table 1), followed by " User: {prompt}. Assistant:".
    public static let r1ZeroPreamble = "A conversation between User and Assistant. The user asks a question, and the "
        + "Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides "
        + "the user with the answer. The reasoning process and answer are enclosed within <think> </think> and "
        + "<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here "
        + "</answer>."

    /// Recognises the template family of a Jinja chat template (GGUF `tokenizer.chat_template` or
    /// `tokenizer_config.json` `chat_template`).
    /// - Parameter source: the Jinja source.
    /// - Returns: the matching family, or `nil` when it is none of the supported ones. For ChatML the default
    ///   system prompt written in the template (if any) is extracted.
    public init?(detecting source: String) {
        if source.contains("<|start_header_id|>") {
            self = .llama3
        } else if source.contains("<|im_start|>") {
            self = .chatML(defaultSystemPrompt: Self.defaultSystemPrompt(inChatML: source))
        } else if source.contains("A conversation between User and Assistant") {
            self = .r1Zero
        } else {
            return nil
        }
    }

    /// The template for a tokenizer: detected from its chat template source, else from its special tokens.
    /// - Parameter tokenizer: a loaded tokenizer.
    /// - Returns: the family, or `nil` when neither the source nor the vocabulary identifies one.
    public init?(for tokenizer: some Tokenizer) {
        if let source = tokenizer.chatTemplateSource, let detected = ChatTemplate(detecting: source) {
            self = detected
        } else if tokenizer.tokenId(for: "<|im_start|>") != nil {
            self = .chatML(defaultSystemPrompt: nil)
        } else if tokenizer.tokenId(for: "<|start_header_id|>") != nil {
            self = .llama3
        } else {
            return nil
        }
    }

    /// Finds a literal system prompt in `<|im_start|>system\n...<|im_end|>` inside a ChatML Jinja source
    /// (newline written literally or as `\n`); parts built from variables are ignored.
    static func defaultSystemPrompt(inChatML source: String) -> String? {
        var rest = source[...]
        while let start = rest.range(of: "<|im_start|>system") {
            var tail = rest[start.upperBound...]
            if tail.hasPrefix("\\n") { tail = tail.dropFirst(2) } else if tail.hasPrefix("\n") { tail = tail.dropFirst() }
            if let end = tail.range(of: "<|im_end|>") {
                let candidate = tail[..<end.lowerBound]
                if !candidate.isEmpty && !candidate.contains(where: { "'\"{}+".contains($0) }) {
                    return String(candidate).replacingOccurrences(of: "\\n", with: "\n")
                }
            }
            rest = rest[start.upperBound...]
        }
        return nil
    }

    /// Renders a conversation as text.
    /// - Parameters:
    ///   - messages: the conversation.
    ///   - addGenerationPrompt: end with the header that opens an assistant turn (ChatML, Llama-3). R1-Zero
    ///     always ends a user turn with "Assistant:".
    /// - Returns: the prompt text, with special tokens written out.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        segments(messages, addGenerationPrompt: addGenerationPrompt).map(\.text).joined()
    }

    /// Text pieces of a rendering; `assistant` marks assistant content and its end-of-turn marker.
    func segments(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> [(text: String, assistant: Bool)] {
        var out: [(text: String, assistant: Bool)] = []
        switch self {
        case let .chatML(defaultSystemPrompt):
            if let defaultSystemPrompt, let first = messages.first, first.role != .system {
                out.append(("<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n", false))
            }
            for message in messages {
                out.append(("<|im_start|>\(message.role.rawValue)\n", false))
                if message.role == .assistant {
                    out.append((message.content + "<|im_end|>", true))
                    out.append(("\n", false))
                } else {
                    out.append((message.content + "<|im_end|>\n", false))
                }
            }
            if addGenerationPrompt { out.append(("<|im_start|>assistant\n", false)) }
        case .llama3:
            out.append(("<|begin_of_text|>", false))
            for message in messages {
                out.append(("<|start_header_id|>\(message.role.rawValue)<|end_header_id|>\n\n", false))
                let content = message.content.trimmingCharacters(in: .whitespacesAndNewlines)
                out.append((content + "<|eot_id|>", message.role == .assistant))
            }
            if addGenerationPrompt { out.append(("<|start_header_id|>assistant<|end_header_id|>\n\n", false)) }
        case .r1Zero:
            let system = messages.first { $0.role == .system }?.content
            out.append((system ?? Self.r1ZeroPreamble, false))
            for message in messages where message.role != .system {
                if message.role == .user {
                    out.append((" User: \(message.content). Assistant:", false))
                } else {
                    out.append((" " + message.content, true))
                }
            }
        }
        return out
    }
}
