// RewardEnvironment.swift — the services reward factories need (math verifier, code sandbox).

/// Services rewards are built with. `RewardEnvironment.standard()` (Integration/) wires the
/// MathVerification and Sandbox modules; tests may pass their own.
public struct RewardEnvironment: Sendable {
    /// Math answer verifier.
    public var mathChecker: any MathAnswerChecker
    /// Code sandbox, or nil when code cannot be executed (code rewards then fail to build; `accuracy`
    /// returns nil for code examples).
    public var codeRunner: (any CodeRunner)?

    /// Creates an environment.
    /// - Parameters:
    ///   - mathChecker: math verifier.
    ///   - codeRunner: sandbox or nil.
    public init(mathChecker: any MathAnswerChecker, codeRunner: (any CodeRunner)?) {
        self.mathChecker = mathChecker
        self.codeRunner = codeRunner
    }
}
