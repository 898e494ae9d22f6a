// RejectionSampler: R1's rejection-sampling step. For each problem with a reference answer, draw N completions
// from a teacher, check each (stop, length, format, verifier), keep the accepted ones by the keep policy, and
// append them as SFT lines; resumable after an interruption (see DistillationOutput).
import Foundation
import Rewards

/// Draws, verifies and writes distillation data.
///
/// ```swift
/// let sampler = try RejectionSampler(teacher: teacher, verifier: task.reward,
///                                    configuration: RejectionSamplingConfiguration(samplesPerPrompt: 8, keep: .shortest))
/// let report = try sampler.run(problems: DistillationProblem.list(examples), output: URL(fileURLWithPath: "sft.jsonl"))
/// print(report.summary)
/// ```
public final class RejectionSampler {
    /// The teacher.
    public let teacher: any Teacher
    /// The verifier (a task's reward, e.g. accuracy via the math verifier).
    public let verifier: any RewardFunction
    /// Settings.
    public let configuration: RejectionSamplingConfiguration
    /// Per-sample verifier timeout in seconds (nil: none).
    public var verifierTimeout: Double?

    /// One checked completion.
    public struct Judged: Sendable, Equatable {
        /// Sample index within the prompt.
        public var sample: Int
        /// The completion.
        public var completion: TeacherCompletion
        /// The verdict.
        public var verdict: CompletionVerdict
        /// The verifier's score, when it ran.
        public var score: Double?
        /// Unicode-scalar length of the text.
        public var length: Int { completion.text.unicodeScalars.count }
    }

    /// Creates a sampler.
    /// - Parameters:
    ///   - teacher: where completions come from.
    ///   - verifier: the reward that decides correctness.
    ///   - configuration: settings.
    /// - Throws: `DistillationError.invalidConfiguration`.
    public init(teacher: any Teacher, verifier: any RewardFunction, configuration: RejectionSamplingConfiguration) throws {
        try configuration.validate()
        self.teacher = teacher
        self.verifier = verifier
        self.configuration = configuration
    }

    /// Checks a prompt's completions, in order: truncated, too short, too long, format, then the verifier.
    /// - Parameters:
    ///   - completions: the prompt's samples.
    ///   - example: the reference example.
    /// - Returns: one judgement per completion.
    public func judge(_ completions: [TeacherCompletion], for example: RewardExample) -> [Judged] {
        var judged: [Judged] = []
        var toScore: [Int] = []
        for (g, c) in completions.enumerated() {
            let length = c.text.unicodeScalars.count
            var verdict = CompletionVerdict.accepted
            if configuration.requireStop && !c.stopped {
                verdict = .truncated
            } else if length < configuration.minCharacters {
                verdict = .tooShort
            } else if let maxCharacters = configuration.maxCharacters, length > maxCharacters {
                verdict = .tooLong
            } else if let format = configuration.requireFormat,
                      !(format == .strict ? FormatReward.matchesStrict(c.text) : FormatReward.matchesSoft(c.text)) {
                verdict = .badFormat
            } else {
                toScore.append(g)
            }
            judged.append(Judged(sample: g, completion: c, verdict: verdict, score: nil))
        }
        let samples = toScore.map { RewardSample(example: example, completion: Rewards.Completion(completions[$0].text, tokenCount: completions[$0].tokenCount)) }
        let outcomes = verifier.scoreBatch(samples, timeout: verifierTimeout)
        for (k, g) in toScore.enumerated() {
            switch outcomes[k] {
            case .value(let v):
                judged[g].score = v
                judged[g].verdict = v >= configuration.acceptThreshold ? .accepted : .incorrect
            case .notApplicable:
                judged[g].verdict = .notApplicable
            case .failed:
                judged[g].verdict = .verifierFailed
            }
        }
        return judged
    }

