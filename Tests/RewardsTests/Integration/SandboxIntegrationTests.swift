// SandboxIntegrationTests.swift — the code reward wired to the Sandbox module's ProcessSandbox.

import Foundation
import Sandbox
import Testing
@testable import Rewards

@Suite struct SandboxIntegrationTests {
    let environment = RewardEnvironment.standard()

    func examples(_ format: DatasetFormat, _ file: String) throws -> [RewardExample] {
        try DatasetTask(format: format, files: [.test: RewardsFixtures.url("data/\(file)")], reward: TagCountReward())
            .examples(split: .test, count: nil, seed: 0)
    }

    @Test func canonicalSolutionsPassAndPartialCreditCountsInTheSandbox() throws {
        let registry = RewardRegistry.builtIn(environment: environment)
        let code = try registry.make("code")
        let binary = try registry.make("code", parameters: ["scoring": .string("all_or_nothing")])
        let he = try examples(.humaneval, "humaneval_sample.jsonl")
        let mb = try examples(.mbpp, "mbpp_sample.jsonl")
        var samples = he.map { RewardSample(example: $0, completion: Completion("```python\n\($0.prompt)\($0.goldAnswer!)```")) }
        samples += mb.map { RewardSample(example: $0, completion: Completion("```python\n\($0.goldAnswer!)\n```")) }
        samples.append(RewardSample(example: he[0], completion: Completion("```python\ndef has_close_elements(numbers, threshold):\n    return True\n```")))
        samples.append(RewardSample(example: mb[0], completion: Completion("```python\nimport os\nos._exit(0)\n```")))
        samples.append(RewardSample(example: mb[1], completion: Completion("```python\ndef is_not_prime(n):\n    while True: pass\n```")))
        let out = code.scoreBatch(samples, timeout: nil)
        let expected: [Double] = [1, 1, 1, 1, 1, 1, 4.0 / 7.0, 0, 0]
        if out.contains(where: { if case .failed(.sandboxUnavailable) = $0 { return true } else { return false } }) {
            Issue.record("sandbox unavailable on this machine: \(out)")
            return
        }
        #expect(out.map(\.value) == expected.map(Optional.some))
        #expect(binary.scoreBatch(samples, timeout: nil).map(\.value) == [1, 1, 1, 1, 1, 1, 0, 0, 0].map(Optional.some))
    }

    @Test func accuracyRoutesCodeMathAndCountdown() throws {
        let accuracy = try RewardRegistry.builtIn(environment: environment).make("accuracy")
        let mb = try examples(.mbpp, "mbpp_sample.jsonl")
        let samples = [
            RewardSample(example: mb[2], completion: Completion("```python\n\(mb[2].goldAnswer!)\n```")),
            sample("<answer>42</answer>", gold: "42"),
            RewardSample(example: RewardExample(prompt: "", kind: .countdown(numbers: [2, 3], target: 6)), completion: Completion("<answer>2*3</answer>")),
            sample("x", kind: .generic),
        ]
        #expect(accuracy.scoreBatch(samples, timeout: nil) == [.value(1), .value(1), .value(1), .notApplicable])
    }

    @Test func statusConversion() {
        let r = ExecutionResult(status: .sandboxUnavailable("no bwrap"), stdout: "", stderr: "", exitCode: nil, wallTime: 0, cpuTime: 0, isolation: .none)
        #expect(SandboxCodeRunner.convert(r) == CodeRunResult(status: .sandboxUnavailable, stdout: "", stderr: "no bwrap"))
    }
}
