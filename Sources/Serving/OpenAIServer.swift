// OpenAIServer: the HTTP side of `r1 serve` (Hummingbird 2): routes POST /v1/chat/completions,
// POST /v1/completions and GET /v1/models to a ServingEngine and renders every failure as an OpenAI error
// envelope with its HTTP status. No streaming (requests with `stream: true` get 400), no authentication.
import Foundation
import Hummingbird
import Logging
import NIOCore

/// An OpenAI-compatible HTTP server over a `ServingEngine`.
///
/// ```swift
/// let server = OpenAIServer(engine: engine)
/// try await server.run { host, port in print("listening on http://\(host):\(port)") }
/// ```
public struct OpenAIServer: Sendable {
    /// The engine that answers requests.
    public let engine: ServingEngine

    /// Creates a server.
    /// - Parameter engine: the engine; its configuration gives host, port and limits.
    public init(engine: ServingEngine) {
        self.engine = engine
    }

    /// Binds and serves until the calling task is cancelled (or, with `handleSignals`, until SIGINT/SIGTERM).
    /// - Parameters:
    ///   - handleSignals: stop gracefully on SIGINT and SIGTERM and log warnings (for the command line); otherwise
    ///     stop when the task is cancelled and log only critical errors (embedding, tests).
    ///   - onListening: called once the socket is bound, with the host and the actual port (useful with port 0).
    /// - Throws: `ServingError.invalidField` for a bad configuration, or NIO's error when the address cannot be bound.
    public func run(handleSignals: Bool = false, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        let configuration = engine.configuration
        try configuration.validate()
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware())
        let engine = self.engine
        let limit = configuration.maximumBodyBytes
        router.post("/v1/chat/completions") { request, _ -> Response in
            let body = try await Self.decode(ChatCompletionRequest.self, from: request, limit: limit)
            return try Self.json(try await engine.chat(body))
        }
        router.post("/v1/completions") { request, _ -> Response in
            let body = try await Self.decode(TextCompletionRequest.self, from: request, limit: limit)
            return try Self.json(try await engine.complete(body))
        }
        router.get("/v1/models") { _, _ -> Response in try Self.json(engine.models) }
        var logger = Logger(label: "r1.serve")
        // Embedded servers stop by task cancellation, which Hummingbird logs as an error; keep those quiet.
        logger.logLevel = handleSignals ? .warning : .critical
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "swiftr1"),
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        if handleSignals {
            try await app.runService()
        } else {
            try await app.run()
        }
    }

    /// Reads and decodes a JSON body.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw ServingError.bodyTooLarge(limit: limit)
        }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ServingError.decoding(error)
        } catch {
            throw ServingError.malformedBody(detail: String(describing: error))
        }
    }

    /// A 200 JSON response.
    static func json(_ value: some Encodable) throws -> Response {
        try jsonResponse(value, status: .ok)
    }

    /// A JSON response with a status.
    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Renders thrown errors (ours, and the router's 404 / 405) as OpenAI error envelopes.
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServingError {
            return try Self.render(error)
        } catch let error as HTTPResponseError {
            let serving: ServingError = error.status == .notFound
                ? .notFound(method: request.method.rawValue, path: request.uri.path)
                : error.status == .contentTooLarge ? .bodyTooLarge(limit: 0) : .malformedBody(detail: "HTTP \(error.status.code)")
            var response = try Self.render(serving)
            response.status = error.status
            return response
        } catch {
            return try Self.render(.internalFailure(detail: String(describing: error)))
        }
    }

    static func render(_ error: ServingError) throws -> Response {
        try OpenAIServer.jsonResponse(ErrorResponse(error), status: HTTPResponse.Status(code: error.httpStatus))
    }
}

extension ServingError {
    /// A decoding failure described with its field path (`messages[0].role: …`).
    /// - Parameter error: the decoder's error.
    /// - Returns: `.missingField` for a missing key, else `.malformedBody` with the path and reason.
    static func decoding(_ error: DecodingError) -> ServingError {
        func jsonKind(_ type: Any.Type) -> String {
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            switch name {
            case "String": return "a string"
            case "Bool": return "a boolean"
            case "Int", "Int32", "Int64", "UInt64": return "an integer"
            case "Double", "Float": return "a number"
            default: return "of type \(name)"
            }
        }
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : "." + key.stringValue }
            }
            return out.isEmpty ? "body" : out
        }
        switch error {
        case let .keyNotFound(key, context):
            return .missingField(field: path(context.codingPath + [key]))
        case let .typeMismatch(type, context):
            return .malformedBody(detail: "\(path(context.codingPath)) should be \(jsonKind(type))")
        case let .valueNotFound(type, context):
            return .malformedBody(detail: "\(path(context.codingPath)) is null but should be \(jsonKind(type))")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return .malformedBody(detail: "the body is not valid JSON") }
            return .malformedBody(detail: "\(path(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            return .malformedBody(detail: String(describing: error))
        }
    }
}
