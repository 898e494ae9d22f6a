// Evaluator: samples k completions per problem from any CompletionSampler, scores them with the task's
// verifier, votes, records each problem as it finishes (resumable), and summarises into an EvaluationReport.

import Foundation
import Generation
import Rewards
import Tokenizers

/// Runs DeepSeek-R1-style evaluations.
///
/// Determinism: sample `g` of problem `i` is drawn with the generator stream of `(seed, i, g)`
/// (`CompletionRequest.firstPromptIndex = i`), so results do not depend on batching or on resuming.
///
/// Resumability: with a results directory, each problem's record is appended to `problems.jsonl` as soon as
/// it is scored; a restart with the same settings skips recorded problems, and the final report equals the
/// one of an uninterrupted run.
///
/// ```swift
/// let evaluator = try Evaluator(sampler: BatchGenerator(model: model), tokenizer: tokenizer,
///                               style: .r1Zero, configuration: EvaluationConfiguration(samplesPerProblem: 4))
/// let report = try evaluator.evaluate(task: ArithmeticTask(), resultsDirectory: URL(fileURLWithPath: "eval"))
/// print(report.table())
/// ```
public final class Evaluator {
    /// The completion source (a local `BatchGenerator` or any other sampler).
    public let sampler: any CompletionSampler
    /// Text ↔ ids for prompts and completions.
    public let tokenizer: any Tokenizer
    /// How problems become prompts.
    public let style: EvaluationPromptStyle
    /// Validated settings.
    public let configuration: EvaluationConfiguration
    /// Answer extraction and equivalence for cons@k.
    public let majorityVote: MajorityVote

    /// Creates an evaluator.
    /// - Parameters:
    ///   - sampler: the completion source.
    ///   - tokenizer: the model's tokenizer.
    ///   - style: prompt rendering.
    ///   - configuration: settings (validated here).
    ///   - majorityVote: cons@k grouping (default: `MathVerifier()` equivalence).
    /// - Throws: `EvaluationError.invalidConfiguration`.
    public init(sampler: any CompletionSampler, tokenizer: any Tokenizer, style: EvaluationPromptStyle,
                configuration: EvaluationConfiguration, majorityVote: MajorityVote = MajorityVote()) throws(EvaluationError) {
        try configuration.validate()
        self.sampler = sampler
        self.tokenizer = tokenizer
        self.style = style
        self.configuration = configuration
        self.majorityVote = majorityVote
    }

    /// The problems evaluated for a task: the first `limit` records of a dataset's test split in file order
    /// (all when `limit` is nil), or `limit ?? 100` generated test problems.
    /// - Parameter task: the task.
    /// - Returns: the problems in evaluation order.
    /// - Throws: `RewardsError` from the task, `EvaluationError.noProblems`.
    public func problems(of task: any VerifiableTask) throws -> [RewardExample] {
        let examples: [RewardExample]
        if task is DatasetTask || task is JSONLTask {
            let all = try task.examples(split: .test, count: nil, seed: configuration.seed)
            examples = configuration.limit.map { Array(all.prefix($0)) } ?? all
        } else {
            examples = try task.examples(split: .test, count: configuration.limit ?? 100, seed: configuration.seed)
        }
        guard !examples.isEmpty else { throw EvaluationError.noProblems(task: task.name) }
        return examples
    }

    /// Evaluates a task.
    /// - Parameters:
    ///   - task: the problems and their verifier.
    ///   - resultsDirectory: where to keep `settings.json`, `problems.jsonl` and `report.json`; resumes what is
    ///     there. Nil: nothing is written.
    ///   - onProblem: called after each problem is recorded with the record and the number of problems done so
    ///     far; throwing from it stops the evaluation (the record is already saved).
    /// - Returns: the report over all problems.
    /// - Throws: `EvaluationError`, `RewardsError` (task data), `GenerationError` or the sampler's errors, and
    ///   whatever `onProblem` throws.
    public func evaluate(task: any VerifiableTask, resultsDirectory: URL? = nil,
                         onProblem: ((ProblemRecord, Int) throws -> Void)? = nil) throws -> EvaluationReport {
        let examples = try problems(of: task)
        let identity = EvaluationIdentity(task: task.name, promptStyle: style.name, configuration: configuration,
                                          problemIDs: examples.map(\.id))
        let store = resultsDirectory.map(EvaluationResultsStore.init(directory:))
        var records = try store?.open(for: identity) ?? [:]
        let pending = examples.indices.filter { records[$0] == nil }
        var done = records.count
        for run in Self.batches(pending, size: configuration.problemsPerBatch) {
            for record in try evaluateBatch(run, examples: examples, task: task) {
                try store?.append(record)
                records[record.index] = record
                done += 1
                try onProblem?(record, done)
            }
        }
        let report = EvaluationReport(task: task.name, promptStyle: style.name, configuration: configuration,
                                      records: Array(records.values))
        try store?.write(report)
        return report
    }

