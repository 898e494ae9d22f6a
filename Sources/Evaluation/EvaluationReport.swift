// EvaluationReport: the summary of an evaluation — pass@1 (mean over k), pass@k, cons@k, response statistics,
// counts — computed from the per-problem records alone, as JSON and as a readable table.

import Foundation

/// One pass@k figure.
public struct PassAtKValue: Codable, Sendable, Equatable {
    /// Samples drawn (k).
    public var k: Int
    /// Mean over problems of the unbiased estimate.
    public var value: Double

    /// Creates a value.
    /// - Parameters:
    ///   - k: samples drawn.
    ///   - value: the estimate.
    public init(k: Int, value: Double) {
        self.k = k
        self.value = value
    }
}

/// The result of evaluating one task.
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// Task name.
    public var task: String
    /// Prompt style name ("r1-zero", "chat/…").
    public var promptStyle: String
    /// The settings used.
    public var configuration: EvaluationConfiguration
    /// Problems evaluated.
    public var problems: Int
    /// Samples per problem (k).
    public var samplesPerProblem: Int
    /// Samples generated in all.
    public var completions: Int
    /// Samples with the full reward.
    public var correctCompletions: Int
    /// Samples the reward did not score (not applicable or failed).
    public var unscoredCompletions: Int
    /// Samples that hit the token budget.
    public var truncatedCompletions: Int
    /// pass@1 averaged over the k samples of each problem, then over problems.
    public var passAt1: Double
    /// pass@k (unbiased estimator) for each reported k.
    public var passAtK: [PassAtKValue]
    /// cons@k: fraction of voting problems whose majority answer is correct; nil when no problem votes
    /// (non-math tasks).
    public var consensusAtK: Double?
    /// Problems with a cons@k verdict (math problems).
    public var consensusProblems: Int
    /// Length, reflection and language-mixing statistics over all samples.
    public var responses: ResponseMetrics
    /// Per-problem records, by problem index.
    public var records: [ProblemRecord]

    /// Summarises records.
    /// - Parameters:
    ///   - task: task name.
    ///   - promptStyle: prompt style name.
    ///   - configuration: the settings (for k and the reported pass@k list).
    ///   - records: per-problem records (any order; sorted by index here).
    /// - Returns: the report.
    public init(task: String, promptStyle: String, configuration: EvaluationConfiguration, records: [ProblemRecord]) {
        let records = records.sorted { $0.index < $1.index }
        self.task = task
        self.promptStyle = promptStyle
        self.configuration = configuration
        self.records = records
        problems = records.count
        samplesPerProblem = configuration.samplesPerProblem
        let samples = records.flatMap(\.samples)
        completions = samples.count
        correctCompletions = samples.lazy.filter(\.correct).count
        unscoredCompletions = samples.lazy.filter { $0.score == nil }.count
        truncatedCompletions = samples.lazy.filter(\.truncated).count
        passAt1 = records.isEmpty ? 0 : records.reduce(0) { $0 + $1.passAt1 } / Double(records.count)
        let counts = records.map { (n: $0.samples.count, c: $0.correctCount) }
        passAtK = configuration.reportedPassAtK.filter { k in counts.allSatisfy { $0.n >= k } }
            .map { PassAtKValue(k: $0, value: PassAtK.mean(counts, k: $0)) }
        let votes = records.compactMap(\.consensusCorrect)
        consensusProblems = votes.count
        consensusAtK = votes.isEmpty ? nil : Double(votes.lazy.filter { $0 }.count) / Double(votes.count)
        responses = ResponseMetrics.measure(texts: samples.map(\.text), lengths: samples.map(\.tokens))
    }

    /// The report as pretty-printed JSON with sorted keys.
    /// - Parameter includeRecords: keep the per-problem records (default true).
    /// - Returns: UTF-8 JSON.
    /// - Throws: an `EncodingError` (not expected: all values are finite).
    public func json(includeRecords: Bool = true) throws -> Data {
        var copy = self
        if !includeRecords { copy.records = [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(copy)
    }

    /// A readable summary table.
    /// - Returns: multi-line text, one metric per row.
    public func table() -> String {
        func pct(_ x: Double) -> String { String(format: "%6.2f%%", x * 100) }
        var rows: [(String, String)] = [
            ("task", "\(task) (\(promptStyle))"),
            ("problems", "\(problems) × \(samplesPerProblem) samples = \(completions)"),
            ("sampling", String(format: "T=%.2f top-p=%.2f max-tokens=%d seed=%llu", configuration.temperature,
                                configuration.topP, configuration.maxNewTokens, configuration.seed)),
            ("pass@1 (mean over k)", pct(passAt1)),
        ]
        for p in passAtK where p.k != 1 || passAtK.count == 1 { rows.append(("pass@\(p.k)", pct(p.value))) }
        rows.append(("cons@\(samplesPerProblem)", consensusAtK.map { "\(pct($0))  (\(consensusProblems) problems)" } ?? "n/a"))
        rows.append(("correct samples", "\(correctCompletions) / \(completions)"))
        rows.append(("unscored samples", "\(unscoredCompletions)"))
        rows.append(("truncated samples", "\(truncatedCompletions)"))
        rows.append(("mean length (tokens)", String(format: "%.1f", responses.meanLength)))
        rows.append(("reflection words /1k", String(format: "%.2f  (%.1f%% of samples)", responses.reflectionPerThousandWords,
                                                    responses.reflectionCompletionFraction * 100)))
        rows.append(("language mixing", pct(responses.languageMixingRate)))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
