// SandboxError: the typed errors of the Sandbox module (invalid limits or configuration, malformed
// dataset rows). It is not used for what the sandboxed program does: that is an `ExecutionResult`.

/// An error raised by the Sandbox module for bad input from outside: limits, configuration and
/// dataset files.
///
/// What a sandboxed program does (fail, time out, crash) is never an error; it is reported as an
/// ``ExecutionResult``.
public enum SandboxError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A field of ``SandboxLimits`` is out of range.
    case invalidLimit(field: String, value: String, rule: String)
    /// A field of ``ProcessSandbox/Configuration`` is invalid.
    case invalidConfiguration(field: String, value: String, rule: String)
    /// A line of a dataset JSON Lines file could not be decoded.
    case malformedRow(source: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidLimit(let field, let value, let rule):
            return "SandboxLimits.\(field) = \(value) is invalid: \(rule). Fix the value in the sandbox limits."
        case .invalidConfiguration(let field, let value, let rule):
            return "ProcessSandbox.Configuration.\(field) = \(value) is invalid: \(rule)."
        case .malformedRow(let source, let line, let reason):
            return "\(source), line \(line): \(reason). Check that the file is the dataset's JSON Lines export, one object per line."
        }
    }
}
