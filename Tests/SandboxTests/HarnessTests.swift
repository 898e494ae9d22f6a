// HumanEval and MBPP harnesses: the program text of every dataset row matches the one built by
// Scripts/fixtures/sandbox_harness_programs.py (Fixtures/sandbox/harness_programs.json), and malformed
// rows are reported with file and line.

import Foundation
import Testing
@testable import Sandbox

/// The fixture written by the Python script.
struct HarnessFixture: Decodable {
    struct Program: Decodable {
        var id: String
        var length: Int
        var fnv1a64: String
        var passes_unsandboxed: Bool
    }
    var programs: [Program]
    var examples: [String: String]

    static func load() throws -> HarnessFixture {
        let url = SandboxTestSupport.fixtures.appendingPathComponent("harness_programs.json")
        return try JSONDecoder().decode(HarnessFixture.self, from: Data(contentsOf: url))
    }
}

/// The canonical datasets copied into Fixtures/sandbox.
enum CanonicalData {
    static func humanEval() throws -> [CodeTestCase] {
        let url = SandboxTestSupport.fixtures.appendingPathComponent("humaneval/HumanEval.jsonl")
        return try CodeTestCase.loadHumanEval(jsonLines: String(contentsOf: url, encoding: .utf8), source: "HumanEval.jsonl")
    }

    static func mbpp() throws -> [CodeTestCase] {
        let url = SandboxTestSupport.fixtures.appendingPathComponent("mbpp/sanitized-mbpp.jsonl")
        return try CodeTestCase.loadMBPP(jsonLines: String(contentsOf: url, encoding: .utf8), source: "sanitized-mbpp.jsonl")
    }
}

/// FNV-1a, 64 bits, over UTF-8 bytes (the same function as the fixture script).
func fnv1a64(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

@Suite struct HarnessTests {
    @Test func everyReferenceProgramMatchesTheScript() throws {
        let fixture = try HarnessFixture.load()
        let cases = try CanonicalData.humanEval() + CanonicalData.mbpp()
        #expect(cases.count == 164 + 427)
        #expect(cases.map(\.id) == fixture.programs.map(\.id))
        for (testCase, expected) in zip(cases, fixture.programs) {
            let program = testCase.referenceProgram
            #expect(program.utf8.count == expected.length, "\(testCase.id)")
            #expect(fnv1a64(program) == expected.fnv1a64, "\(testCase.id)")
            #expect(expected.passes_unsandboxed, "\(testCase.id) fails even without a sandbox")
        }
        for (id, text) in fixture.examples {
            let testCase = try #require(cases.first { $0.id == id })
            #expect(testCase.referenceProgram == text, "\(id)")
        }
    }

    @Test func humanEvalProgramFollowsTheOfficialConcatenation() {
        let program = HumanEvalHarness.program(prompt: "def f(x):\n", completion: "    return x\n",
                                               test: "def check(c):\n    assert c(1) == 1\n", entryPoint: "f")
        #expect(program == "def f(x):\n    return x\n\ndef check(c):\n    assert c(1) == 1\n\ncheck(f)")
    }

    @Test func mbppProgramPutsImportsAndSetupBeforeTheAsserts() {
        let program = MBPPHarness.program(code: "def f(x):\n    return math.sqrt(x)", testImports: ["import math"],
                                          setupCode: "y = 4", tests: ["assert f(y) == 2", "assert f(9) == 3"])
        #expect(program == "def f(x):\n    return math.sqrt(x)\nimport math\ny = 4\nassert f(y) == 2\nassert f(9) == 3\n")
    }

    @Test func mbppFullReleaseRowsDecodeWithTextAndSetupCode() throws {
        let line = #"{"task_id": 7, "text": "Do it.", "code": "def g(): return 1", "test_list": ["assert g() == y"], "test_setup_code": "y = 1", "challenge_test_list": []}"#
        let cases = try CodeTestCase.loadMBPP(jsonLines: line + "\n", source: "mbpp.jsonl")
        #expect(cases == [CodeTestCase(id: "MBPP/7", prompt: "Do it.",
                                       harness: .mbpp(testImports: [], setupCode: "y = 1", tests: ["assert g() == y"]),
                                       referenceSolution: "def g(): return 1")])
        #expect(cases[0].program(completion: "def g(): return 2") == "def g(): return 2\ny = 1\nassert g() == y\n")
    }

    @Test func missingKeyNamesTheFileLineAndKey() {
        let text = #"{"task_id": "HumanEval/0", "prompt": "p", "canonical_solution": "s", "test": "t", "entry_point": "f"}"#
            + "\n\n" + #"{"task_id": "HumanEval/1", "prompt": "p", "test": "t", "entry_point": "f"}"#
        #expect(throws: SandboxError.malformedRow(source: "HumanEval.jsonl", line: 3, reason: "missing key \"canonical_solution\"")) {
            try CodeTestCase.loadHumanEval(jsonLines: text, source: "HumanEval.jsonl")
        }
        let error = SandboxError.malformedRow(source: "HumanEval.jsonl", line: 3, reason: "missing key \"canonical_solution\"")
        #expect(error.description
            == "HumanEval.jsonl, line 3: missing key \"canonical_solution\". Check that the file is the dataset's JSON Lines export, one object per line.")
    }

    @Test func wrongTypeAndInvalidJSONAreReported() {
        #expect(throws: SandboxError.malformedRow(source: "m.jsonl", line: 1, reason: "wrong type for \"task_id\"")) {
            try CodeTestCase.loadMBPP(jsonLines: #"{"task_id": "x", "prompt": "p", "code": "c", "test_list": []}"#, source: "m.jsonl")
        }
        #expect(throws: SandboxError.malformedRow(source: "m.jsonl", line: 1, reason: "not a JSON object")) {
            try CodeTestCase.loadMBPP(jsonLines: "{not json", source: "m.jsonl")
        }
    }

    @Test func completionIsRunAgainstTheTests() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let testCase = try #require(CanonicalData.humanEval().first { $0.id == "HumanEval/0" })
        let wrong = "    return False\n"
        let result = await sandbox.run(wrong, against: testCase, limits: SandboxTestSupport.fast)
        guard case .failed(let text) = result.status else {
            Issue.record("expected failed, got \(result.status)")
            return
        }
        #expect(text.contains("assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True"))
        #expect(text.hasSuffix("AssertionError"))
        let right = await sandbox.run(testCase.referenceSolution, against: testCase, limits: SandboxTestSupport.fast)
        #expect(right.status == .passed)
    }
}
