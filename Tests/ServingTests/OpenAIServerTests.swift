// The OpenAI-compatible server over a tiny model: choices equal the batched sampler's output for the same seed,
// text completions batch several prompts, the model list, and malformed requests answer 400 with a message.
import Foundation
import Generation
import Serving
import TestSupport
import Testing
import Tokenizers

@Suite(.serialized) struct OpenAIServerTests {
    /// The direct sampler's texts and finish reasons for prompts × n with the given parameters.
    static func direct(_ prompts: [[Int32]], n: Int, _ parameters: SamplingParameters) throws -> [(text: String, stop: Bool, tokens: Int)] {
        let generator = BatchGenerator(model: try TinyServer.model(), maximumConcurrentSequences: 8)
        let tokenizer = TinyServer.tokenizer
        let batch = try generator.complete(CompletionRequest(prompts: prompts, samplesPerPrompt: n, parameters: parameters),
                                           decoder: { tokenizer.decode($0, skipSpecialTokens: false) })
        return batch.completions.map { c in
            var text = tokenizer.decode(c.tokens, skipSpecialTokens: true)
            if case let .stop(.string(s)) = c.finishReason { text = String(text[..<text.range(of: s)!.lowerBound]) }
            return (text, c.finishReason.isStop, c.tokens.count)
        }
    }

    @Test(arguments: [[String](), ["e"]])
    func chatChoicesEqualTheSamplerWithTheSameSeed(stop: [String]) async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        let stopJSON = stop.isEmpty ? "" : #", "stop": "\#(stop[0])""#
        let body = #"{"model": "tiny", "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "2+2"}], "#
            + #""n": 5, "temperature": 0.9, "top_p": 0.95, "max_tokens": 12, "seed": 42\#(stopJSON)}"#
        let (status, data) = try await TinyServer.send(server.baseURL.appendingPathComponent("chat/completions"), body: body)
        await server.stop()
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let response = try JSONDecoder().decode(ChatCompletionResponse.self, from: data)
        let prompt = TinyServer.promptIDs("2+2")
        let expected = try Self.direct([prompt], n: 5, SamplingParameters(temperature: 0.9, topP: 0.95, maxNewTokens: 12, seed: 42,
                                                                          stopTokenIDs: [2], stopStrings: stop))
        #expect(response.object == "chat.completion")
        #expect(response.model == "tiny")
        #expect(response.choices.count == 5)
        #expect(response.choices.map(\.index) == Array(0..<5))
        #expect(response.choices.map(\.message.content) == expected.map(\.text))
        #expect(response.choices.map(\.finishReason) == expected.map { $0.stop ? "stop" : "length" })
        #expect(response.choices.allSatisfy { $0.message.role == "assistant" })
        #expect(response.usage.promptTokens == prompt.count)
        #expect(response.usage.completionTokens == expected.reduce(0) { $0 + $1.tokens })
        #expect(response.usage.totalTokens == prompt.count + response.usage.completionTokens)
        if !stop.isEmpty { #expect(response.choices.allSatisfy { !$0.message.content.contains("e") }) }
        // Choices differ from one another (each has its own stream) but are reproducible.
        #expect(Set(response.choices.map(\.message.content)).count > 1)
    }

    @Test func textCompletionsBatchPromptsPromptMajor() async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        let body = #"{"prompt": ["ab", "xyz"], "n": 2, "temperature": 1, "max_tokens": 6, "seed": 3}"#
        let (status, data) = try await TinyServer.send(server.baseURL.appendingPathComponent("completions"), body: body)
        await server.stop()
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let response = try JSONDecoder().decode(TextCompletionResponse.self, from: data)
        let prompts = ["ab", "xyz"].map { TinyServer.tokenizer.encode($0, addSpecialTokens: true) }
        let expected = try Self.direct(prompts, n: 2, SamplingParameters(temperature: 1, maxNewTokens: 6, seed: 3, stopTokenIDs: [2]))
        #expect(response.object == "text_completion")
        #expect(response.choices.map(\.text) == expected.map(\.text))
        #expect(response.usage.promptTokens == prompts[0].count + prompts[1].count)
    }

    @Test func modelsListsTheServedModel() async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        let (status, data) = try await TinyServer.send(server.baseURL.appendingPathComponent("models"), method: "GET")
        await server.stop()
        #expect(status == 200)
        let list = try JSONDecoder().decode(ModelList.self, from: data)
        #expect(list.object == "list")
        #expect(list.data.map(\.id) == ["tiny"])
    }

    /// (path, body, status, text the message must contain, param)
    static let malformed: [(String, String, Int, String, String?)] = [
        ("chat/completions", "{", 400, "not valid JSON", nil),
        ("chat/completions", #"{"model": "tiny"}"#, 400, "Missing required field 'messages'", "messages"),
        ("chat/completions", #"{"messages": [{"role": "robot", "content": "x"}]}"#, 400, "role 'robot' is not one of", nil),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "n": 0}"#, 400, "n must be in 1...64", "n"),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "temperature": 3}"#, 400, "temperature must be in [0, 2]", "temperature"),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "top_p": 0}"#, 400, "top_p must be in (0, 1]", "top_p"),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}"#, 400, "max_tokens must be >= 1", "max_tokens"),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "n": "two"}"#, 400, "n should be an integer", nil),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "stream": true}"#, 400, "'stream' is not supported", "stream"),
        ("chat/completions", #"{"messages": "x"}"#, 400, "messages should be an array", nil),
        ("chat/completions", #"{"messages": []}"#, 400, "give at least one message", "messages"),
        ("chat/completions", #"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 500}"#, 400, "context holds 96", "max_tokens"),
        ("chat/completions", #"{"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]}"#, 404, "'gpt-9' does not exist", "model"),
        ("completions", #"{"max_tokens": 3}"#, 400, "Missing required field 'prompt'", "prompt"),
        ("completions", #"{"prompt": [1, 99999]}"#, 400, "token ids must be in 0..<", "prompt"),
        ("embeddings", #"{}"#, 404, "No route POST /v1/embeddings", nil),
    ]

    @Test func malformedRequestsGetOpenAIErrors() async throws {
        let server = try await TinyServer.start(try TinyServer.engine())
        for (path, body, status, text, param) in Self.malformed {
            let (got, data) = try await TinyServer.send(server.baseURL.appendingPathComponent(path), body: body)
            #expect(got == status, "\(path) \(body): \(String(decoding: data, as: UTF8.self))")
            let error = try? JSONDecoder().decode(ErrorResponse.self, from: data)
            #expect(error?.error.message.contains(text) == true, "\(body) → \(error?.error.message ?? String(decoding: data, as: UTF8.self))")
            #expect(error?.error.param == param, "\(body)")
            #expect(error?.error.type == "invalid_request_error")
        }
        // The server still answers after errors.
        let (ok, _) = try await TinyServer.send(server.baseURL.appendingPathComponent("chat/completions"),
                                                body: #"{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": [{"type": "text", "text": "x"}]}], "max_tokens": 2}"#)
        await server.stop()
        #expect(ok == 200)
    }
}
