// A fast sample of the canonical-solution check: the first 8 HumanEval and first 8 MBPP reference
// solutions pass in the sandbox and a wrong completion fails each of them. The full 591-program run is
// Tests/RealModelTests/SandboxCanonicalTests.swift (release, slow).

import Foundation
import Testing
@testable import Sandbox

@Suite struct CanonicalSampleTests {
    static let sample: Result<[CodeTestCase], any Error> = Result {
        try Array(CanonicalData.humanEval().prefix(8)) + Array(CanonicalData.mbpp().prefix(8))
    }

    @Test func referenceSolutionsPass() throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let cases = try Self.sample.get()
        let limits = SandboxLimits(wallTime: 60, cpuTime: 10)
        let results = sandbox.runAll(cases.map { SandboxJob(program: $0.referenceProgram, limits: limits) })
        let failures = zip(cases, results).filter { !$0.1.succeeded }.map { "\($0.0.id): \($0.1.status)" }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func wrongSolutionsFail() throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let cases = try Self.sample.get()
        let limits = SandboxLimits(wallTime: 60, cpuTime: 10)
        let programs = cases.map { testCase -> String in
            switch testCase.harness {
            case .humanEval: return testCase.program(completion: "    return None\n")
            case .mbpp: return testCase.program(completion: "pass\n")  // defines nothing: NameError
            }
        }
        let results = sandbox.runAll(programs, limits: limits)
        let passed = zip(cases, results).filter { $0.1.succeeded }.map(\.0.id)
        #expect(passed.isEmpty, "\(passed)")
        #expect(results.allSatisfy { if case .failed = $0.status { true } else { false } })
    }
}
