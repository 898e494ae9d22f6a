// Every HumanEval canonical solution (164) and every MBPP sanitized reference solution (427) passes in the
// bubblewrap sandbox, two at a time. Slow on 2 cores (MBPP/123, amicable numbers below 9999, alone needs
// about 8 s of CPU; the whole set took 57 s under load 13), so it lives with the release-mode slow tests.
// Needs bubblewrap and /usr/bin/python3 (Scripts/setup.sh); no model.

import Foundation
import Sandbox
import Testing

@Suite struct SandboxCanonicalTests {
    /// Rows that take seconds (measured by Scripts/fixtures/sandbox_harness_programs.py); queued first so
    /// they overlap with the rest.
    static let slowRows: Set<String> = ["MBPP/123", "HumanEval/75"]

    /// Fixtures/sandbox (dataset copies written by Scripts/fixtures/sandbox_harness_programs.py).
    static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sandbox")

    static func cases() throws -> [CodeTestCase] {
        let humanEval = try String(contentsOf: fixtures.appendingPathComponent("humaneval/HumanEval.jsonl"), encoding: .utf8)
        let mbpp = try String(contentsOf: fixtures.appendingPathComponent("mbpp/sanitized-mbpp.jsonl"), encoding: .utf8)
        return try CodeTestCase.loadHumanEval(jsonLines: humanEval, source: "HumanEval.jsonl")
            + CodeTestCase.loadMBPP(jsonLines: mbpp, source: "sanitized-mbpp.jsonl")
    }

    @Test func allCanonicalSolutionsPassInTheSandbox() throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .bubblewrap, maxConcurrency: 2))
        let cases = try Self.cases()
        #expect(cases.count == 164 + 427)
        let ordered = cases.filter { Self.slowRows.contains($0.id) } + cases.filter { !Self.slowRows.contains($0.id) }
        // Generous: MBPP/123 needs ~8 s of CPU and took 36 s of wall time on a loaded machine.
        let limits = SandboxLimits(wallTime: 180, cpuTime: 30, memoryBytes: 1 << 30)
        let start = Date()
        let results = sandbox.runAll(ordered.map { SandboxJob(program: $0.referenceProgram, limits: limits) })
        let elapsed = Date().timeIntervalSince(start)
        let failures = zip(ordered, results).filter { !$0.1.succeeded }.map { "\($0.0.id): \($0.1.status)" }
        #expect(failures.isEmpty, "\(failures.count) reference solutions failed:\n\(failures.joined(separator: "\n"))")
        #expect(results.allSatisfy { $0.isolation == .bubblewrap })
        print("sandbox canonical: \(results.count) programs in \(String(format: "%.1f", elapsed)) s")
    }

    @Test func wrongCompletionsFailEveryHumanEvalProblem() throws {
        // The harness must be able to fail: `return None` as every body fails all 164 problems.
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .bubblewrap, maxConcurrency: 2))
        let cases = try Self.cases().filter { $0.id.hasPrefix("HumanEval/") }
        let limits = SandboxLimits(wallTime: 60, cpuTime: 10, memoryBytes: 1 << 30)
        let results = sandbox.runAll(cases.map { SandboxJob(program: $0.program(completion: "    return None\n"), limits: limits) })
        let passed = zip(cases, results).filter { $0.1.succeeded }.map(\.0.id)
        #expect(passed.isEmpty, "passed with `return None`: \(passed)")
    }
}
