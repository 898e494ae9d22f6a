// WorkBudget: per-verification operation counter plus wall-clock deadline. Not shared between threads:
// every `verify` call creates its own, so the verifier has no global mutable state and needs no signals.

/// Counts work done by one verification and stops it when the operation limit or the deadline passes.
///
/// Create one per verification; it is deliberately not `Sendable`. Every loop in the parser,
/// simplifier and evaluator calls `spend(_:)`, so a pathological input (`10^{10^{10}}`, `1000!`,
/// deeply nested braces) costs at most `operationLimit` steps or `deadline`, whichever comes first.
///
/// ```swift
/// let budget = WorkBudget(operationLimit: 100_000, timeLimitSeconds: 0.2)
/// try budget.spend(1, stage: "parse")
/// ```
public final class WorkBudget {
    /// Maximum number of operations before `spend` throws.
    public let operationLimit: Int
    /// Operations spent so far.
    public private(set) var operations: Int = 0
    private let deadline: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// Creates a budget.
    /// - Parameters:
    ///   - operationLimit: operations allowed (each parser token, arithmetic step or evaluation counts).
    ///   - timeLimitSeconds: wall-clock limit measured from now.
    public init(operationLimit: Int, timeLimitSeconds: Double) {
        self.operationLimit = operationLimit
        let nanos = Int64(max(0, min(timeLimitSeconds, 3600)) * 1e9)
        self.deadline = ContinuousClock.now.advanced(by: .nanoseconds(nanos))
    }

    /// Records `cost` operations; checks the clock every 256 operations.
    /// - Parameters:
    ///   - cost: operations to charge (for big-number work, roughly the number of machine words touched).
    ///   - stage: name of the current stage, used in the error.
    /// - Throws: `MathVerificationError.budgetExceeded` when the limit or deadline has passed.
    public func spend(_ cost: Int = 1, stage: String) throws(MathVerificationError) {
        let before = operations
        operations &+= max(cost, 1)
        if operations > operationLimit || operations < before {
            throw .budgetExceeded(stage: stage, operations: operations, limit: operationLimit)
        }
        if (before >> 8) != (operations >> 8), clock.now > deadline {
            throw .budgetExceeded(stage: stage, operations: operations, limit: operationLimit)
        }
    }

    /// Whether the deadline has passed (does not charge an operation).
    public var isPastDeadline: Bool { clock.now > deadline }
}
