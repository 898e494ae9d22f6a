// ServingEngine: turns decoded OpenAI requests into prompts, runs them through a CompletionSampler (the batched
// generator) one request at a time on its own thread, and builds the responses. Knows nothing of HTTP (see
// OpenAIServer). Each request's prompts × n choices are decoded together as one batch; concurrent requests wait
// in a queue (requests cannot be merged without changing their seeded streams).
import Dispatch
import Foundation
import Generation
import Tokenizers

/// Answers chat and text completion requests with a local model.
///
/// Choice `g` of prompt `p` is sampled from the stream `(seed, p, g)` of `BatchGenerator`, so a request with a
/// seed gives exactly the tokens of `sampler.complete(CompletionRequest(prompts:…, samplesPerPrompt: n, …))`.
///
/// ```swift
/// let engine = ServingEngine(sampler: BatchGenerator(model: model), tokenizer: tokenizer,
///                            chatTemplate: ChatTemplate(for: tokenizer), configuration: .init(modelName: "smollm2"))
/// let response = try await engine.chat(ChatCompletionRequest(messages: [.init(role: .user, content: "Hi")]))
/// ```
public final class ServingEngine: @unchecked Sendable {
    /// Limits and defaults.
    public let configuration: ServingConfiguration
    /// How conversations become prompt text; nil disables `/v1/chat/completions`.
    public let chatTemplate: ChatTemplate?
    /// Unix time the engine was created (reported by `/v1/models`).
    public let created: Int

    // Only touched on `queue`: the sampler is not thread-safe.
    private let sampler: any CompletionSampler
    private let tokenizer: any Tokenizer
    private let queue = DispatchQueue(label: "swiftr1.serving.generation")

    /// Creates an engine.
    /// - Parameters:
    ///   - sampler: the batched sampler (a `BatchGenerator` over the model); used from one thread at a time.
    ///   - tokenizer: the model's tokenizer (prompt encoding, end-of-generation ids, decoding).
    ///   - chatTemplate: the chat format; nil makes chat requests fail with 400.
    ///   - configuration: limits and defaults (validated by the caller; see `ServingConfiguration.validate()`).
    public init(sampler: any CompletionSampler, tokenizer: any Tokenizer, chatTemplate: ChatTemplate?,
                configuration: ServingConfiguration) {
        self.sampler = sampler
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.configuration = configuration
        created = Int(Date().timeIntervalSince1970)
    }

    /// Prompt token ids of a conversation: the chat template with an assistant header; sequence tokens (BOS)
    /// are added only for the plain-text R1-Zero template.
    /// - Parameter messages: the conversation.
    /// - Returns: prompt ids.
    /// - Throws: `ServingError.unsupported` without a chat template, `.invalidField` for an empty conversation.
    public func promptTokens(messages: [ChatMessage]) throws(ServingError) -> [Int32] {
        guard let chatTemplate else {
            throw .unsupported(feature: "messages", hint: "the model has no chat template; use POST /v1/completions with a prompt")
        }
        guard !messages.isEmpty else { throw .invalidField(field: "messages", value: "[]", rule: "give at least one message") }
        let text = chatTemplate.render(messages, addGenerationPrompt: true)
        return tokenizer.encode(text, addSpecialTokens: chatTemplate == .r1Zero)
    }

    /// Answers a chat completion request.
    /// - Parameter request: the decoded request.
    /// - Returns: `n` choices.
    /// - Throws: `ServingError` for invalid fields, an unknown model, a too-long prompt or a generation failure.
    public func chat(_ request: ChatCompletionRequest) async throws(ServingError) -> ChatCompletionResponse {
        try checkModel(request.model)
        let prompt = try promptTokens(messages: request.messages)
        let (n, parameters) = try resolve(request.sampling)
        let batch = try await generate(prompts: [prompt], n: n, parameters: parameters)
        let choices = batch.completions.enumerated().map { i, c in
            ChatCompletionResponse.Choice(index: i, message: .init(role: "assistant", content: text(of: c)),
                                          finishReason: c.finishReason.isStop ? "stop" : "length")
        }
        return ChatCompletionResponse(id: "chatcmpl-\(UUID().uuidString.lowercased())", object: "chat.completion",
                                      created: Int(Date().timeIntervalSince1970), model: configuration.modelName,
                                      choices: choices, usage: usage(batch, promptTokens: prompt.count))
    }

