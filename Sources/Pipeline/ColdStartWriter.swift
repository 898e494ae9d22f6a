// ColdStartWriter.swift — the cold-start SFT set: worked solutions of a built-in task as chat conversations.

import Foundation
import Rewards
import Training

/// Writes `count` worked solutions of a task as `{"messages": [user, assistant]}` JSONL lines, the form `r1 sft` reads.
public struct ColdStartWriter: Sendable, Equatable {
    /// Task name (`arithmetic`, `countdown`, or a dataset task whose examples carry a reference completion).
    public var task: String
    /// Task parameters: arithmetic takes `digits`, `operands`, `operations` (e.g. "*" or "+,-") or `level`.
    public var parameters: [String: String]
    /// Text appended to each question.
    public var instruction: String?
    /// How many examples.
    public var count: Int
    /// Generator seed (training split).
    public var seed: UInt64

    /// Creates a writer.
    public init(task: String, parameters: [String: String] = [:], instruction: String? = nil, count: Int, seed: UInt64 = 1) {
        self.task = task
        self.parameters = parameters
        self.instruction = instruction
        self.count = count
        self.seed = seed
    }

    /// Builds the task.
    /// - Returns: the task.
    /// - Throws: `RewardsError` for unknown tasks or parameters.
    public func makeTask() throws -> any VerifiableTask {
        if task == "arithmetic", parameters["level"] == nil, !parameters.isEmpty {
            let allowed: Set = ["digits", "operands", "operations"]
            if let unknown = parameters.keys.first(where: { !allowed.contains($0) }) {
                throw RewardsError.invalidTaskRequest(task: task, reason: "unknown parameter '\(unknown)'; use digits, operands, operations or level")
            }
            func int(_ key: String, _ fallback: Int) throws -> Int {
                guard let text = parameters[key] else { return fallback }
                guard let value = Int(text) else {
                    throw RewardsError.invalidTaskRequest(task: task, reason: "parameter \(key) must be an integer (got '\(text)')")
                }
                return value
            }
            var operations: [ArithmeticOperation] = ArithmeticOperation.allCases
            if let text = parameters["operations"] {
                operations = try text.split(separator: ",").map { symbol in
                    let trimmed = symbol.trimmingCharacters(in: .whitespaces)
                    guard let op = ArithmeticOperation(rawValue: trimmed) else {
                        throw RewardsError.invalidTaskRequest(task: task, reason: "unknown operation '\(trimmed)'; use +, - or *")
                    }
                    return op
                }
            }
            let difficulty = ArithmeticTask.Difficulty(digits: try int("digits", 2), operandCount: try int("operands", 2), operations: operations)
            try difficulty.validate()
            return try ArithmeticTask(difficulty: difficulty)
        }
        var values: [String: RewardParameterValue] = [:]
        for (key, text) in parameters { values[key] = Double(text).map(RewardParameterValue.number) ?? .string(text) }
        let (name, directory) = Self.splitDatasetPath(task)
        return try TaskCatalog.make(name, parameters: values, dataDirectory: directory, registry: RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil)))
    }

    /// `gsm8k:PATH` → ("gsm8k", folder holding gsm8k/); a bare name → (name, nil).
    static func splitDatasetPath(_ spec: String) -> (String, URL?) {
        guard let colon = spec.firstIndex(of: ":") else { return (spec, nil) }
        let name = String(spec[..<colon])
        let path = String(spec[spec.index(after: colon)...])
        return (name, URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Writes the set atomically.
    /// - Parameter url: the JSONL file.
    /// - Returns: the number of lines written.
    /// - Throws: `RewardsError` for task problems, `PipelineError.invalidRecipe` when the task has no worked
    ///   solutions, `PipelineError.writeFailed` for I/O.
    @discardableResult
    public func write(to url: URL) throws -> Int {
        let task = try makeTask()
        let examples = try task.examples(split: .train, count: count, seed: seed)
        var text = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for example in examples {
            guard let completion = WorkedSolution.completion(for: example, of: task) else {
                throw PipelineError.invalidRecipe(path: url.path, reason: "task \(self.task) has no worked solution for example \(example.id ?? "(no id)"); use a task with reference answers")
            }
            let question = instruction.map { "\(example.prompt) \($0)" } ?? example.prompt
            let line = ColdStartLine(messages: [.init(role: "user", content: question), .init(role: "assistant", content: completion)])
            text += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(Data(text.utf8), to: url)
        } catch {
            throw PipelineError.writeFailed(path: url.path, reason: "\(error)")
        }
        return examples.count
    }
}

/// One conversation line of an SFT set.
struct ColdStartLine: Codable {
    struct Message: Codable {
        var role: String
        var content: String
    }
    var messages: [Message]
}
