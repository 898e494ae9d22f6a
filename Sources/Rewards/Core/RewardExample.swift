// RewardExample.swift — the reference side of a reward: prompt, gold answer, task kind, tests.
// Not a dataset row format: dataset readers (Tasks/) convert their rows into this value.

/// The tests a code completion must pass, in the encoding of the dataset it came from.
public enum CodeTests: Sendable, Equatable, Codable {
    /// HumanEval: the program is `prompt + completion + "\n" + test + "\n" + "check(entryPoint)"`.
    /// - Parameters:
    ///   - prompt: the function signature and docstring the completion continues (may be empty when the
    ///     completion is a whole module).
    ///   - test: Python source defining `check(candidate)`.
    ///   - entryPoint: the name of the function under test.
    case humanEval(prompt: String, test: String, entryPoint: String)
    /// MBPP: the program is `code + test_imports + test_list`, one `assert` per test.
    case mbpp(testImports: [String], testList: [String])

    /// Number of individual test statements, when known without running Python (MBPP only).
    public var declaredTestCount: Int? {
        switch self {
        case .humanEval: return nil
        case .mbpp(_, let list): return list.count
        }
    }
}

/// What kind of task an example belongs to; rewards use it to decide whether they apply.
public enum TaskKind: Sendable, Equatable, Codable {
    /// A math problem whose gold answer is LaTeX or a number (GSM8K, MATH-500, arithmetic).
    case math
    /// A program-synthesis problem checked by running tests.
    case code(CodeTests)
    /// A TinyZero countdown puzzle: combine `numbers` (each exactly once) with + − × ÷ to reach `target`.
    case countdown(numbers: [Int], target: Int)
    /// Anything else (only format/length-style rewards apply).
    case generic

    /// Short lowercase name used in reports and in the external-command protocol ("math", "code", …).
    public var name: String {
        switch self {
        case .math: return "math"
        case .code: return "code"
        case .countdown: return "countdown"
        case .generic: return "generic"
        }
    }
}

/// One reference example a completion is scored against.
///
/// ```swift
/// let example = RewardExample(prompt: "What is 2+3?", goldAnswer: "5", kind: .math)
/// ```
public struct RewardExample: Sendable, Equatable, Codable {
    /// Stable identifier (dataset task id, or generator seed/index), for reports.
    public var id: String?
    /// The prompt text shown to the model.
    public var prompt: String
    /// The gold answer (LaTeX or number for math, the target for countdown, a reference solution for code).
    public var goldAnswer: String?
    /// Task kind and its task-specific payload.
    public var kind: TaskKind
    /// Free-form string metadata forwarded to external rewards (e.g. `subject`, `level`).
    public var metadata: [String: String]

    /// Creates an example.
    /// - Parameters:
    ///   - id: optional identifier.
    ///   - prompt: prompt text.
    ///   - goldAnswer: gold answer, if the task has one.
    ///   - kind: task kind (default `.generic`).
    ///   - metadata: extra string fields.
    public init(
        id: String? = nil, prompt: String, goldAnswer: String? = nil, kind: TaskKind = .generic,
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.prompt = prompt
        self.goldAnswer = goldAnswer
        self.kind = kind
        self.metadata = metadata
    }

    /// The code tests, when `kind` is `.code`.
    public var tests: CodeTests? {
        if case .code(let tests) = kind { return tests }
        return nil
    }
}
