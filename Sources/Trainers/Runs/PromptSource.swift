// PromptSource: the GRPO prompt stream — task examples rendered through a prompt template and tokenized,
// in an order that is a pure function of (seed, position), so a resumed run sees exactly the prompts an
// uninterrupted run would have seen. Generated tasks (arithmetic, countdown) draw example `p` from the
// seed mixed with `p`; dataset tasks (GSM8K, MATH-500) walk a seeded permutation per epoch.
import Rewards
import Tokenizers

/// How a task example becomes prompt text.
public enum PromptStyle: Sendable, Equatable {
    /// The task's own prompt (the R1-Zero template, for base models).
    case r1Zero
    /// The question as a user message rendered with a chat template (for instruct models), optionally after
    /// a system message and with an instruction appended to the question.
    case chat(ChatTemplate, system: String?, instruction: String?)
}

/// A deterministic, resumable stream of tokenized prompts.
///
/// ```swift
/// var source = try PromptSource(task: ArithmeticTask(), tokenizer: tokenizer, style: .r1Zero, seed: 42)
/// let batch = try source.next(4)   // positions 0…3
/// source.position = 0              // rewinds: next(4) returns the same prompts again
/// ```
public struct PromptSource: Sendable {
    /// The task the examples and the verifier come from.
    public let task: any VerifiableTask
    /// Text → ids.
    public let tokenizer: any Tokenizer
    /// Prompt rendering.
    public let style: PromptStyle
    /// Seed of the data order.
    public let seed: UInt64
    /// Longest prompt in tokens; longer prompts keep their last `maxPromptLength` tokens (TRL's left truncation).
    public let maxPromptLength: Int
    /// Prompts handed out so far (the next prompt is at this position). Checkpoint it.
    public var position: Int = 0

    /// The dataset's examples (nil for generated tasks).
    private let pool: [RewardExample]?

    /// Creates a source.
    /// - Parameters:
    ///   - task: a built-in or custom task.
    ///   - tokenizer: the policy's tokenizer.
    ///   - style: how examples are rendered.
    ///   - seed: the data-order seed.
    ///   - maxPromptLength: longest prompt in tokens (≥ 1).
    ///   - generated: whether the task generates examples (true) or reads a fixed dataset (false). Default:
    ///     generated unless it is a `DatasetTask`.
    /// - Throws: `RewardsError` when the dataset cannot be read or is empty.
    public init(task: any VerifiableTask, tokenizer: any Tokenizer, style: PromptStyle, seed: UInt64,
                maxPromptLength: Int = 512, generated: Bool? = nil) throws {
        self.task = task
        self.tokenizer = tokenizer
        self.style = style
        self.seed = seed
        self.maxPromptLength = max(1, maxPromptLength)
        if generated ?? !(task is DatasetTask) {
            pool = nil
        } else {
            let examples = try task.examples(split: .train, count: nil, seed: seed)
            guard !examples.isEmpty else {
                throw RewardsError.invalidTaskRequest(task: task.name, reason: "the training split has no examples")
            }
            pool = examples
        }
    }

    /// Number of examples in a dataset epoch (nil for generated tasks, which never repeat an epoch).
    public var epochLength: Int? { pool?.count }

    /// The epoch the next prompt belongs to (0 for generated tasks).
    public var epoch: Int { pool.map { position / $0.count } ?? 0 }

    /// The next `count` prompts; advances `position` by `count`.
    /// - Throws: `RewardsError` from the task's generator.
    public mutating func next(_ count: Int) throws -> [RLPrompt] {
        let prompts = try (position..<(position + count)).map { try prompt(at: $0) }
        position += count
        return prompts
    }

    /// The prompt at a position of the stream (pure: depends on seed and position only).
    /// - Throws: `RewardsError` from the task's generator.
    public func prompt(at position: Int) throws -> RLPrompt {
        let example = try self.example(at: position)
        var tokens = tokenizer.encode(render(example), addSpecialTokens: style == .r1Zero)
        if tokens.count > maxPromptLength { tokens = Array(tokens.suffix(maxPromptLength)) }
        return RLPrompt(tokens: tokens, example: example)
    }

    /// The example at a position.
    /// - Throws: `RewardsError` from the task's generator.
    public func example(at position: Int) throws -> RewardExample {
        if let pool {
            let epoch = position / pool.count
            let order = Self.permutation(count: pool.count, seed: Self.mix(seed, UInt64(epoch), 0xDA7A))
            return pool[order[position % pool.count]]
        }
        guard let example = try task.examples(split: .train, count: 1, seed: Self.mix(seed, UInt64(position), 0x9E11)).first else {
            throw RewardsError.invalidTaskRequest(task: task.name, reason: "the generator returned no example")
        }
        return example
    }

    /// The prompt text of an example.
    public func render(_ example: RewardExample) -> String {
        switch style {
        case .r1Zero:
            return task.prompt(for: example)
        case let .chat(template, system, _):
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: .system, content: system)) }
            messages.append(ChatMessage(role: .user, content: userMessage(example)))
            return template.render(messages, addGenerationPrompt: true)
        }
    }

    /// The user message of an example in the chat style: its question, then the style's instruction if any
    /// (the question alone in the R1-Zero style).
    public func userMessage(_ example: RewardExample) -> String {
        guard case let .chat(_, _, instruction?) = style else { return example.prompt }
        return "\(example.prompt) \(instruction)"
    }

    /// SplitMix64-style mixing of a seed with a position and a stream tag.
    static func mix(_ seed: UInt64, _ value: UInt64, _ tag: UInt64) -> UInt64 {
        var z = seed &+ value &* 0x9E37_79B9_7F4A_7C15 &+ tag &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seeded Fisher–Yates permutation of 0..<count.
    static func permutation(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        return order
    }
}
