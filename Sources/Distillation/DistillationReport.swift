// DistillationReport: the totals of a rejection-sampling run (over every prompt done so far, across resumes),
// written next to the dataset as `<output>.stats.json`.
import Foundation

/// Totals and per-prompt statistics of a distillation output.
public struct DistillationReport: Codable, Sendable, Equatable {
    /// The teacher's name.
    public var teacher: String
    /// The settings of the run.
    public var configuration: RejectionSamplingConfiguration
    /// Prompts done.
    public var prompts: Int
    /// Completions drawn.
    public var sampled: Int
    /// Completions accepted.
    public var accepted: Int
    /// Lines written.
    public var kept: Int
    /// accepted / sampled over all prompts.
    public var acceptRate: Double
    /// Mean of the per-prompt accept rates.
    public var meanPromptAcceptRate: Double
    /// Prompts with at least one accepted completion.
    public var promptsWithAccepted: Int
    /// Mean Unicode-scalar length of the written completions.
    public var meanKeptCharacters: Double
    /// Count per verdict.
    public var verdicts: [String: Int]
    /// Per-prompt statistics, in problem order.
    public var perPrompt: [PromptStats]

    enum CodingKeys: String, CodingKey {
        case teacher, configuration, prompts, sampled, accepted, kept, acceptRate = "accept_rate"
        case meanPromptAcceptRate = "mean_prompt_accept_rate", promptsWithAccepted = "prompts_with_accepted"
        case meanKeptCharacters = "mean_kept_characters", verdicts, perPrompt = "per_prompt"
    }

    /// Sums per-prompt statistics.
    /// - Parameters:
    ///   - teacher: teacher name.
    ///   - configuration: the settings.
    ///   - stats: per-prompt statistics (any order; sorted by index here).
    public init(teacher: String, configuration: RejectionSamplingConfiguration, stats: [PromptStats]) {
        self.teacher = teacher
        self.configuration = configuration
        perPrompt = stats.sorted { $0.index < $1.index }
        prompts = stats.count
        sampled = stats.reduce(0) { $0 + $1.sampled }
        accepted = stats.reduce(0) { $0 + $1.accepted }
        kept = stats.reduce(0) { $0 + $1.kept }
        acceptRate = sampled > 0 ? Double(accepted) / Double(sampled) : 0
        meanPromptAcceptRate = stats.isEmpty ? 0 : stats.reduce(0) { $0 + $1.acceptRate } / Double(stats.count)
        promptsWithAccepted = stats.filter { $0.accepted > 0 }.count
        let keptCharacters = stats.reduce(0.0) { $0 + $1.meanKeptCharacters * Double($1.kept) }
        meanKeptCharacters = kept > 0 ? keptCharacters / Double(kept) : 0
        var v: [String: Int] = [:]
        for s in stats { for (k, n) in s.verdicts { v[k, default: 0] += n } }
        verdicts = v
    }

    /// A one-paragraph summary for the terminal.
    public var summary: String {
        let rate = String(format: "%.1f%%", acceptRate * 100)
        let verdictText = verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(prompts) prompts, \(sampled) samples: \(accepted) accepted (\(rate)), \(kept) written; "
            + "\(promptsWithAccepted) prompts with at least one accepted; mean written length "
            + String(format: "%.0f", meanKeptCharacters) + " characters; verdicts: \(verdictText)"
    }
}
