// JSONLTask: a user's own math problems, one JSON object per line with a prompt and a gold answer,
// verified by the accuracy reward like GSM8K/MATH-500 (`r1 eval --task jsonl:PATH`).

import Foundation

/// Math problems from a JSON Lines file: `{"prompt": "…", "answer": "…"}` per line (also accepted:
/// `question` or `problem` for the prompt; the answer may be a number). Other fields become metadata.
///
/// ```swift
/// let task = JSONLTask(file: URL(fileURLWithPath: "mine.jsonl"), reward: try registry.make("accuracy"))
/// let problems = try task.examples(split: .test, count: nil, seed: 0)
/// ```
public struct JSONLTask: VerifiableTask {
    public let name: String
    /// The file.
    public let file: URL
    public let reward: any RewardFunction

    /// Field names tried, in order, for the prompt.
    public static let promptFields = ["prompt", "question", "problem"]
    /// Field names tried, in order, for the gold answer.
    public static let answerFields = ["answer", "gold", "solution"]

    /// Creates the task.
    /// - Parameters:
    ///   - file: the JSONL file.
    ///   - reward: the verifier (the registry's `accuracy`).
    ///   - name: report name (default "jsonl").
    public init(file: URL, reward: any RewardFunction, name: String = "jsonl") {
        self.file = file
        self.reward = reward
        self.name = name
    }

    /// Every record of the file, in file order (the split is ignored: the file is one split).
    /// - Parameters:
    ///   - split: ignored.
    ///   - count: nil for all records, else the first `count` records.
    ///   - seed: ignored (file order is kept).
    /// - Returns: one math example per non-blank line.
    /// - Throws: `RewardsError.unreadableFile`, `.malformedJSONLine`, or `.missingField` naming the line.
    public func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        let fileName = file.lastPathComponent
        let all = try JSONLReader.read(file) { record -> RewardExample in
            func scalar(_ key: String) -> String? {
                switch record.object[key] {
                case let s as String: return s
                case let n as NSNumber: return n.stringValue
                default: return nil
                }
            }
            guard let prompt = Self.promptFields.lazy.compactMap({ record.object[$0] as? String }).first else {
                throw RewardsError.missingField(file: fileName, line: record.line, field: "prompt",
                                                expected: "a string (or 'question' / 'problem')")
            }
            guard let answer = Self.answerFields.lazy.compactMap(scalar).first else {
                throw RewardsError.missingField(file: fileName, line: record.line, field: "answer",
                                                expected: "a string or number (or 'gold' / 'solution')")
            }
            var metadata: [String: String] = [:]
            for key in record.object.keys where !Self.promptFields.contains(key) && !Self.answerFields.contains(key) {
                if let v = scalar(key) { metadata[key] = v }
            }
            return RewardExample(id: scalar("id") ?? "\(name)/\(record.line)", prompt: prompt, goldAnswer: answer,
                                 kind: .math, metadata: metadata)
        }.values
        return count.map { Array(all.prefix(max(0, $0))) } ?? all
    }

    public func prompt(for example: RewardExample) -> String {
        R1PromptTemplate.zero(example.prompt)
    }

    public func referenceCompletion(for example: RewardExample) -> String? {
        example.goldAnswer.map { R1PromptTemplate.completion(thinking: "Solve the problem.", answer: $0) }
    }
}
