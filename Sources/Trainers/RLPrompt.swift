// RLPrompt: one prompt of a GRPO batch — the token ids the policy sees and the example its rewards score.
import Rewards

/// A prompt for reinforcement learning: what the sampler is fed and what the rewards check against.
public struct RLPrompt: Sendable {
    /// Prompt token ids, `[T_p]`, already rendered through the chat/R1-Zero template.
    public var tokens: [Int32]
    /// The task example (gold answer, tests) the rewards score completions against.
    public var example: RewardExample

    /// Creates a prompt.
    /// - Parameters:
    ///   - tokens: rendered prompt ids.
    ///   - example: the example the rewards see.
    public init(tokens: [Int32], example: RewardExample) {
        self.tokens = tokens
        self.example = example
    }
}
