// The JSON bodies the server writes: chat and text completions (choices, finish_reason, usage), the model
// list, and the OpenAI error envelope.

/// Token counts of a response.
public struct Usage: Sendable, Equatable, Codable {
    /// Prompt tokens (summed over prompts; each counted once however many choices it has).
    public var promptTokens: Int
    /// Generated tokens over all choices.
    public var completionTokens: Int
    /// The sum of both.
    public var totalTokens: Int

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }

    /// Creates usage counts; the total is the sum.
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        totalTokens = promptTokens + completionTokens
    }
}

/// Response of `POST /v1/chat/completions` (`object` "chat.completion").
public struct ChatCompletionResponse: Sendable, Equatable, Codable {
    /// The assistant message of one choice.
    public struct Message: Sendable, Equatable, Codable {
        /// Always "assistant".
        public var role: String
        /// The generated text, special tokens removed, ending before a matched stop string.
        public var content: String
    }
    /// One choice.
    public struct Choice: Sendable, Equatable, Codable {
        /// Position in `choices`.
        public var index: Int
        /// The message.
        public var message: Message
        /// "stop" (end-of-sequence token or stop string) or "length" (max_tokens reached).
        public var finishReason: String

        enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
    }
    /// Response id.
    public var id: String
    /// "chat.completion".
    public var object: String
    /// Unix time of creation.
    public var created: Int
    /// Served model name.
    public var model: String
    /// The choices, in sample order.
    public var choices: [Choice]
    /// Token counts.
    public var usage: Usage
}

/// Response of `POST /v1/completions` (`object` "text_completion").
public struct TextCompletionResponse: Sendable, Equatable, Codable {
    /// One choice: choice `p * n + g` is sample `g` of prompt `p`.
    public struct Choice: Sendable, Equatable, Codable {
        /// Position in `choices`.
        public var index: Int
        /// The generated text.
        public var text: String
        /// "stop" or "length".
        public var finishReason: String

        enum CodingKeys: String, CodingKey { case index, text, finishReason = "finish_reason" }
    }
    /// Response id.
    public var id: String
    /// "text_completion".
    public var object: String
    /// Unix time of creation.
    public var created: Int
    /// Served model name.
    public var model: String
    /// The choices.
    public var choices: [Choice]
    /// Token counts.
    public var usage: Usage
}

/// Response of `GET /v1/models`.
public struct ModelList: Sendable, Equatable, Codable {
    /// One served model.
    public struct Model: Sendable, Equatable, Codable {
        /// The name to send as `model`.
        public var id: String
        /// "model".
        public var object: String
        /// Unix time the server started.
        public var created: Int
        /// "swiftr1".
        public var ownedBy: String

        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }
    /// "list".
    public var object: String
    /// The served models (one).
    public var data: [Model]
}

/// The OpenAI error envelope `{"error": {...}}`.
public struct ErrorResponse: Sendable, Equatable, Codable {
    /// The error.
    public struct Body: Sendable, Equatable, Codable {
        /// Human-readable message: what is wrong and what to do.
        public var message: String
        /// "invalid_request_error" or "server_error".
        public var type: String
        /// The offending field, if any.
        public var param: String?
        /// A machine-readable code, if any.
        public var code: String?
    }
    /// The error.
    public var error: Body

    /// The envelope of a serving error.
    /// - Parameter error: the error.
    public init(_ error: ServingError) {
        self.error = Body(message: error.description, type: error.type, param: error.param, code: error.code)
    }
}