    /// Samples, scores and votes one run of consecutive problem indices.
    /// - Parameters:
    ///   - indices: consecutive problem indices.
    ///   - examples: all problems.
    ///   - task: supplies prompts and the verifier.
    /// - Returns: one record per index, in order.
    /// - Throws: sampler errors.
    func evaluateBatch(_ indices: [Int], examples: [RewardExample], task: any VerifiableTask) throws -> [ProblemRecord] {
        guard let first = indices.first else { return [] }
        let k = configuration.samplesPerProblem
        var prompts: [[Int32]] = []
        for index in indices {
            prompts.append(tokenizer.encode(style.render(examples[index], task: task), addSpecialTokens: style.addsSpecialTokens))
        }
        let request = CompletionRequest(prompts: prompts, samplesPerPrompt: k,
                                        parameters: configuration.samplingParameters(stopTokenIDs: tokenizer.eosTokenIds),
                                        firstPromptIndex: first)
        let tokenizer = self.tokenizer
        let decoder: TokenTextDecoder = { tokenizer.decode($0, skipSpecialTokens: false) }
        let batch = try sampler.complete(request, decoder: decoder)
        var byProblem: [Int: [Generation.Completion]] = [:]
        for completion in batch.completions { byProblem[completion.promptIndex, default: []].append(completion) }
        var samples: [RewardSample] = []
        var generated: [(completion: Generation.Completion, text: String)] = []
        for index in indices {
            var completions = byProblem[index] ?? []
            completions.sort { $0.sampleIndex < $1.sampleIndex }
            guard completions.count == k else {
                throw EvaluationError.invalidConfiguration(field: "sampler", value: "\(completions.count) samples for problem \(index)",
                                                           rule: "a sampler must return exactly \(k) samples per prompt")
            }
            for completion in completions {
                let text = tokenizer.decode(completion.tokens, skipSpecialTokens: true)
                generated.append((completion, text))
                samples.append(RewardSample(example: examples[index], completion: Rewards.Completion(text, tokenCount: completion.tokens.count)))
            }
        }
        let outcomes = task.reward.scoreBatch(samples, timeout: configuration.rewardTimeout)
        var records: [ProblemRecord] = []
        for (p, index) in indices.enumerated() {
            let example = examples[index]
            let isMath = example.kind == .math
            var sampleRecords: [SampleRecord] = []
            for g in 0..<k {
                let (completion, text) = generated[p * k + g]
                let outcome = outcomes[p * k + g]
                let score = outcome.value
                sampleRecords.append(SampleRecord(
                    text: text, tokens: completion.tokens.count, truncated: completion.finishReason == .length,
                    score: score, correct: (score ?? 0) >= 1 - 1e-9,
                    answer: isMath ? majorityVote.answer(in: text) : nil,
                    error: outcome.error.map { String(describing: $0) }))
            }
            var consensus: AnswerGroup?
            var consensusCorrect: Bool?
            if isMath {
                var answers: [String?] = []
                for sample in sampleRecords { answers.append(sample.answer) }
                consensus = majorityVote.winner(answers)
                if let consensus { consensusCorrect = sampleRecords[consensus.members[0]].correct } else { consensusCorrect = false }
            }
            records.append(ProblemRecord(index: index, id: example.id, gold: example.goldAnswer, samples: sampleRecords,
                                         consensus: consensus, consensusCorrect: consensusCorrect))
        }
        return records
    }

    /// Splits ascending indices into runs of consecutive indices of at most `size` each.
    static func batches(_ indices: [Int], size: Int) -> [[Int]] {
        var out: [[Int]] = []
        for i in indices {
            if var last = out.last, last.count < size, last.last! + 1 == i {
                last.append(i)
                out[out.count - 1] = last
            } else {
                out.append([i])
            }
        }
        return out
    }
}
