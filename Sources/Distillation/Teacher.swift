// Teacher: "sample N completions for each of these conversations" — what rejection sampling needs from a model,
// whether it runs here (LocalTeacher) or behind an OpenAI-compatible endpoint (OpenAITeacher).
import Tokenizers

/// A conversation to complete, with its stable position in the problem list (used for seeding).
public struct TeacherPrompt: Sendable, Equatable, Codable {
    /// Position of the problem in the full problem list (not in the batch).
    public var index: Int
    /// The conversation, ending with a user message; the teacher writes the next assistant message.
    public var messages: [ChatMessage]

    /// Creates a prompt.
    /// - Parameters:
    ///   - index: stable problem index.
    ///   - messages: the conversation.
    public init(index: Int, messages: [ChatMessage]) {
        self.index = index
        self.messages = messages
    }
}

/// One sampled assistant message.
public struct TeacherCompletion: Sendable, Equatable, Codable {
    /// The message text (special tokens removed; ends before a matched stop string for remote teachers).
    public var text: String
    /// Generated tokens, when the teacher reports them per completion (local teachers do; remote ones do not).
    public var tokenCount: Int?
    /// Whether generation ended on a stop condition (false: cut by `maxTokens`).
    public var stopped: Bool

    /// Creates a completion.
    public init(text: String, tokenCount: Int? = nil, stopped: Bool) {
        self.text = text
        self.tokenCount = tokenCount
        self.stopped = stopped
    }
}

/// A model that writes assistant messages.
///
/// ```swift
/// let teacher = try OpenAITeacher(configuration: .init(baseURL: url, model: "smollm2"))
/// let samples = try teacher.sample([TeacherPrompt(index: 0, messages: [.init(role: .user, content: "2+3?")])],
///                                  count: 4, sampling: TeacherSampling(maxTokens: 64))
/// ```
public protocol Teacher: AnyObject {
    /// A name for reports (model path or endpoint + model).
    var name: String { get }

    /// Samples `count` completions of every prompt.
    /// - Parameters:
    ///   - prompts: conversations, each with its stable index.
    ///   - count: completions per prompt, `>= 1`.
    ///   - sampling: how to sample.
    /// - Returns: `[prompts.count][count]` completions, in prompt order.
    /// - Throws: `DistillationError` (endpoint failures, generation failures).
    func sample(_ prompts: [TeacherPrompt], count: Int, sampling: TeacherSampling) throws -> [[TeacherCompletion]]
}
