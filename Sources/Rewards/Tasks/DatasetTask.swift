// DatasetTask.swift — tasks backed by the JSON Lines files in data/{gsm8k,math500,humaneval,mbpp}.
// Record formats are described in each dataset's README (shared data folder).

import Foundation

/// The record format of a dataset file.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    /// `{"question", "answer"}`; gold = the text after `#### ` in `answer`, commas removed.
    case gsm8k
    /// `{"problem", "solution", "answer", "subject", "level", "unique_id"}`; gold = `answer` (LaTeX).
    case math500
    /// `{"task_id", "prompt", "canonical_solution", "test", "entry_point"}`.
    case humaneval
    /// `{"task_id", "prompt", "code", "test_imports", "test_list"}`.
    case mbpp

    /// Converts one record into an example.
    /// - Parameters:
    ///   - record: the JSON object with its line number.
    ///   - file: file name for errors.
    /// - Returns: the example.
    /// - Throws: `RewardsError.missingField`.
    func example(_ record: JSONLReader.Record, file: String, split: DatasetSplit) throws -> RewardExample {
        switch self {
        case .gsm8k:
            let q = try record.string("question", file: file)
            let a = try record.string("answer", file: file)
            guard let r = a.range(of: "#### ", options: .backwards) else {
                throw RewardsError.missingField(file: file, line: record.line, field: "answer", expected: "a solution ending in '#### <number>'")
            }
            let gold = a[r.upperBound...].replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
            return RewardExample(id: "gsm8k/\(split.rawValue)/\(record.line)", prompt: q, goldAnswer: gold, kind: .math,
                                 metadata: ["solution": String(a[..<r.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)])
        case .math500:
            let p = try record.string("problem", file: file)
            let a = try record.string("answer", file: file)
            var meta: [String: String] = [:]
            for k in ["subject", "level", "unique_id"] { if let v = record.scalarString(k) { meta[k] = v } }
            return RewardExample(id: meta["unique_id"] ?? "math500/\(record.line)", prompt: p, goldAnswer: a, kind: .math, metadata: meta)
        case .humaneval:
            let id = try record.string("task_id", file: file)
            let prompt = try record.string("prompt", file: file)
            let test = try record.string("test", file: file)
            let entry = try record.string("entry_point", file: file)
            let solution = try record.string("canonical_solution", file: file)
            return RewardExample(id: id, prompt: prompt, goldAnswer: solution,
                                 kind: .code(.humanEval(prompt: prompt, test: test, entryPoint: entry)), metadata: ["entry_point": entry])
        case .mbpp:
            guard let idValue = record.scalarString("task_id") else {
                throw RewardsError.missingField(file: file, line: record.line, field: "task_id", expected: "a number or string")
            }
            let text = try record.string("prompt", file: file)
            let code = try record.string("code", file: file)
            let imports = try record.strings("test_imports", file: file)
            let tests = try record.strings("test_list", file: file)
            return RewardExample(id: "mbpp/\(idValue)", prompt: text, goldAnswer: code,
                                 kind: .code(.mbpp(testImports: imports, testList: tests)))
        }
    }
}

/// A dataset-backed task: examples from JSON Lines files, verified by a reward (default: task-aware accuracy).
///
/// ```swift
/// let gsm8k = DatasetTask(format: .gsm8k, files: [.train: dir.appending(path: "train.jsonl")], reward: accuracy)
/// let batch = try gsm8k.examples(split: .train, count: 32, seed: 7)
/// ```
public struct DatasetTask: VerifiableTask {
    public let name: String
    /// Record format.
    public let format: DatasetFormat
    /// File per split.
    public let files: [DatasetSplit: URL]
    /// Malformed-line policy.
    public let policy: MalformedLinePolicy
    public let reward: any RewardFunction

