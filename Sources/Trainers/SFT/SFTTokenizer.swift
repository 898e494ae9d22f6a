// SFTTokenizer: turns SFT records into token ids with a per-token loss mask, as TRL's SFTTrainer prepares
// its dataset:
//   conversation            → chat template; mask = assistant content + its end-of-turn token
//                             (`assistant_only_loss`), else every token
//   prompt/completion text  → tokens of prompt + completion + EOS, not templated; mask = tokens after the
//                             prompt's own tokens (`completion_only_loss`), else every token
//   conversational p/c      → chat template over prompt + completion messages; mask = tokens after the
//                             prompt rendered with the generation prompt (`completion_only_loss`), further
//                             restricted to assistant tokens when `assistant_only_loss` is set
//   text                    → tokens + EOS, every token
// then truncation to `max_length` from the right. Position 0 is never a target (nothing predicts it).
import Foundation
import Tokenizers

/// Renders and tokenizes SFT records.
///
/// ```swift
/// let sft = SFTTokenizer(tokenizer: tokenizer, template: .smolLM2, configuration: configuration)
/// let example = sft.example(for: .conversation(messages))
/// ```
public struct SFTTokenizer: Sendable {
    /// The tokenizer.
    public let tokenizer: any Tokenizer
    /// The chat template of conversations.
    public let template: ChatTemplate
    /// Loss only on assistant tokens of conversations.
    public var assistantOnlyLoss: Bool
    /// Loss only on completions of prompt/completion records.
    public var completionOnlyLoss: Bool
    /// Longest example in tokens (longer ones are truncated from the right).
    public var maxLength: Int

    /// Creates a renderer.
    /// - Parameters:
    ///   - tokenizer: the model's tokenizer.
    ///   - template: the chat template for conversations.
    ///   - configuration: supplies `assistant_only_loss`, `completion_only_loss` and `max_length`.
    public init(tokenizer: any Tokenizer, template: ChatTemplate, configuration: SFTConfiguration) {
        self.tokenizer = tokenizer
        self.template = template
        assistantOnlyLoss = configuration.assistantOnlyLoss
        completionOnlyLoss = configuration.completionOnlyLoss
        maxLength = configuration.maxLength
    }

    /// The chat template a configuration selects for a tokenizer: `auto` is the tokenizer's own template if
    /// recognised, else R1-Zero (base models).
    /// - Parameters:
    ///   - choice: the configured template.
    ///   - tokenizer: the model's tokenizer.
    /// - Returns: the template.
    public static func template(_ choice: SFTChatTemplateChoice, tokenizer: some Tokenizer) -> ChatTemplate {
        switch choice {
        case .auto: return ChatTemplate(for: tokenizer) ?? .r1Zero
        case .chatml:
            if case let .chatML(system)? = ChatTemplate(for: tokenizer) { return .chatML(defaultSystemPrompt: system) }
            return .chatML(defaultSystemPrompt: nil)
        case .llama3: return .llama3
        case .r1Zero: return .r1Zero
        }
    }

    /// Tokens and loss mask of one record, truncated to `maxLength`.
    /// - Parameter record: the record.
    /// - Returns: the example (its `lossMask[0]` is false).
    public func example(for record: SFTRecord) -> SFTExample {
        var tokens: [Int32]
        var mask: [Bool]
        switch record {
        case let .conversation(messages):
            let rendered = template.tokenize(messages, addGenerationPrompt: false, tokenizer: tokenizer)
            tokens = rendered.ids
            mask = assistantOnlyLoss ? rendered.lossMask.map { $0 != 0 } : [Bool](repeating: true, count: tokens.count)
        case let .promptCompletion(prompt, completion):
            let promptCount = tokenizer.encode(prompt, addSpecialTokens: true).count
            tokens = withEOS(tokenizer.encode(prompt + completion, addSpecialTokens: true))
            mask = tokens.indices.map { !completionOnlyLoss || $0 >= promptCount }
        case let .conversationalPromptCompletion(prompt, completion):
            let promptCount = template.tokenize(prompt, addGenerationPrompt: true, tokenizer: tokenizer).ids.count
            let rendered = template.tokenize(prompt + completion, addGenerationPrompt: false, tokenizer: tokenizer)
            tokens = rendered.ids
            mask = tokens.indices.map { i in
                (!completionOnlyLoss || i >= promptCount) && (!assistantOnlyLoss || rendered.lossMask[i] != 0)
            }
        case let .text(text):
            tokens = withEOS(tokenizer.encode(text, addSpecialTokens: true))
            mask = [Bool](repeating: true, count: tokens.count)
        }
        if tokens.count > maxLength {
            tokens.removeLast(tokens.count - maxLength)
            mask.removeLast(mask.count - maxLength)
        }
        if !mask.isEmpty { mask[0] = false }
        return SFTExample(tokens: tokens, lossMask: mask)
    }

    /// `ids` followed by the tokenizer's EOS unless it already ends with it (TRL appends EOS to
    /// non-conversational text).
    func withEOS(_ ids: [Int32]) -> [Int32] {
        guard let eos = tokenizer.eosTokenId, ids.last != eos else { return ids }
        return ids + [eos]
    }
}
