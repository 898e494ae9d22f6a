// DistilledExample: one line of the distilled dataset, `{"messages": [...], "prompt_id": …, "sample": g}` — the chat form
// `r1 sft` (and TRL's SFTTrainer) read; prompt_id lets a resumed run find what is already written.
import Tokenizers

/// A kept completion as an SFT example: the prompt conversation plus the assistant message.
public struct DistilledExample: Codable, Sendable, Equatable {
    /// The conversation ending with the teacher's assistant message.
    public var messages: [ChatMessage]
    /// The problem's id.
    public var promptID: String
    /// Which of the prompt's samples this is (`0..<N`).
    public var sample: Int

    enum CodingKeys: String, CodingKey { case messages, promptID = "prompt_id", sample }

    /// Creates a record.
    public init(messages: [ChatMessage], promptID: String, sample: Int) {
        self.messages = messages
        self.promptID = promptID
        self.sample = sample
    }

    /// The assistant text (the last message's content).
    public var completion: String { messages.last?.content ?? "" }
}
