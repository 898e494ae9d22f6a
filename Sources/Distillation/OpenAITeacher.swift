// OpenAITeacher: a teacher behind any OpenAI-compatible endpoint (`r1 serve`, vLLM, llama.cpp's server, OpenAI):
// one POST {base}/chat/completions per prompt with `n` samples, a seed per prompt, timeouts, retries with
// exponential backoff for transport errors, 429 and 5xx, and errors that name the URL and status.
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Tokenizers

/// A teacher that calls an OpenAI-compatible chat completions endpoint.
///
/// Prompt `i` is sent with `seed = sampling.seed + i`, so servers that honour seeds (`r1 serve` does) give the
/// same samples on a rerun. The library never reads the environment: the caller passes the API key.
public final class OpenAITeacher: Teacher, @unchecked Sendable {
    /// Endpoint and client settings.
    public struct Configuration: Sendable, Equatable {
        /// Base URL including the version path, e.g. `http://127.0.0.1:8000/v1`.
        public var baseURL: URL
        /// Model name sent as `model`.
        public var model: String
        /// Bearer token, if the endpoint needs one.
        public var apiKey: String?
        /// Seconds allowed per HTTP request. Default 600 (long completions on CPU are slow).
        public var timeoutSeconds: Double
        /// Retries after the first attempt for transport errors, 429 and 5xx. Default 3.
        public var maxRetries: Int
        /// Wait before the first retry, doubled for each later one. Default 1 s.
        public var initialBackoffSeconds: Double
        /// Requests in flight at once. Default 1 (`r1 serve` runs one request at a time anyway).
        public var concurrency: Int

        /// Creates a configuration.
        public init(baseURL: URL, model: String, apiKey: String? = nil, timeoutSeconds: Double = 600, maxRetries: Int = 3,
                    initialBackoffSeconds: Double = 1, concurrency: Int = 1) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.timeoutSeconds = timeoutSeconds
            self.maxRetries = maxRetries
            self.initialBackoffSeconds = initialBackoffSeconds
            self.concurrency = concurrency
        }

