// MathVerificationError: typed errors of the MathVerification module. Not used for "answers differ";
// a wrong answer is a `Verification` with `isEquivalent == false`, never an error.

/// Errors raised by MathVerification for invalid configuration or for inputs that cannot be handled.
///
/// Verification itself never throws: `MathVerifier.verify(gold:prediction:)` reports unparseable or
/// over-budget inputs inside its `Verification` result. These errors come from `Configuration.validate()`
/// and from the throwing building blocks (`ExpressionParser.parse(_:budget:)`, `WorkBudget.spend(_:)`).
public enum MathVerificationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A configuration field holds a value outside its allowed range.
    case invalidConfiguration(field: String, value: String, rule: String)
    /// The expression parser could not read `input` at character offset `position`.
    case parseFailure(input: String, position: Int, reason: String)
    /// The work budget (operation count or deadline) ran out while doing `stage`.
    case budgetExceeded(stage: String, operations: Int, limit: Int)

    /// What went wrong, where, and what to do.
    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, rule):
            return "MathVerifier.Configuration.\(field) = \(value) is invalid: \(rule). Fix the value in the recipe or the CLI flag."
        case let .parseFailure(input, position, reason):
            let shown = input.count > 80 ? String(input.prefix(77)) + "..." : input
            return "Cannot parse math expression \"\(shown)\" at character \(position): \(reason). The answer is compared as text instead."
        case let .budgetExceeded(stage, operations, limit):
            return "Verification budget exceeded during \(stage) after \(operations) operations (limit \(limit)) or past the deadline; raise Configuration.operationLimit or timeLimitSeconds if this input is legitimate."
        }
    }
}