    /// Answers a text completion request.
    /// - Parameter request: the decoded request.
    /// - Returns: `prompts × n` choices, prompt-major.
    /// - Throws: `ServingError` as `chat(_:)`, and `.invalidField` for an empty prompt or out-of-vocabulary ids.
    public func complete(_ request: TextCompletionRequest) async throws(ServingError) -> TextCompletionResponse {
        try checkModel(request.model)
        guard !request.prompts.isEmpty else { throw .invalidField(field: "prompt", value: "[]", rule: "give at least one prompt") }
        var prompts: [[Int32]] = []
        for (p, prompt) in request.prompts.enumerated() {
            let ids: [Int32]
            switch prompt {
            case .text(let text): ids = tokenizer.encode(text, addSpecialTokens: true)
            case .tokens(let given): ids = given
            }
            guard !ids.isEmpty else { throw .invalidField(field: "prompt", value: "prompt \(p) is empty", rule: "prompts must encode to at least one token") }
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= tokenizer.vocabularySize }) {
                throw .invalidField(field: "prompt", value: "token id \(bad) in prompt \(p)", rule: "token ids must be in 0..<\(tokenizer.vocabularySize)")
            }
            prompts.append(ids)
        }
        let (n, parameters) = try resolve(request.sampling)
        let batch = try await generate(prompts: prompts, n: n, parameters: parameters)
        let choices = batch.completions.enumerated().map { i, c in
            TextCompletionResponse.Choice(index: i, text: text(of: c), finishReason: c.finishReason.isStop ? "stop" : "length")
        }
        return TextCompletionResponse(id: "cmpl-\(UUID().uuidString.lowercased())", object: "text_completion",
                                      created: Int(Date().timeIntervalSince1970), model: configuration.modelName,
                                      choices: choices, usage: usage(batch, promptTokens: prompts.reduce(0) { $0 + $1.count }))
    }

    /// The model list (the one served model).
    public var models: ModelList {
        ModelList(object: "list", data: [.init(id: configuration.modelName, object: "model", created: created, ownedBy: "swiftr1")])
    }

    /// Runs the sampler on the generation thread.
    /// - Parameters:
    ///   - prompts: prompt ids, `[P][T_p]`.
    ///   - n: choices per prompt.
    ///   - parameters: sampling parameters.
    /// - Returns: `P × n` completions.
    /// - Throws: `ServingError.contextTooLong`, `.invalidField` or `.internalFailure`.
    public func generate(prompts: [[Int32]], n: Int, parameters: SamplingParameters) async throws(ServingError) -> CompletionBatch {
        let result: Result<CompletionBatch, ServingError> = await withCheckedContinuation { continuation in
            queue.async { [self] in
                do {
                    let tokenizer = self.tokenizer
                    let batch = try sampler.complete(CompletionRequest(prompts: prompts, samplesPerPrompt: n, parameters: parameters),
                                                     decoder: { tokenizer.decode($0, skipSpecialTokens: false) })
                    continuation.resume(returning: .success(batch))
                } catch let error as GenerationError {
                    continuation.resume(returning: .failure(Self.servingError(error)))
                } catch {
                    continuation.resume(returning: .failure(.internalFailure(detail: String(describing: error))))
                }
            }
        }
        return try result.get()
    }

    /// The visible text of a completion: special tokens removed, cut before a matched stop string.
    /// - Parameter completion: a generated completion.
    /// - Returns: its text.
    public func text(of completion: Generation.Completion) -> String {
        let text = tokenizer.decode(completion.tokens, skipSpecialTokens: true)
        if case let .stop(.string(stop)) = completion.finishReason, let range = text.range(of: stop) {
            return String(text[..<range.lowerBound])
        }
        return text
    }

    private func checkModel(_ requested: String?) throws(ServingError) {
        if let requested, requested != configuration.modelName {
            throw .unknownModel(requested: requested, served: configuration.modelName)
        }
    }

    private func resolve(_ sampling: SamplingFields) throws(ServingError) -> (n: Int, parameters: SamplingParameters) {
        try sampling.resolve(configuration: configuration, stopTokenIDs: tokenizer.eosTokenIds,
                             randomSeed: { UInt64.random(in: 0...UInt64.max) })
    }

    private func usage(_ batch: CompletionBatch, promptTokens: Int) -> Usage {
        Usage(promptTokens: promptTokens, completionTokens: batch.completions.reduce(0) { $0 + $1.tokens.count })
    }

    static func servingError(_ error: GenerationError) -> ServingError {
        switch error {
        case let .contextTooLong(_, required, limit): return .contextTooLong(required: required, limit: limit)
        case let .invalidParameter(field, value, rule): return .invalidField(field: field, value: value, rule: rule)
        case let .invalidPrompt(_, reason): return .invalidField(field: "prompt", value: "the prompt", rule: reason)
        case .missingTextDecoder: return .internalFailure(detail: error.description)
        }
    }
}