        /// Checks the settings.
        /// - Throws: `DistillationError.invalidConfiguration`.
        public func validate() throws(DistillationError) {
            guard let scheme = baseURL.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                throw .invalidConfiguration(field: "base_url", value: baseURL.absoluteString, rule: "must be an http(s) URL such as http://127.0.0.1:8000/v1")
            }
            guard !model.isEmpty else { throw .invalidConfiguration(field: "model", value: "\"\"", rule: "must be non-empty") }
            guard timeoutSeconds > 0, timeoutSeconds.isFinite else {
                throw .invalidConfiguration(field: "timeout", value: "\(timeoutSeconds)", rule: "must be a positive number of seconds")
            }
            guard maxRetries >= 0 else { throw .invalidConfiguration(field: "max_retries", value: "\(maxRetries)", rule: "must be >= 0") }
            guard initialBackoffSeconds >= 0, initialBackoffSeconds.isFinite else {
                throw .invalidConfiguration(field: "backoff", value: "\(initialBackoffSeconds)", rule: "must be >= 0 seconds")
            }
            guard concurrency >= 1 else { throw .invalidConfiguration(field: "concurrency", value: "\(concurrency)", rule: "must be >= 1") }
        }
    }

    /// The settings.
    public let configuration: Configuration
    public var name: String { "\(configuration.model) @ \(configuration.baseURL.absoluteString)" }
    private let session: URLSession

    /// Creates a teacher.
    /// - Parameter configuration: endpoint and client settings.
    /// - Throws: `DistillationError.invalidConfiguration`.
    public init(configuration: Configuration) throws {
        try configuration.validate()
        self.configuration = configuration
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = configuration.timeoutSeconds
        c.timeoutIntervalForResource = configuration.timeoutSeconds
        session = URLSession(configuration: c)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The chat completions URL.
    public var endpoint: URL { configuration.baseURL.appendingPathComponent("chat/completions") }

    struct RequestBody: Encodable {
        var model: String
        var messages: [ChatMessage]
        var n: Int
        var temperature: Double
        var topP: Double
        var topK: Int?
        var maxTokens: Int
        var seed: Int64
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, messages, n, temperature, topP = "top_p", topK = "top_k", maxTokens = "max_tokens", seed, stop
        }
    }

    struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var index: Int
            var message: Message
            var finishReason: String?
            enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
        }
        var choices: [Choice]
    }

    struct ErrorEnvelope: Decodable {
        struct Body: Decodable { var message: String }
        var error: Body
    }

    public func sample(_ prompts: [TeacherPrompt], count: Int, sampling: TeacherSampling) throws -> [[TeacherCompletion]] {
        try sampling.validate()
        guard count >= 1 else { throw DistillationError.invalidConfiguration(field: "samples", value: "\(count)", rule: "must be >= 1") }
        let results = ResultBox(count: prompts.count)
        let limiter = DispatchSemaphore(value: configuration.concurrency)
        let group = DispatchGroup()
        for (slot, prompt) in prompts.enumerated() {
            limiter.wait()
            group.enter()
            DispatchQueue.global().async { [self] in
                defer { limiter.signal(); group.leave() }
                results.set(slot, Result { try self.sampleOne(prompt, count: count, sampling: sampling) })
            }
        }
        group.wait()
        return try results.values.map { try $0!.get() }
    }

    /// One request: `count` completions of one prompt.
    func sampleOne(_ prompt: TeacherPrompt, count: Int, sampling: TeacherSampling) throws -> [TeacherCompletion] {
        let body = RequestBody(model: configuration.model, messages: prompt.messages, n: count, temperature: sampling.temperature,
                               topP: sampling.topP, topK: sampling.topK > 0 ? sampling.topK : nil, maxTokens: sampling.maxTokens,
                               seed: Int64(bitPattern: sampling.seed &+ UInt64(prompt.index)), stop: sampling.stop.isEmpty ? nil : sampling.stop)
        let data = try post(try JSONEncoder().encode(body))
        let url = endpoint.absoluteString
        let response: ResponseBody
        do {
            response = try JSONDecoder().decode(ResponseBody.self, from: data)
        } catch {
            throw DistillationError.malformedResponse(url: url, detail: "\(error) in \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        guard response.choices.count == count else {
            throw DistillationError.malformedResponse(url: url, detail: "asked for n = \(count) choices, got \(response.choices.count)")
        }
        return response.choices.sorted { $0.index < $1.index }.map {
            TeacherCompletion(text: $0.message.content ?? "", tokenCount: nil, stopped: $0.finishReason == "stop")
        }
    }

    /// POSTs JSON with retries; returns the body of a 200 answer.
    func post(_ body: Data) throws -> Data {
        var request = URLRequest(url: endpoint, timeoutInterval: configuration.timeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let url = endpoint.absoluteString
        var attempt = 0
        while true {
            attempt += 1
            let (data, response, error) = send(request)
            let retryable: Bool
            let failure: DistillationError
            if let error {
                retryable = true
                failure = .endpointUnreachable(url: url, attempts: attempt, reason: error.localizedDescription)
            } else if let http = response as? HTTPURLResponse {
                if http.statusCode == 200 { return data ?? Data() }
                let text = data.flatMap { try? JSONDecoder().decode(ErrorEnvelope.self, from: $0).error.message }
                    ?? data.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? ""
                retryable = http.statusCode == 429 || http.statusCode >= 500
                failure = .endpointStatus(url: url, status: http.statusCode, message: text)
            } else {
                retryable = true
                failure = .endpointUnreachable(url: url, attempts: attempt, reason: "no HTTP response")
            }
            guard retryable, attempt <= configuration.maxRetries else { throw failure }
            let wait = configuration.initialBackoffSeconds * pow(2, Double(attempt - 1))
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
    }

    private func send(_ request: URLRequest) -> (Data?, URLResponse?, (any Error)?) {
        let done = DispatchSemaphore(value: 0)
        let box = ResponseBox()
        let task = session.dataTask(with: request) { data, response, error in
            box.set(data, response, error)
            done.signal()
        }
        task.resume()
        done.wait()
        return box.get()
    }
}

/// Thread-safe per-slot results.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<[TeacherCompletion], any Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<[TeacherCompletion], any Error>) { lock.lock(); storage[i] = value; lock.unlock() }
    var values: [Result<[TeacherCompletion], any Error>?] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Holds one URLSession callback's results.
private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Data?, URLResponse?, (any Error)?) = (nil, nil, nil)
    func set(_ d: Data?, _ r: URLResponse?, _ e: (any Error)?) { lock.lock(); value = (d, r, e); lock.unlock() }
    func get() -> (Data?, URLResponse?, (any Error)?) { lock.lock(); defer { lock.unlock() }; return value }
}
