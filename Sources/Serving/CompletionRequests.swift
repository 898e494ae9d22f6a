// The two request bodies the server reads: POST /v1/chat/completions (a conversation) and POST /v1/completions
// (raw prompt text or token ids). Each carries the shared SamplingFields. Unknown fields are ignored, as vLLM does.
import Tokenizers

/// Body of `POST /v1/chat/completions`.
public struct ChatCompletionRequest: Sendable, Equatable, Decodable {
    /// Requested model name, if any.
    public var model: String?
    /// The conversation; `content` may be a string or an array of `{"type": "text", "text": …}` parts.
    public var messages: [ChatMessage]
    /// Sampling fields.
    public var sampling: SamplingFields

    enum CodingKeys: String, CodingKey { case model, messages }

    /// One message as sent on the wire.
    struct WireMessage: Decodable {
        var role: String
        var content: String

        struct Part: Decodable {
            var type: String
            var text: String?
        }

        enum CodingKeys: String, CodingKey { case role, content }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            if let text = try? c.decode(String.self, forKey: .content) {
                content = text
            } else if let parts = try? c.decode([Part].self, forKey: .content) {
                guard parts.allSatisfy({ $0.type == "text" && $0.text != nil }) else {
                    throw DecodingError.dataCorruptedError(forKey: .content, in: c,
                                                           debugDescription: "only text content parts ({\"type\": \"text\", \"text\": …}) are supported")
                }
                content = parts.compactMap(\.text).joined()
            } else if try c.decodeNil(forKey: .content) {
                content = ""
            } else {
                throw DecodingError.dataCorruptedError(forKey: .content, in: c, debugDescription: "content must be a string or an array of text parts")
            }
        }
    }

    /// Creates a request.
    /// - Parameters:
    ///   - model: model name.
    ///   - messages: the conversation.
    ///   - sampling: sampling fields.
    public init(model: String? = nil, messages: [ChatMessage], sampling: SamplingFields = SamplingFields()) {
        self.model = model
        self.messages = messages
        self.sampling = sampling
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        let wire = try c.decode([WireMessage].self, forKey: .messages)
        messages = try wire.enumerated().map { i, m in
            guard let role = ChatRole(rawValue: m.role) else {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: [CodingKeys.messages, IndexKey(i), WireMessage.CodingKeys.role],
                    debugDescription: "role '\(m.role)' is not one of system, user, assistant"))
            }
            return ChatMessage(role: role, content: m.content)
        }
        sampling = try SamplingFields(from: decoder)
    }
}

/// Body of `POST /v1/completions`.
public struct TextCompletionRequest: Sendable, Equatable, Decodable {
    /// A prompt: text, or token ids.
    public enum Prompt: Sendable, Equatable {
        /// Text, tokenized with the tokenizer's sequence tokens (BOS) added.
        case text(String)
        /// Token ids, used as given.
        case tokens([Int32])
    }

    /// Requested model name, if any.
    public var model: String?
    /// One or more prompts: a string, an array of strings, an array of ids or an array of id arrays.
    public var prompts: [Prompt]
    /// Sampling fields.
    public var sampling: SamplingFields

    enum CodingKeys: String, CodingKey { case model, prompt }

    /// Creates a request.
    /// - Parameters:
    ///   - model: model name.
    ///   - prompts: the prompts.
    ///   - sampling: sampling fields.
    public init(model: String? = nil, prompts: [Prompt], sampling: SamplingFields = SamplingFields()) {
        self.model = model
        self.prompts = prompts
        self.sampling = sampling
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        if let one = try? c.decode(String.self, forKey: .prompt) {
            prompts = [.text(one)]
        } else if let many = try? c.decode([String].self, forKey: .prompt) {
            prompts = many.map(Prompt.text)
        } else if let ids = try? c.decode([Int32].self, forKey: .prompt) {
            prompts = [.tokens(ids)]
        } else if let idLists = try? c.decode([[Int32]].self, forKey: .prompt) {
            prompts = idLists.map(Prompt.tokens)
        } else if c.contains(.prompt) {
            throw DecodingError.dataCorruptedError(forKey: .prompt, in: c,
                                                   debugDescription: "prompt must be a string, an array of strings, or token ids")
        } else {
            throw DecodingError.keyNotFound(CodingKeys.prompt, DecodingError.Context(codingPath: [], debugDescription: "prompt is required"))
        }
        sampling = try SamplingFields(from: decoder)
    }
}

/// An integer position in a decoding path.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) { stringValue = "\(index)"; intValue = index }
    init?(stringValue: String) { self.stringValue = stringValue; intValue = Int(stringValue) }
    init?(intValue: Int) { self.init(intValue) }
}
