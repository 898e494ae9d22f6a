// DistillationError: what goes wrong distilling: a teacher endpoint that fails or answers nonsense, unreadable
// prompt files, output files that cannot be resumed, and invalid settings.

/// An error of the Distillation module; each message says what failed, where, and what to do.
public enum DistillationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, value: String, rule: String)
    /// The teacher endpoint could not be reached (after retries).
    case endpointUnreachable(url: String, attempts: Int, reason: String)
    /// The teacher endpoint answered with an HTTP error status (after retries for 429 / 5xx).
    case endpointStatus(url: String, status: Int, message: String)
    /// The teacher endpoint answered 200 with a body that is not a completion response.
    case malformedResponse(url: String, detail: String)
    /// A prompt file (or one of its lines) cannot be read.
    case unreadableInput(path: String, line: Int?, reason: String)
    /// The output or progress file exists but cannot be resumed.
    case unresumableOutput(path: String, reason: String)
    /// Writing the output failed.
    case writeFailed(path: String, reason: String)
    /// The local teacher's sampler failed.
    case generationFailed(reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, rule):
            return "Invalid distillation setting \(field) = \(value): \(rule)."
        case let .endpointUnreachable(url, attempts, reason):
            return "The teacher endpoint \(url) could not be reached after \(attempts) attempt(s): \(reason). "
                + "Check that the server is running and the base URL (e.g. http://127.0.0.1:8000/v1) is right."
        case let .endpointStatus(url, status, message):
            return "The teacher endpoint \(url) answered HTTP \(status): \(message). "
                + (status == 401 || status == 403 ? "Check the API key environment variable." :
                   status == 404 ? "Check the base URL and --teacher-model (GET /v1/models lists the served names)." :
                   "Check the request settings and the server's log.")
        case let .malformedResponse(url, detail):
            return "The teacher endpoint \(url) returned a response that is not an OpenAI completion: \(detail)."
        case let .unreadableInput(path, line, reason):
            return "Cannot read prompts from \(path)\(line.map { " line \($0)" } ?? ""): \(reason). "
                + "Each line must be a JSON object with \"prompt\" and \"answer\" strings."
        case let .unresumableOutput(path, reason):
            return "Cannot resume \(path): \(reason). Delete it (and its .progress.jsonl) to start over, or choose another --output."
        case let .writeFailed(path, reason):
            return "Cannot write \(path): \(reason). Check the directory exists and is writable."
        case let .generationFailed(reason):
            return "The local teacher failed to generate: \(reason)."
        }
    }
}
