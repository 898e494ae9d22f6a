// VerifiableTask.swift — a task pairs example generation/reading with the verifier that scores it.
// Named `VerifiableTask` (not `Task`) so it never shadows Swift concurrency's `Task` in client code.

/// A dataset split.
public enum DatasetSplit: String, Sendable, Codable, CaseIterable {
    case train, test
}

/// A source of examples plus the reward that verifies completions for them.
///
/// Evaluation and RL use the same `reward`, so "correct" means the same thing in both.
///
/// ```swift
/// let task = try CountdownTask()
/// let examples = try task.examples(split: .train, count: 64, seed: 1)
/// let prompt = task.prompt(for: examples[0])
/// let r = try task.reward.score(Completion(text), for: examples[0])
/// ```
public protocol VerifiableTask: Sendable {
    /// Task name ("countdown", "gsm8k", …).
    var name: String { get }
    /// The verifier: 1.0 for a correct completion.
    var reward: any RewardFunction { get }
    /// Examples of a split.
    /// - Parameters:
    ///   - split: train or test (generators derive a disjoint stream per split).
    ///   - count: how many. Generators require it; datasets return every record in file order when nil,
    ///     and a seeded random sample (without replacement) of `count` records otherwise.
    ///   - seed: seed of the generator or of the dataset sample.
    /// - Returns: the examples.
    /// - Throws: `RewardsError` for unreadable data or an invalid request.
    func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample]
    /// The full prompt text shown to the model for an example (R1-Zero template by default).
    /// - Parameter example: the example.
    /// - Returns: the prompt.
    func prompt(for example: RewardExample) -> String
    /// A completion that the verifier must score 1.0 — the gold answer in R1 format (for tests and SFT
    /// warm-up data), or nil if the task has no textual gold.
    /// - Parameter example: the example.
    /// - Returns: the reference completion.
    func referenceCompletion(for example: RewardExample) -> String?
}

/// The DeepSeek-R1-Zero prompt template (R1 paper, Table 1).
public enum R1PromptTemplate {
    /// Fills the R1-Zero template with a question.
    /// - Parameter question: the user question (instructions included).
    /// - Returns: the prompt, ending with "Assistant:".
    public static func zero(_ question: String) -> String {
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
            + "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. "
            + "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, "
            + "i.e., <think> reasoning process here </think> <answer> answer here </answer>. User: \(question). Assistant:"
    }

    /// An R1-format completion `<think>\n…\n</think>\n<answer>\n…\n</answer>`.
    /// - Parameters:
    ///   - thinking: reasoning text.
    ///   - answer: answer text.
    /// - Returns: the completion.
    public static func completion(thinking: String, answer: String) -> String {
        "<think>\n\(thinking)\n</think>\n<answer>\n\(answer)\n</answer>"
    }
}

/// Per-split seed so train and test streams of a generator differ for the same user seed.
func splitSeed(_ seed: UInt64, _ split: DatasetSplit) -> UInt64 {
    split == .train ? seed : seed ^ 0xA5A5_5A5A_C3C3_3C3C
}
