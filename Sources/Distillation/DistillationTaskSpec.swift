// DistillationTaskSpec: where the prompts come from — a built-in task (`arithmetic[:LEVEL]`, `countdown`,
// `gsm8k:PATH`, `math500:PATH`, `humaneval:PATH`, `mbpp:PATH`) or a user JSONL file of prompt/answer records —
// and the verifier that goes with them.
import Foundation
import Rewards

/// A prompt source named on the command line.
public struct DistillationTaskSpec: Sendable, Equatable {
    /// The source kind.
    public enum Kind: Sendable, Equatable {
        /// Generated arithmetic at a level (1…5).
        case arithmetic(level: Int)
        /// Generated countdown puzzles.
        case countdown
        /// A dataset file in a known format.
        case dataset(DatasetFormat, URL)
        /// A user JSONL file: `{"prompt": …, "answer": …, "id"?: …}` per line, verified as math.
        case jsonl(URL)
    }

    /// What to read.
    public var kind: Kind
    /// The spec as written.
    public var text: String

    /// Parses a spec (`jsonl:PATH` or a path ending in `.jsonl` with `--data` gives `.jsonl`).
    /// - Parameter text: e.g. `arithmetic:1`, `gsm8k:data/gsm8k/train.jsonl`.
    /// - Throws: `DistillationError.invalidTask`.
    public init(parsing text: String) throws(DistillationError) {
        self.text = text
        let name: String, argument: String?
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon].lowercased()
            argument = String(text[text.index(after: colon)...])
        } else {
            name = text.lowercased()
            argument = nil
        }
        func path() throws(DistillationError) -> URL {
            guard let argument, !argument.isEmpty else { throw .invalidTask(spec: text, reason: "\(name) needs its JSONL file: \(name):PATH") }
            return URL(fileURLWithPath: argument)
        }
        switch name {
        case "arithmetic":
            guard let argument else { kind = .arithmetic(level: 2); return }
            guard let level = Int(argument), (1...5).contains(level) else {
                throw .invalidTask(spec: text, reason: "the arithmetic level must be 1…5, got '\(argument)'")
            }
            kind = .arithmetic(level: level)
        case "countdown":
            guard argument == nil else { throw .invalidTask(spec: text, reason: "countdown takes no argument") }
            kind = .countdown
        case "jsonl":
            kind = .jsonl(try path())
        default:
            let aliases = ["math": DatasetFormat.math500, "math-500": .math500]
            guard let format = DatasetFormat(rawValue: name) ?? aliases[name] else {
                throw .invalidTask(spec: text, reason: "unknown task name '\(name)'")
            }
            kind = .dataset(format, try path())
        }
    }

    /// A user JSONL file of prompt/answer records.
    /// - Parameter url: the file.
    public init(jsonl url: URL) {
        kind = .jsonl(url)
        text = "jsonl:\(url.path)"
    }

    /// Whether verifying runs code (HumanEval, MBPP) and needs a sandbox in the registry's environment.
    public var needsCodeSandbox: Bool {
        if case let .dataset(format, _) = kind { return format == .humaneval || format == .mbpp }
        return false
    }

    /// The examples and the verifier that scores completions of them.
    /// - Parameters:
    ///   - registry: supplies the `accuracy` verifier (math verifier, countdown, code sandbox when configured).
    ///   - count: how many examples (generated tasks need it; datasets give all rows when nil, else a seeded sample).
    ///   - seed: generator / sampling seed.
    /// - Returns: examples and verifier.
    /// - Throws: `DistillationError` for unreadable files, `RewardsError` from the task.
    public func load(registry: RewardRegistry, count: Int?, seed: UInt64) throws -> (examples: [RewardExample], verifier: any RewardFunction) {
        switch kind {
        case let .arithmetic(level):
            let task = try TaskCatalog.make("arithmetic", parameters: ["level": .number(Double(level))], registry: registry)
            return (try task.examples(split: .train, count: count ?? 100, seed: seed), task.reward)
        case .countdown:
            let task = try TaskCatalog.make("countdown", registry: registry)
            return (try task.examples(split: .train, count: count ?? 100, seed: seed), task.reward)
        case let .dataset(format, url):
            let task = DatasetTask(format: format, files: [.train: url], reward: try registry.make("accuracy"))
            return (try task.examples(split: .train, count: count, seed: seed), task.reward)
        case let .jsonl(url):
            var examples = try Self.readPromptFile(url)
            if let count, count < examples.count { examples = Array(examples.prefix(count)) }
            return (examples, try registry.make("accuracy"))
        }
    }

    /// Reads `{"prompt": String, "answer": String|Number, "id"?: String}` lines (blank lines skipped).
    /// - Parameter url: the file.
    /// - Returns: math examples in file order.
    /// - Throws: `DistillationError.unreadableInput` naming the file and line.
    public static func readPromptFile(_ url: URL) throws(DistillationError) -> [RewardExample] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadableInput(path: url.path, line: nil, reason: error.localizedDescription) }
        var out: [RewardExample] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "not a JSON object")
            }
            guard let prompt = object["prompt"] as? String, !prompt.isEmpty else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "missing or empty \"prompt\" string")
            }
            let answer: String
            if let s = object["answer"] as? String { answer = s } else if let n = object["answer"] as? NSNumber { answer = n.stringValue } else {
                throw .unreadableInput(path: url.path, line: i + 1, reason: "missing \"answer\" (a string or number)")
            }
            let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue
            out.append(RewardExample(id: id, prompt: prompt, goldAnswer: answer, kind: .math))
        }
        return out
    }
}
