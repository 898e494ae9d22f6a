// EvaluationTaskSpec: the `--task` argument of `r1 eval` — which problems to evaluate and where they are.

import Foundation
import Rewards

/// A task named on the command line: `gsm8k:PATH`, `math500:PATH`, `humaneval:PATH`, `mbpp:PATH` (one JSONL
/// file of that dataset's format), `arithmetic[:LEVEL]`, `countdown`, or `jsonl:PATH` (prompt/answer records).
public struct EvaluationTaskSpec: Sendable, Equatable {
    /// The task kind.
    public enum Kind: Sendable, Equatable {
        /// A dataset file in a known format.
        case dataset(DatasetFormat, URL)
        /// Generated arithmetic at a difficulty level (1…5).
        case arithmetic(level: Int)
        /// Generated countdown puzzles.
        case countdown
        /// A user JSONL file of prompt/answer records.
        case jsonl(URL)
    }

    /// What to evaluate.
    public var kind: Kind
    /// The spec as written.
    public var text: String

    /// Parses a spec.
    /// - Parameter text: e.g. `gsm8k:/data/gsm8k/test.jsonl`, `arithmetic`, `arithmetic:3`, `jsonl:mine.jsonl`.
    /// - Throws: `EvaluationError.invalidTaskSpec` for an unknown name, a missing path or a bad level.
    public init(parsing text: String) throws(EvaluationError) {
        self.text = text
        let name: String, argument: String?
        if let colon = text.firstIndex(of: ":") {
            name = String(text[..<colon]).lowercased()
            argument = String(text[text.index(after: colon)...])
        } else {
            name = text.lowercased()
            argument = nil
        }
        func path() throws(EvaluationError) -> URL {
            guard let argument, !argument.isEmpty else {
                throw .invalidTaskSpec(spec: text, reason: "\(name) needs its JSONL file, e.g. \(name):PATH")
            }
            return URL(fileURLWithPath: argument)
        }
        switch name {
        case "arithmetic":
            guard let argument else { kind = .arithmetic(level: 2); return }
            guard let level = Int(argument), (1...5).contains(level) else {
                throw .invalidTaskSpec(spec: text, reason: "arithmetic level must be 1…5, got '\(argument)'")
            }
            kind = .arithmetic(level: level)
        case "countdown":
            guard argument == nil else { throw .invalidTaskSpec(spec: text, reason: "countdown takes no argument") }
            kind = .countdown
        case "jsonl":
            kind = .jsonl(try path())
        default:
            let aliases = ["math": DatasetFormat.math500, "math-500": .math500]
            guard let format = DatasetFormat(rawValue: name) ?? aliases[name] else {
                throw .invalidTaskSpec(spec: text, reason: "unknown task name '\(name)'")
            }
            kind = .dataset(format, try path())
        }
    }

    /// Whether scoring runs code (HumanEval, MBPP) and so needs a sandbox.
    public var needsCodeSandbox: Bool {
        if case let .dataset(format, _) = kind { return format == .humaneval || format == .mbpp }
        return false
    }

    /// Builds the task.
    /// - Parameter registry: supplies the `accuracy` reward for dataset and JSONL tasks.
    /// - Returns: the task; dataset files are read as the test split.
    /// - Throws: `RewardsError` when the reward or a generator cannot be built.
    public func makeTask(registry: RewardRegistry) throws -> any VerifiableTask {
        switch kind {
        case let .dataset(format, url):
            return DatasetTask(format: format, files: [.test: url], reward: try registry.make("accuracy"))
        case let .arithmetic(level):
            return try TaskCatalog.make("arithmetic", parameters: ["level": .number(Double(level))], registry: registry)
        case .countdown:
            return try TaskCatalog.make("countdown", registry: registry)
        case let .jsonl(url):
            return JSONLTask(file: url, reward: try registry.make("accuracy"))
        }
    }
}
