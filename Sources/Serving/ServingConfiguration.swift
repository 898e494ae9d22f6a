// ServingConfiguration: where `r1 serve` listens and the limits and defaults it applies to requests.

/// Server address, request limits and defaults.
public struct ServingConfiguration: Codable, Sendable, Equatable {
    /// Interface to bind (default `127.0.0.1`: loopback only).
    public var host: String
    /// TCP port; `0` picks a free port (reported through `OpenAIServer.run(onListening:)`).
    public var port: Int
    /// The model name clients send as `model` and `GET /v1/models` lists. Requests naming another model get 404;
    /// requests without `model` are served.
    public var modelName: String
    /// `max_tokens` when a request gives none.
    public var defaultMaxTokens: Int
    /// Largest accepted `n`.
    public var maximumChoices: Int
    /// Largest accepted request body, in bytes.
    public var maximumBodyBytes: Int

    enum CodingKeys: String, CodingKey {
        case host, port, modelName = "model_name", defaultMaxTokens = "default_max_tokens"
        case maximumChoices = "maximum_choices", maximumBodyBytes = "maximum_body_bytes"
    }

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: interface to bind.
    ///   - port: TCP port, 0 for any free port.
    ///   - modelName: the served model's name.
    ///   - defaultMaxTokens: `max_tokens` default.
    ///   - maximumChoices: largest `n`.
    ///   - maximumBodyBytes: largest body.
    public init(host: String = "127.0.0.1", port: Int = 8000, modelName: String, defaultMaxTokens: Int = 256,
                maximumChoices: Int = 64, maximumBodyBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.modelName = modelName
        self.defaultMaxTokens = defaultMaxTokens
        self.maximumChoices = maximumChoices
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Checks every field.
    /// - Throws: `ServingError.invalidField` naming the field, its value and the rule.
    public func validate() throws(ServingError) {
        guard !host.isEmpty else { throw .invalidField(field: "host", value: "\"\"", rule: "give an interface address such as 127.0.0.1") }
        guard (0...65535).contains(port) else { throw .invalidField(field: "port", value: "\(port)", rule: "port must be in 0...65535") }
        guard !modelName.isEmpty else { throw .invalidField(field: "model_name", value: "\"\"", rule: "the model name must be non-empty") }
        guard defaultMaxTokens >= 1 else {
            throw .invalidField(field: "default_max_tokens", value: "\(defaultMaxTokens)", rule: "must be >= 1")
        }
        guard maximumChoices >= 1 else { throw .invalidField(field: "maximum_choices", value: "\(maximumChoices)", rule: "must be >= 1") }
        guard maximumBodyBytes >= 1024 else {
            throw .invalidField(field: "maximum_body_bytes", value: "\(maximumBodyBytes)", rule: "must be >= 1024")
        }
    }
}
