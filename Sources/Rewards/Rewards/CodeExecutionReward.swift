// CodeExecutionReward.swift — accuracy for code: run HumanEval/MBPP tests in a sandbox.
// open-r1's `code` reward scores the fraction of test cases passed and `binary_code` all-or-nothing;
// code extraction follows open-r1 `extract_code` (last ```python block).

import Foundation

/// How test results become a score.
public enum CodeScoring: String, Sendable, Codable, CaseIterable {
    /// passed / total (open-r1 `code`).
    case fraction
    /// 1 if every test passed, else 0 (official HumanEval/MBPP pass@1, open-r1 `binary_code`).
    case allOrNothing = "all_or_nothing"
}

/// Where the candidate code is taken from in the completion.
public enum CodeExtraction: String, Sendable, Codable, CaseIterable {
    /// The last ```python fenced block; none → empty program (open-r1).
    case pythonBlock = "python_block"
    /// The last ```python block, else the last ``` block, else the `<answer>` block, else the raw text
    /// (a base model continuing a HumanEval prompt). Default.
    case blockOrRaw = "block_or_raw"

    /// Extracts the candidate code.
    /// - Parameter text: the completion.
    /// - Returns: the code (possibly empty).
    public func extract(from text: String) -> String {
        if let block = Self.lastFence(in: text, opener: "```python\n") { return block }
        if self == .pythonBlock { return "" }
        if let block = Self.lastFence(in: text, opener: "```\n") { return block }
        if let answer = ThinkAnswer.answer(in: text) { return answer }
        return ThinkAnswer.afterThinking(in: text) ?? text
    }

    static func lastFence(in text: String, opener: String) -> String? {
        let open = Array(opener.utf8)
        let close = Array("```".utf8)
        return TextScan.withBytes(text) { b in
            var result: String? = nil
            var i = 0
            while let o = TextScan.find(open, in: b, from: i) {
                let start = o + open.count
                guard let c = TextScan.find(close, in: b, from: start) else { break }
                result = TextScan.string(b, start..<c)
                i = c + close.count
            }
            return result
        }
    }
}

/// Code accuracy by running the example's tests (`TaskKind.code`) in a `CodeRunner`.
///
/// nil for non-code examples. A sandbox that cannot start is a per-sample failure
/// (`RewardsError.sandboxUnavailable`), never a 0 — so broken infrastructure does not look like bad code.
/// On a timeout or crash the tests that finished before still count in `.fraction` mode.
public struct CodeExecutionReward: RewardFunction {
    public let name: String
    /// The sandbox.
    public let runner: any CodeRunner
    /// Scoring mode.
    public let scoring: CodeScoring
    /// Code extraction.
    public let extraction: CodeExtraction
    /// Wall-clock seconds per program (default 10; HumanEval's harness uses 3 s per problem).
    public let timeout: Double

    /// Creates the reward.
    /// - Parameters:
    ///   - runner: the sandbox.
    ///   - scoring: fraction (default) or all-or-nothing.
    ///   - extraction: code extraction (default `.blockOrRaw`).
    ///   - timeout: seconds per program, > 0.
    ///   - name: report name (default "code").
    /// - Throws: `RewardsError.invalidParameter` for a bad timeout.
    public init(runner: any CodeRunner, scoring: CodeScoring = .fraction, extraction: CodeExtraction = .blockOrRaw,
                timeout: Double = 10, name: String = "code") throws {
        guard timeout > 0 && timeout.isFinite else {
            throw RewardsError.invalidParameter(reward: name, parameter: "timeout", value: "\(timeout)", expected: "a positive number of seconds")
        }
        self.runner = runner
        self.scoring = scoring
        self.extraction = extraction
        self.timeout = timeout
        self.name = name
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        let r = scoreBatch([RewardSample(example: example, completion: completion)], timeout: nil)[0]
        if case .failed(let e) = r { throw e }
        return r.value
    }

    /// Scores a batch with one call to the runner (which runs programs concurrently). The sandbox kills
    /// each program at `min(self.timeout, timeout)` seconds.
    public func scoreBatch(_ samples: [RewardSample], timeout: Double?) -> [RewardOutcome] {
        var outcomes = [RewardOutcome](repeating: .notApplicable, count: samples.count)
        var programs: [String] = []
        var slots: [(index: Int, nonce: String, declared: Int?)] = []
        for (i, s) in samples.enumerated() {
            guard let tests = s.example.tests else { continue }
            let nonce = "R1" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
            programs.append(CodeTestHarness.program(candidate: extraction.extract(from: s.completion.text), tests: tests, nonce: nonce))
            slots.append((i, nonce, tests.declaredTestCount))
        }
        guard !programs.isEmpty else { return outcomes }
        let results = runner.runPython(programs, timeout: min(self.timeout, timeout ?? .infinity))
        for (slot, result) in zip(slots, results) {
            outcomes[slot.index] = outcome(result, nonce: slot.nonce, declared: slot.declared)
        }
        return outcomes
    }

    func outcome(_ result: CodeRunResult, nonce: String, declared: Int?) -> RewardOutcome {
        if result.status == .sandboxUnavailable {
            return .failed(.sandboxUnavailable(reason: result.stderr.isEmpty ? "the sandbox reported it is unavailable" : String(result.stderr.suffix(300))))
        }
        guard let t = CodeTestHarness.tally(stdout: result.stdout, nonce: nonce, declaredTotal: declared) else {
            return .value(0)  // died before the harness started (e.g. killed immediately)
        }
        guard t.total > 0 else {
            // No tests declared: only "runs to the end" can be judged.
            return .value((t.finished && result.status == .passed) ? 1 : 0)
        }
        switch scoring {
        case .fraction: return .value(Double(t.passed) / Double(t.total))
        case .allOrNothing: return .value((t.finished && t.passed == t.total) ? 1 : 0)
        }
    }
}
