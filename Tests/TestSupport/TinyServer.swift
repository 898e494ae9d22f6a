// Test fixture shared by ServingTests and DistillationTests: a tiny random Llama over CharacterTokenizer behind an
// OpenAIServer started in-process on a free loopback port, plus a small HTTP client. Not a product; tests only.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Generation
import Models
import Serving
import Tokenizers

/// A tiny model served in-process over HTTP, for tests of the server and of its clients.
public enum TinyServer {
    /// The tokenizer of the model (one token per character).
    public static let tokenizer = CharacterTokenizer()
    /// The name the server answers to.
    public static let modelName = "tiny"
    /// The system message `promptIDs(_:)` renders.
    public static let system = "S"

    /// A 1-layer Llama with hidden 32 over the character vocabulary, randomised from `seed`.
    public static func model(seed: UInt64 = 7) throws -> LlamaModel {
        let configuration = LlamaConfiguration(hiddenSize: 32, intermediateSize: 64, layerCount: 1, headCount: 4, kvHeadCount: 2,
                                               vocabularySize: tokenizer.vocabularySize, maxPositionEmbeddings: 96)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.5)
        return model
    }

    /// The serving engine over `model()`: R1-Zero template, 16 concurrent sequences, 8 tokens by default.
    public static func engine() throws -> ServingEngine {
        ServingEngine(sampler: BatchGenerator(model: try model(), maximumConcurrentSequences: 16), tokenizer: tokenizer,
                      chatTemplate: .r1Zero, configuration: ServingConfiguration(port: 0, modelName: modelName, defaultMaxTokens: 8))
    }

    /// A server running in a task; `stop()` cancels it.
    public struct Running: Sendable {
        /// `http://127.0.0.1:PORT/v1`.
        public let baseURL: URL
        /// The task running the server.
        public let task: Task<Void, any Error>
        /// Cancels the server and waits until it has stopped.
        public func stop() async { task.cancel(); _ = await task.result }
    }

    /// Starts a server on 127.0.0.1, port 0, and waits until it listens.
    public static func start(_ engine: ServingEngine) async throws -> Running {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = OpenAIServer(engine: engine)
        let task = Task {
            defer { continuation.finish() }
            try await server.run { _, port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = await task.result
            throw URLError(.cannotConnectToHost)
        }
        return Running(baseURL: URL(string: "http://127.0.0.1:\(port)/v1")!, task: task)
    }

    /// Sends a request; returns status and body.
    public static func send(_ url: URL, method: String = "POST", body: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return try await withCheckedThrowingContinuation { c in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { c.resume(throwing: error); return }
                c.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? -1, data ?? Data()))
            }.resume()
        }
    }

    /// The R1-Zero prompt ids of `[system S, user question]`, rendered and encoded here (not by the engine).
    public static func promptIDs(_ question: String) -> [Int32] {
        tokenizer.encode("\(system) User: \(question). Assistant:", addSpecialTokens: true)
    }
}
