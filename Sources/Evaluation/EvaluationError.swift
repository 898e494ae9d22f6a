// EvaluationError: what can go wrong while evaluating (bad settings, unreadable task files, resume conflicts);
// a bad `--task` spec is `RewardsError.invalidTaskSpec` (see Rewards' TaskSpec).

/// Errors of the Evaluation module. Messages say what went wrong, where, and what to do.
public enum EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A configuration field is out of range.
    case invalidConfiguration(field: String, value: String, rule: String)
    /// A record of a user JSONL task lacks a field or has the wrong type.
    case invalidRecord(file: String, line: Int, reason: String)
    /// The task produced no problems.
    case noProblems(task: String)
    /// The results directory holds an evaluation with different settings.
    case resumeMismatch(path: String, reason: String)
    /// A results file could not be read, parsed or written.
    case resultsFile(path: String, line: Int?, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, rule):
            return "Invalid evaluation setting \(field) = \(value): \(rule)."
        case let .invalidRecord(file, line, reason):
            return "\(file) line \(line): \(reason). Each line must be a JSON object with a prompt and an answer."
        case let .noProblems(task):
            return "Task \(task) produced no problems; check the file or --limit."
        case let .resumeMismatch(path, reason):
            return "\(path) holds results of a different evaluation (\(reason)); use another --output directory or delete it to start over."
        case let .resultsFile(path, line, reason):
            return "Results file \(path)\(line.map { " line \($0)" } ?? ""): \(reason)."
        }
    }
}
