// HumanEvalHarness: the HumanEval row format and the program text of the official harness.
// Reference: openai/human-eval, human_eval/execution.py (check_program), commit 6d43fb980f9fee3c892a914eda09951f772ad10d.
// https://github.com/openai/human-eval/blob/6d43fb980f9fee3c892a914eda09951f772ad10d/human_eval/execution.py

import Foundation

/// The HumanEval harness (Chen et al. 2021).
public enum HumanEvalHarness {
    /// One row of `HumanEval.jsonl`.
    public struct Row: Codable, Sendable, Equatable {
        /// `HumanEval/0` ... `HumanEval/163`.
        public var taskID: String
        /// Imports, helpers, and the signature plus docstring of the function to complete.
        public var prompt: String
        /// A reference function body that continues `prompt`.
        public var canonicalSolution: String
        /// Source defining `check(candidate)` with the asserts.
        public var test: String
        /// The name of the function under test.
        public var entryPoint: String

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case prompt
            case canonicalSolution = "canonical_solution"
            case test
            case entryPoint = "entry_point"
        }
    }

    /// The program the official harness runs:
    /// `prompt + completion + "\n" + test + "\n" + f"check({entry_point})"`.
    ///
    /// - Parameters:
    ///   - prompt: the row's prompt.
    ///   - completion: the code that continues it.
    ///   - test: the row's test source.
    ///   - entryPoint: the function passed to `check`.
    /// - Returns: Python source.
    public static func program(prompt: String, completion: String, test: String, entryPoint: String) -> String {
        prompt + completion + "\n" + test + "\n" + "check(\(entryPoint))"
    }

    /// The test case of one row.
    public static func testCase(_ row: Row) -> CodeTestCase {
        CodeTestCase(id: row.taskID, prompt: row.prompt,
                     harness: .humanEval(prompt: row.prompt, test: row.test, entryPoint: row.entryPoint),
                     referenceSolution: row.canonicalSolution)
    }
}

extension CodeTestCase {
    /// Parses HumanEval JSON Lines (one ``HumanEvalHarness/Row`` per non-empty line).
    ///
    /// - Parameters:
    ///   - jsonLines: the file's text.
    ///   - source: a name for error messages (the file name).
    /// - Returns: one test case per row, in file order.
    /// - Throws: ``SandboxError/malformedRow(source:line:reason:)`` naming the first bad line.
    public static func loadHumanEval(jsonLines: String, source: String) throws -> [CodeTestCase] {
        try decodeJSONLines(jsonLines, source: source, as: HumanEvalHarness.Row.self).map(HumanEvalHarness.testCase)
    }

    /// Decodes every non-empty line of `text` as `T`.
    static func decodeJSONLines<T: Decodable>(_ text: String, source: String, as type: T.Type) throws -> [T] {
        let decoder = JSONDecoder()
        var rows: [T] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0.isWhitespace }) { continue }
            do {
                rows.append(try decoder.decode(T.self, from: Data(line.utf8)))
            } catch let DecodingError.keyNotFound(key, _) {
                throw SandboxError.malformedRow(source: source, line: index + 1, reason: "missing key \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context) {
                let key = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw SandboxError.malformedRow(source: source, line: index + 1, reason: "wrong type for \"\(key)\"")
            } catch {
                throw SandboxError.malformedRow(source: source, line: index + 1, reason: "not a JSON object")
            }
        }
        return rows
    }
}