    /// Applies the keep policy to a prompt's judgements.
    /// - Parameter judged: all judgements of the prompt, in sample order.
    /// - Returns: the kept ones (`.all`, `.dedup`: sample order; `.shortest`: by length, then sample order).
    public func select(_ judged: [Judged]) -> [Judged] {
        let accepted = judged.filter { $0.verdict == .accepted }
        switch configuration.keep {
        case .all:
            return Array(accepted.prefix(configuration.keepCount ?? accepted.count))
        case .shortest:
            let sorted = accepted.sorted { ($0.length, $0.sample) < ($1.length, $1.sample) }
            return Array(sorted.prefix(configuration.keepCount ?? 1))
        case .dedup:
            var seen = Set<String>()
            var out: [Judged] = []
            for j in accepted where seen.insert(dedupKey(j.completion.text)).inserted {
                out.append(j)
                if let k = configuration.keepCount, out.count == k { break }
            }
            return out
        }
    }

    /// Per-prompt statistics of judgements and the kept subset.
    static func stats(_ problem: DistillationProblem, judged: [Judged], kept: [Judged]) -> PromptStats {
        var verdicts: [String: Int] = [:]
        for j in judged { verdicts[j.verdict.rawValue, default: 0] += 1 }
        let keptTokens = kept.compactMap(\.completion.tokenCount)
        return PromptStats(promptID: problem.id, index: problem.index, sampled: judged.count,
                           accepted: judged.filter { $0.verdict == .accepted }.count, kept: kept.count, verdicts: verdicts,
                           meanKeptCharacters: kept.isEmpty ? 0 : Double(kept.reduce(0) { $0 + $1.length }) / Double(kept.count),
                           meanKeptTokens: keptTokens.isEmpty || keptTokens.count != kept.count ? nil
                               : Double(keptTokens.reduce(0, +)) / Double(keptTokens.count))
    }

    /// Runs rejection sampling over problems, appending to `output` and skipping problems already done there.
    /// - Parameters:
    ///   - problems: the problems (ids unique).
    ///   - output: the dataset path (`.jsonl`); side files `.progress.jsonl`, `.config.json` (the settings a resume
    ///     must match), `.stats.json` go next to it.
    ///   - source: what the problem list is (e.g. `"arithmetic:1 limit=50 seed=1"`); saved with the settings, so
    ///     resuming with another source is refused like resuming with other settings.
    ///   - overwrite: delete existing output files and start over instead of resuming.
    ///   - onPrompt: called after each prompt is written, with its statistics.
    /// - Returns: the report over every problem done in `output` (this run and earlier ones).
    /// - Throws: `DistillationError` (teacher, files); what was written before the error stays valid for a resume.
    @discardableResult
    public func run(problems: [DistillationProblem], output: URL, source: String? = nil, overwrite: Bool = false,
                    onPrompt: (PromptStats) -> Void = { _ in }) throws -> DistillationReport {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let settings = try encoder.encode(Settings(source: source, configuration: configuration))
        let files = try DistillationOutput(dataset: output, settings: settings, overwrite: overwrite)
        let todo = problems.filter { files.done[$0.id] == nil }
        var start = 0
        while start < todo.count {
            let batch = Array(todo[start..<min(start + configuration.promptsPerBatch, todo.count)])
            let prompts = batch.map { TeacherPrompt(index: $0.index, messages: configuration.promptStyle.messages(for: $0.example)) }
            let samples = try teacher.sample(prompts, count: configuration.samplesPerPrompt, sampling: configuration.sampling)
            guard samples.count == batch.count else {
                throw DistillationError.generationFailed(reason: "teacher \(teacher.name) returned \(samples.count) prompt results for \(batch.count) prompts")
            }
            for (p, problem) in batch.enumerated() {
                let judged = judge(samples[p], for: problem.example)
                let kept = select(judged)
                let records = kept.map {
                    DistilledExample(messages: prompts[p].messages + [.init(role: .assistant, content: $0.completion.text)],
                                     promptID: problem.id, sample: $0.sample)
                }
                let stats = Self.stats(problem, judged: judged, kept: kept)
                try files.append(records: records, stats: stats)
                onPrompt(stats)
            }
            start += batch.count
        }
        let ids = Set(problems.map(\.id))
        let report = DistillationReport(teacher: teacher.name, configuration: configuration,
                                        stats: files.done.values.filter { ids.contains($0.promptID) })
        try files.writeReport(report)
        return report
    }

    /// What a resumed run must match (the teacher may change, e.g. a server restarted on another port).
    struct Settings: Encodable {
        var source: String?
        var configuration: RejectionSamplingConfiguration
    }
}
