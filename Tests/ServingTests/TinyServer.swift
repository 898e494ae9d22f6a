// Test fixture: a tiny random Llama over CharacterTokenizer behind an OpenAIServer started in-process on a free
// loopback port, plus a small HTTP client.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Generation
import Models
import Serving
import Tokenizers

enum TinyServer {
    static let tokenizer = CharacterTokenizer()
    static let modelName = "tiny"
    static let system = "S"

    /// A 1-layer Llama with hidden 32 over the character vocabulary, randomised from `seed`.
    static func model(seed: UInt64 = 7) throws -> LlamaModel {
        let configuration = LlamaConfiguration(hiddenSize: 32, intermediateSize: 64, layerCount: 1, headCount: 4, kvHeadCount: 2,
                                               vocabularySize: tokenizer.vocabularySize, maxPositionEmbeddings: 96)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.5)
        return model
    }

    static func engine() throws -> ServingEngine {
        ServingEngine(sampler: BatchGenerator(model: try model(), maximumConcurrentSequences: 16), tokenizer: tokenizer,
                      chatTemplate: .r1Zero, configuration: ServingConfiguration(port: 0, modelName: modelName, defaultMaxTokens: 8))
    }

    /// A server running in a task; `stop()` cancels it.
    struct Running {
        let baseURL: URL
        let task: Task<Void, any Error>
        func stop() async { task.cancel(); _ = await task.result }
    }

    /// Starts a server on 127.0.0.1, port 0, and waits until it listens.
    static func start(_ engine: ServingEngine) async throws -> Running {
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
    static func send(_ url: URL, method: String = "POST", body: String? = nil) async throws -> (status: Int, body: Data) {
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
    static func promptIDs(_ question: String) -> [Int32] {
        tokenizer.encode("\(system) User: \(question). Assistant:", addSpecialTokens: true)
    }
}
