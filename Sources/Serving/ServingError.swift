// ServingError: what goes wrong serving a request (bad JSON, bad fields, an unknown model, a generation
// failure), with the HTTP status and OpenAI error type each maps to. Not for server start-up (that throws
// NIO's own errors, which already name the address).

/// An error answering an OpenAI-style request; rendered as `{"error": {"message", "type", "param", "code"}}`.
public enum ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not valid JSON, or a field has the wrong type.
    /// - `detail`: what the decoder found, with the field path.
    case malformedBody(detail: String)
    /// A field is present and well-typed but its value is not accepted.
    case invalidField(field: String, value: String, rule: String)
    /// A required field is missing.
    case missingField(field: String)
    /// The request names a model this server does not serve.
    case unknownModel(requested: String, served: String)
    /// A feature of the OpenAI API that this server does not implement (e.g. `stream: true`).
    case unsupported(feature: String, hint: String)
    /// The prompt plus `max_tokens` does not fit in the model's context.
    case contextTooLong(required: Int, limit: Int)
    /// The body is larger than the server accepts.
    case bodyTooLarge(limit: Int)
    /// No route for this method and path.
    case notFound(method: String, path: String)
    /// Generation failed for a reason that is not the client's fault.
    case internalFailure(detail: String)

    /// HTTP status code of the response.
    public var httpStatus: Int {
        switch self {
        case .malformedBody, .invalidField, .missingField, .unsupported, .contextTooLong: return 400
        case .unknownModel, .notFound: return 404
        case .bodyTooLarge: return 413
        case .internalFailure: return 500
        }
    }

    /// OpenAI error `type`.
    public var type: String {
        switch self {
        case .internalFailure: return "server_error"
        case .unknownModel: return "invalid_request_error"
        default: return "invalid_request_error"
        }
    }

    /// OpenAI error `param`: the offending request field, when there is one.
    public var param: String? {
        switch self {
        case let .invalidField(field, _, _), let .missingField(field): return field
        case .unknownModel: return "model"
        case .contextTooLong: return "max_tokens"
        case .unsupported(let feature, _): return feature
        default: return nil
        }
    }

    /// OpenAI error `code`.
    public var code: String? {
        switch self {
        case .unknownModel: return "model_not_found"
        case .contextTooLong: return "context_length_exceeded"
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .malformedBody(detail):
            return "The request body is not a valid request: \(detail). Send a JSON object as in the OpenAI API reference."
        case let .invalidField(field, value, rule):
            return "Invalid value for '\(field)': \(value). \(rule)."
        case let .missingField(field):
            return "Missing required field '\(field)'."
        case let .unknownModel(requested, served):
            return "The model '\(requested)' does not exist on this server; it serves '\(served)' (see GET /v1/models)."
        case let .unsupported(feature, hint):
            return "'\(feature)' is not supported by this server: \(hint)."
        case let .contextTooLong(required, limit):
            return "The prompt plus max_tokens needs \(required) positions but the model's context holds \(limit). "
                + "Shorten the messages or lower max_tokens."
        case let .bodyTooLarge(limit):
            return "The request body is larger than \(limit) bytes. Send a smaller request."
        case let .notFound(method, path):
            return "No route \(method) \(path). This server answers POST /v1/chat/completions, POST /v1/completions and GET /v1/models."
        case let .internalFailure(detail):
            return "Generation failed: \(detail)."
        }
    }
}
