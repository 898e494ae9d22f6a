// One message of a conversation, as chat templates consume it.

/// The author of a chat message.
public enum ChatRole: String, Sendable, Equatable, Codable, CaseIterable {
    /// Instructions that frame the conversation.
    case system
    /// The person asking.
    case user
    /// The model.
    case assistant
}

/// A message in a conversation.
///
/// ```swift
/// let messages = [ChatMessage(role: .user, content: "What is 2 + 2?")]
/// ```
public struct ChatMessage: Sendable, Equatable, Codable {
    /// Who wrote the message.
    public var role: ChatRole
    /// The message text.
    public var content: String

    /// Creates a message.
    /// - Parameters:
    ///   - role: the author.
    ///   - content: the text.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}
