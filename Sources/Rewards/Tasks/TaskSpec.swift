// TaskSpec.swift — the `--task` argument of `r1 eval` and `r1 distill`: which problems, and where they are.
// Parsing and building only; which split a command reads and how it samples are the command's business.

import Foundation

/// A task named on the command line: `arithmetic[:LEVEL]`, `countdown`, `gsm8k:PATH`, `math500:PATH` (also
/// `math:PATH`, `math-500:PATH`), `humaneval:PATH`, `mbpp:PATH` (one JSONL file of that dataset's format), or
/// `jsonl:PATH` (a user file of prompt/answer records).
///
/// ```swift
/// let spec = try TaskSpec(parsing: "gsm8k:/data/gsm8k/test.jsonl")
/// let task = try spec.makeTask(registry: registry, datasetSplit: .test)
/// let problems = try task.examples(split: .test, count: nil, seed: 0)
/// ```
public struct TaskSpec: Sendable, Equatable {
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

    /// What the spec names.
    public var kind: Kind
    /// The spec as written (for `init(jsonl:)`, `jsonl:` and the file's path).
    public var text: String

    /// Parses a spec. Names are case-insensitive; `arithmetic` alone is level 2.
    /// - Parameter text: e.g. `gsm8k:/data/gsm8k/test.jsonl`, `arithmetic`, `arithmetic:3`, `jsonl:mine.jsonl`.
    /// - Throws: `RewardsError.invalidTaskSpec` for an unknown name, a missing or empty path, a level outside
    ///   1…5, or an argument given to `countdown`.
    public init(parsing text: String) throws(RewardsError) {
        self.text = text
        let name: String, argument: String?
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon].lowercased()
            argument = String(text[text.index(after: colon)...])
        } else {
            name = text.lowercased()
            argument = nil
        }
        func path() throws(RewardsError) -> URL {
            guard let argument, !argument.isEmpty else {
                throw .invalidTaskSpec(spec: text, reason: "\(name) needs its JSONL file, e.g. \(name):PATH")
            }
            return URL(fileURLWithPath: argument)
        }
        switch name {
        case "arithmetic":
            guard let argument else { kind = .arithmetic(level: 2); return }
            guard let level = Int(argument), (1...5).contains(level) else {
                throw .invalidTaskSpec(spec: text, reason: "the arithmetic level must be 1…5, got '\(argument)'")
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

    /// A user JSONL file of prompt/answer records (`r1 distill --data FILE`).
    /// - Parameter url: the file.
    public init(jsonl url: URL) {
        kind = .jsonl(url)
        text = "jsonl:\(url.path)"
    }

    /// Whether scoring runs code (HumanEval, MBPP) and so needs a code sandbox in the registry's environment.
    public var needsCodeSandbox: Bool {
        if case let .dataset(format, _) = kind { return format == .humaneval || format == .mbpp }
        return false
    }

    /// Builds the task.
    /// - Parameters:
    ///   - registry: supplies the `accuracy` reward for dataset and JSONL tasks (math verifier, code sandbox
    ///     when configured).
    ///   - datasetSplit: the split a dataset file is read as (`r1 eval` reads `.test`, `r1 distill` `.train`);
    ///     ask the task's `examples(split:count:seed:)` for the same split. Generated and JSONL tasks ignore it.
    /// - Returns: a `DatasetTask`, the catalogue's `arithmetic` or `countdown` task, or a `JSONLTask`.
    /// - Throws: `RewardsError` when the reward or a generator cannot be built.
    public func makeTask(registry: RewardRegistry, datasetSplit: DatasetSplit) throws -> any VerifiableTask {
        switch kind {
        case let .dataset(format, url):
            return DatasetTask(format: format, files: [datasetSplit: url], reward: try registry.make("accuracy"))
        case let .arithmetic(level):
            return try TaskCatalog.make("arithmetic", parameters: ["level": .number(Double(level))], registry: registry)
        case .countdown:
            return try TaskCatalog.make("countdown", registry: registry)
        case let .jsonl(url):
            return JSONLTask(file: url, reward: try registry.make("accuracy"))
        }
    }
}
