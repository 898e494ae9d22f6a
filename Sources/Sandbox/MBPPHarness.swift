// MBPPHarness: the MBPP row format (sanitized and full releases) and the program that tests a completion.
// Reference: google-research/google-research mbpp/README.md (fields) and the dataset README in
// data/mbpp: a candidate passes when `code + test_imports + test_list` runs without an exception.

import Foundation

/// The MBPP harness (Austin et al. 2021).
public enum MBPPHarness {
    /// One MBPP row. Reads the sanitized release (`prompt`, `test_imports`) and the full release
    /// (`text`, `test_setup_code`); absent optional fields are empty.
    public struct Row: Codable, Sendable, Equatable {
        /// The numeric task id.
        public var taskID: Int
        /// The one-sentence task description (`prompt`, or `text` in the full release).
        public var prompt: String
        /// The reference solution (a complete module).
        public var code: String
        /// Import lines the asserts need (sanitized release).
        public var testImports: [String]
        /// Code run before the asserts (full release; empty in the sanitized one).
        public var testSetupCode: String
        /// The `assert` statements.
        public var testList: [String]

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case prompt, text, code
            case testImports = "test_imports"
            case testSetupCode = "test_setup_code"
            case testList = "test_list"
        }

        /// Creates a row.
        public init(taskID: Int, prompt: String, code: String, testImports: [String] = [], testSetupCode: String = "", testList: [String]) {
            self.taskID = taskID
            self.prompt = prompt
            self.code = code
            self.testImports = testImports
            self.testSetupCode = testSetupCode
            self.testList = testList
        }

        /// Decodes a row of either release.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            taskID = try c.decode(Int.self, forKey: .taskID)
            prompt = try c.decodeIfPresent(String.self, forKey: .prompt) ?? c.decode(String.self, forKey: .text)
            code = try c.decode(String.self, forKey: .code)
            testImports = try c.decodeIfPresent([String].self, forKey: .testImports) ?? []
            testSetupCode = try c.decodeIfPresent(String.self, forKey: .testSetupCode) ?? ""
            testList = try c.decode([String].self, forKey: .testList)
        }

        /// Encodes in the sanitized release's field names (plus `test_setup_code`).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(taskID, forKey: .taskID)
            try c.encode(prompt, forKey: .prompt)
            try c.encode(code, forKey: .code)
            try c.encode(testImports, forKey: .testImports)
            try c.encode(testSetupCode, forKey: .testSetupCode)
            try c.encode(testList, forKey: .testList)
        }
    }

    /// The program that tests `code`: the code, then the test imports, the setup code and the asserts, each
    /// on its own lines (the order of the dataset README: `code + test_imports + test_list`).
    ///
    /// - Parameters:
    ///   - code: the candidate module.
    ///   - testImports: import lines.
    ///   - setupCode: code run before the asserts (may be empty).
    ///   - tests: `assert` statements.
    /// - Returns: Python source.
    public static func program(code: String, testImports: [String], setupCode: String, tests: [String]) -> String {
        var parts = [code]
        parts += testImports
        if !setupCode.isEmpty { parts.append(setupCode) }
        parts += tests
        return parts.joined(separator: "\n") + "\n"
    }

    /// The test case of one row (id `MBPP/<task_id>`).
    public static func testCase(_ row: Row) -> CodeTestCase {
        CodeTestCase(id: "MBPP/\(row.taskID)", prompt: row.prompt,
                     harness: .mbpp(testImports: row.testImports, setupCode: row.testSetupCode, tests: row.testList),
                     referenceSolution: row.code)
    }
}

extension CodeTestCase {
    /// Parses MBPP JSON Lines (one ``MBPPHarness/Row`` per non-empty line).
    ///
    /// - Parameters:
    ///   - jsonLines: the file's text.
    ///   - source: a name for error messages (the file name).
    /// - Returns: one test case per row, in file order.
    /// - Throws: ``SandboxError/malformedRow(source:line:reason:)`` naming the first bad line.
    public static func loadMBPP(jsonLines: String, source: String) throws -> [CodeTestCase] {
        try decodeJSONLines(jsonLines, source: source, as: MBPPHarness.Row.self).map(MBPPHarness.testCase)
    }
}
