// CodeExecutionRewardTests.swift — the per-test harness on real HumanEval/MBPP records with python3.

import Foundation
import Testing
@testable import Rewards

@Suite struct CodeExecutionRewardTests {
    let humaneval: [RewardExample]
    let mbpp: [RewardExample]

    init() throws {
        let r = TagCountReward()
        humaneval = try DatasetTask(format: .humaneval, files: [.test: RewardsFixtures.url("data/humaneval_sample.jsonl")], reward: r)
            .examples(split: .test, count: nil, seed: 0)
        mbpp = try DatasetTask(format: .mbpp, files: [.test: RewardsFixtures.url("data/mbpp_sample.jsonl")], reward: r)
            .examples(split: .test, count: nil, seed: 0)
    }

    func reward(_ scoring: CodeScoring = .fraction, timeout: Double = 10) throws -> CodeExecutionReward {
        try CodeExecutionReward(runner: PlainPythonRunner(), scoring: scoring, timeout: timeout)
    }

    @Test func canonicalSolutionsPassEveryTest() throws {
        let r = try reward(.allOrNothing)
        for ex in humaneval {
            #expect(try r.score(Completion(ex.goldAnswer!), for: ex) == 1, "\(ex.id!) as body continuation")
            #expect(try r.score(Completion("```python\n\(ex.prompt)\(ex.goldAnswer!)```"), for: ex) == 1, "\(ex.id!) as block")
        }
        for ex in mbpp { #expect(try r.score(Completion("```python\n\(ex.goldAnswer!)\n```"), for: ex) == 1, "\(ex.id!)") }
    }

    @Test func partialCreditCountsIndividualTests() throws {
        // HumanEval/0 has 7 asserts; "always True" passes the 4 whose expected value is True.
        let ex = humaneval[0]
        let code = "```python\ndef has_close_elements(numbers, threshold):\n    return True\n```"
        #expect(try reward(.fraction).score(Completion(code), for: ex) == 4.0 / 7.0)
        #expect(try reward(.allOrNothing).score(Completion(code), for: ex) == 0)
        // MBPP 3 (is_not_prime): "return True" passes 2 of 4 asserts.
        let m = mbpp[1]
        #expect(try reward(.fraction).score(Completion("```python\ndef is_not_prime(n):\n    return True\n```"), for: m) == 0.5)
    }

    @Test func trivialAssertTrueLinesGiveNoCredit() throws {
        let ex = RewardExample(prompt: "def f(x):\n", kind: .code(.humanEval(prompt: "def f(x):\n",
            test: "def check(candidate):\n    assert candidate(1) == 2\n    assert True, 'debug'\n    for i in range(3):\n        assert candidate(i) == i + 1\n    assert True\n", entryPoint: "f")))
        #expect(try reward().score(Completion("    return x + 1\n"), for: ex) == 1)
        #expect(try reward().score(Completion("    return 0\n"), for: ex) == 0)      // 2 real tests, both fail
        #expect(try reward().score(Completion("    return 2\n"), for: ex) == 0.5)    // first passes, loop fails
    }

    @Test func brokenCodeAndTimeoutsScoreWithoutThrowing() throws {
        let ex = mbpp[0]
        #expect(try reward().score(Completion("```python\ndef similar_elements(:\n```"), for: ex) == 0)
        #expect(try reward().score(Completion("no code at all"), for: ex) == 0)
        // Exits early: tests never run, so nothing counts even though the process "passes".
        #expect(try reward().score(Completion("```python\nimport sys\nsys.exit(0)\n```"), for: ex) == 0)
        // Forged markers without the nonce do not count.
        #expect(try reward().score(Completion("```python\nprint('R1x T 1')\n```"), for: ex) == 0)
        let start = Date()
        let loop = "```python\ndef similar_elements(a, b):\n    while True: pass\n```"
        #expect(try reward(timeout: 1).score(Completion(loop), for: ex) == 0)
        #expect(Date().timeIntervalSince(start) < 5)
        // Non-code examples: not applicable.
        #expect(try reward().score(Completion("x"), for: sample("x").example) == nil)
    }

    @Test func unavailableSandboxIsAFailureNotAZero() throws {
        struct NoSandbox: CodeRunner {
            func runPython(_ program: String, timeout: Double) -> CodeRunResult { CodeRunResult(status: .sandboxUnavailable, stderr: "bwrap missing") }
        }
        let r = try CodeExecutionReward(runner: NoSandbox())
        #expect(throws: RewardsError.sandboxUnavailable(reason: "bwrap missing")) { try r.score(Completion("x"), for: mbpp[0]) }
    }

    @Test func extractionModes() {
        let text = "x\n```python\na = 1\n```\nthen\n```python\nb = 2\n```"
        #expect(CodeExtraction.pythonBlock.extract(from: text) == "b = 2\n")
        #expect(CodeExtraction.pythonBlock.extract(from: "```\nc = 3\n```") == "")
        #expect(CodeExtraction.blockOrRaw.extract(from: "```\nc = 3\n```") == "c = 3\n")
        #expect(CodeExtraction.blockOrRaw.extract(from: "<think>t</think>    return 1") == "    return 1")
    }

    @Test func harnessTallyParsesPartialOutput() {
        let out = "N1 N 3\nnoise\nN1 T 1\nN1 T 0\n"
        #expect(CodeTestHarness.tally(stdout: out, nonce: "N1", declaredTotal: nil) == .init(passed: 1, total: 3, finished: false))
        #expect(CodeTestHarness.tally(stdout: "", nonce: "N1", declaredTotal: nil) == nil)
        #expect(CodeTestHarness.tally(stdout: "N1 END", nonce: "N1", declaredTotal: 2) == .init(passed: 0, total: 2, finished: true))
    }
}
