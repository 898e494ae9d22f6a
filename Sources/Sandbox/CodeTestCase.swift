// CodeTestCase: a programming problem with its tests, and how a completion is turned into the program the
// sandbox runs. The dataset-specific builders are in HumanEvalHarness.swift and MBPPHarness.swift.
// It does not extract code from model output (that is the Rewards module's job).

/// One programming problem: its prompt, its tests and a reference solution.
///
/// ```swift
/// let cases = try CodeTestCase.loadHumanEval(jsonLines: text, source: "HumanEval.jsonl")
/// let program = cases[0].program(completion: "    return sorted(numbers)\n")
/// let result = await sandbox.run(program, limits: .default)
/// ```
public struct CodeTestCase: Codable, Sendable, Equatable, Identifiable {
    /// How the tests are attached to a completion.
    public enum Harness: Codable, Sendable, Equatable {
        /// HumanEval: the completion continues `prompt` (a signature and docstring); `test` defines
        /// `check(candidate)`, which is called with `entryPoint`.
        case humanEval(prompt: String, test: String, entryPoint: String)
        /// MBPP: the completion is a whole module; `testImports`, `setupCode` and the `assert` lines in
        /// `tests` follow it.
        case mbpp(testImports: [String], setupCode: String, tests: [String])
    }

    /// The dataset's task id (`HumanEval/0`, `MBPP/2`).
    public var id: String
    /// The text shown to the model: HumanEval's code prompt, or MBPP's one-sentence description.
    public var prompt: String
    /// How completions are tested.
    public var harness: Harness
    /// The dataset's reference solution, in the same form as a completion (HumanEval: a function body).
    public var referenceSolution: String

    /// Creates a test case.
    public init(id: String, prompt: String, harness: Harness, referenceSolution: String) {
        self.id = id
        self.prompt = prompt
        self.harness = harness
        self.referenceSolution = referenceSolution
    }

    /// The complete program that runs `completion` against the tests; it passes when it runs to its end.
    ///
    /// - Parameter completion: HumanEval: the code that continues the prompt (usually the function body);
    ///   MBPP: a complete module defining the function the asserts call.
    /// - Returns: Python source for ``CodeSandbox/run(_:limits:)``.
    public func program(completion: String) -> String {
        switch harness {
        case .humanEval(let prompt, let test, let entryPoint):
            return HumanEvalHarness.program(prompt: prompt, completion: completion, test: test, entryPoint: entryPoint)
        case .mbpp(let testImports, let setupCode, let tests):
            return MBPPHarness.program(code: completion, testImports: testImports, setupCode: setupCode, tests: tests)
        }
    }

    /// The program that runs the reference solution; every dataset row should pass it.
    public var referenceProgram: String { program(completion: referenceSolution) }
}
