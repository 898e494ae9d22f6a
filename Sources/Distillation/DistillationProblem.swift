// DistillationProblem: one prompt to distill (a task example with a reference answer) and how it is put to the
// teacher as a conversation (optional system message, question, instruction).
import Rewards
import Tokenizers

/// A problem of the distillation set: its stable index and id, and the example the verifier scores against.
public struct DistillationProblem: Sendable, Equatable {
    /// Position in the problem list (seeds derive from it).
    public var index: Int
    /// Unique id, written into every output line as `prompt_id` (resume skips ids already done).
    public var id: String
    /// The example (question, gold answer, task kind).
    public var example: RewardExample

    /// Creates a problem.
    public init(index: Int, id: String, example: RewardExample) {
        self.index = index
        self.id = id
        self.example = example
    }

    /// Problems from examples, in order; ids are the examples' ids (or `row-<index>`), made unique with `#<index>`.
    /// - Parameter examples: the examples.
    /// - Returns: the problems.
    public static func list(_ examples: [RewardExample]) -> [DistillationProblem] {
        var seen = Set<String>()
        return examples.enumerated().map { i, e in
            var id = e.id ?? "row-\(i)"
            if seen.contains(id) { id += "#\(i)" }
            seen.insert(id)
            return DistillationProblem(index: i, id: id, example: e)
        }
    }
}

/// How a problem becomes the teacher's conversation: `[system?, user: question + "\n" + instruction]`.
public struct DistillationPromptStyle: Codable, Sendable, Equatable {
    /// System message, if any.
    public var system: String?
    /// Text appended to the question on a new line; nil uses `defaultInstruction(for:)`, "" appends nothing.
    public var instruction: String?

    /// Asks for the R1 layout that the `format` reward checks.
    public static let r1FormatInstruction = "Think through the problem inside <think> </think> tags, then give only the final "
        + "answer inside <answer> </answer> tags, in the form <think>\nreasoning\n</think>\n<answer>\nanswer\n</answer>."

    /// Creates a style.
    public init(system: String? = nil, instruction: String? = nil) {
        self.system = system
        self.instruction = instruction
    }

    /// R1's evaluation instruction for math ("… within \\boxed{}"), a code-block instruction for code, none otherwise.
    /// - Parameter kind: the task kind.
    /// - Returns: the instruction, or nil.
    public static func defaultInstruction(for kind: TaskKind) -> String? {
        switch kind {
        case .math: return "Please reason step by step, and put your final answer within \\boxed{}."
        case .code: return "Write the complete Python solution in a ```python code block."
        case .countdown, .generic: return nil
        }
    }

    /// The conversation for an example.
    /// - Parameter example: the problem's example.
    /// - Returns: messages ending with the user question.
    public func messages(for example: RewardExample) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: .system, content: system)) }
        var question = example.prompt
        if let extra = instruction ?? Self.defaultInstruction(for: example.kind), !extra.isEmpty { question += "\n" + extra }
        messages.append(ChatMessage(role: .user, content: question))
        return messages
    }
}
