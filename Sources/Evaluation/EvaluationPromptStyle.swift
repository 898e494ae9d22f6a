// EvaluationPromptStyle: how a problem becomes prompt text — the task's R1-Zero prompt (base models) or the
// question as a user turn of the model's chat template (instruct models).

import Rewards
import Tokenizers

/// How a task example is rendered into the prompt the model completes.
public enum EvaluationPromptStyle: Sendable, Equatable {
    /// The task's own prompt: DeepSeek-R1-Zero's template ("A conversation between User and Assistant. …").
    case r1Zero
    /// The question as a user message of a chat template, after an optional system message, with an instruction
    /// appended (nil: the default instruction for the task kind, see `defaultInstruction(for:)`).
    case chat(ChatTemplate, system: String?, instruction: String?)

    /// R1's evaluation instruction for math, and a code-block instruction for code; nil for other kinds.
    /// - Parameter kind: the example's task kind.
    /// - Returns: the text appended to the question.
    public static func defaultInstruction(for kind: TaskKind) -> String? {
        switch kind {
        case .math: return "Please reason step by step, and put your final answer within \\boxed{}."
        case .code: return "Write the complete Python solution in a ```python code block."
        case .countdown, .generic: return nil
        }
    }

    /// The prompt text of an example.
    /// - Parameters:
    ///   - example: the problem.
    ///   - task: the task (supplies the R1-Zero prompt).
    /// - Returns: the text to tokenize.
    public func render(_ example: RewardExample, task: any VerifiableTask) -> String {
        switch self {
        case .r1Zero:
            return task.prompt(for: example)
        case let .chat(template, system, instruction):
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: .system, content: system)) }
            var question = example.prompt
            if let extra = instruction ?? Self.defaultInstruction(for: example.kind) { question += "\n" + extra }
            messages.append(ChatMessage(role: .user, content: question))
            return template.render(messages, addGenerationPrompt: true)
        }
    }

    /// Whether the tokenizer should add its sequence special tokens (BOS) when encoding the rendered prompt:
    /// yes for the plain-text R1-Zero prompt, no for chat templates (they write their own special tokens).
    public var addsSpecialTokens: Bool { self == .r1Zero }

    /// A stable name for reports and resume checks ("r1-zero", "chat/chatml[default system: …]", "chat/llama3").
    public var name: String {
        switch self {
        case .r1Zero: return "r1-zero"
        case let .chat(template, system, instruction):
            let family: String
            switch template {
            case let .chatML(defaultSystem): family = "chatml" + (defaultSystem.map { "[default system: \($0)]" } ?? "")
            case .llama3: family = "llama3"
            case .r1Zero: family = "r1-zero-chat"
            }
            return "chat/\(family)" + (system.map { " system: \($0)" } ?? "") + (instruction.map { " instruction: \($0)" } ?? "")
        }
    }
}