    /// Creates the task.
    /// - Parameters:
    ///   - format: record format.
    ///   - files: file per split.
    ///   - reward: verifier (e.g. `AccuracyReward` from the registry).
    ///   - policy: malformed-line policy (default `.fail`).
    ///   - name: task name (default the format name).
    public init(format: DatasetFormat, files: [DatasetSplit: URL], reward: any RewardFunction,
                policy: MalformedLinePolicy = .fail, name: String? = nil) {
        self.format = format
        self.files = files
        self.reward = reward
        self.policy = policy
        self.name = name ?? format.rawValue
    }

    /// The standard layout of the shared data folder: `gsm8k/{train,test}.jsonl`, `math500/test.jsonl`,
    /// `humaneval/HumanEval.jsonl` (test), `mbpp/sanitized-mbpp.jsonl` (test).
    /// - Parameters:
    ///   - format: which dataset.
    ///   - dataDirectory: the folder holding the dataset folders.
    ///   - reward: verifier.
    ///   - policy: malformed-line policy.
    /// - Returns: the task.
    public static func standard(_ format: DatasetFormat, dataDirectory: URL, reward: any RewardFunction,
                                policy: MalformedLinePolicy = .fail) -> DatasetTask {
        let d = dataDirectory.appendingPathComponent(format.rawValue)
        let files: [DatasetSplit: URL]
        switch format {
        case .gsm8k: files = [.train: d.appendingPathComponent("train.jsonl"), .test: d.appendingPathComponent("test.jsonl")]
        case .math500: files = [.test: d.appendingPathComponent("test.jsonl")]
        case .humaneval: files = [.test: d.appendingPathComponent("HumanEval.jsonl")]
        case .mbpp: files = [.test: d.appendingPathComponent("sanitized-mbpp.jsonl")]
        }
        return DatasetTask(format: format, files: files, reward: reward, policy: policy)
    }

    /// Loads a whole split.
    /// - Parameter split: the split.
    /// - Returns: the examples in file order and the skipped lines (empty under `.fail`).
    /// - Throws: `RewardsError`.
    public func load(split: DatasetSplit) throws -> (examples: [RewardExample], skipped: [SkippedLine]) {
        guard let url = files[split] else {
            throw RewardsError.invalidTaskRequest(task: name, reason: "no \(split.rawValue) split (available: \(files.keys.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        let file = url.lastPathComponent
        let r = try JSONLReader.read(url, policy: policy) { try format.example($0, file: file, split: split) }
        return (r.values, r.skipped)
    }

    public func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        var all = try load(split: split).examples
        guard let count else { return all }
        guard count >= 0 else { throw RewardsError.invalidTaskRequest(task: name, reason: "count must be ≥ 0") }
        var rng = SeededGenerator(seed: seed)
        rng.shuffle(&all)
        return Array(all.prefix(count))
    }

    public func prompt(for example: RewardExample) -> String {
        switch format {
        case .gsm8k, .math500:
            return R1PromptTemplate.zero(example.prompt)
        case .humaneval:
            return R1PromptTemplate.zero("Complete the following Python function. Put the complete function in a ```python code block inside <answer> </answer>.\n```python\n\(example.prompt)```")
        case .mbpp:
            let tests: String
            if case .code(.mbpp(_, let list)) = example.kind { tests = list.joined(separator: "\n") } else { tests = "" }
            return R1PromptTemplate.zero("\(example.prompt) Your code should pass these tests:\n\(tests)\nPut the code in a ```python code block inside <answer> </answer>.")
        }
    }

    public func referenceCompletion(for example: RewardExample) -> String? {
        guard let gold = example.goldAnswer else { return nil }
        switch format {
        case .gsm8k: return R1PromptTemplate.completion(thinking: example.metadata["solution"] ?? "", answer: gold)
        case .math500: return R1PromptTemplate.completion(thinking: "Solve the problem.", answer: gold)
        case .humaneval: return R1PromptTemplate.completion(thinking: "Implement the function.", answer: "```python\n\(example.prompt)\(gold)```")
        case .mbpp: return R1PromptTemplate.completion(thinking: "Write the function.", answer: "```python\n\(gold)\n```")
        }
    }
}
