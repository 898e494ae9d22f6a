// GRPOHeldOutEvaluator: the held-out evaluation of `r1 grpo` — the Evaluation module's Evaluator run on the
// policy being trained: k samples per held-out problem at the evaluation temperature/top-p (pass@1 averaged
// over k, unbiased pass@k), plus one greedy decode per problem. Prompts are rendered and tokenized exactly
// as the training prompts are (same template, system message, instruction and special tokens), and scored
// by the task's own verifier.
import Evaluation
import Foundation
import Generation
import Models
import Rewards
import Tokenizers
import Trainers

/// Evaluates a GRPO run's policy on the held-out split of its task.
final class GRPOHeldOutEvaluator: GRPORunEvaluator {
    /// The held-out problems' task, prompting as training does.
    let task: TrainingPromptTask
    /// k samples per problem at the evaluation temperature.
    let sampled: Evaluator
    /// One greedy decode per problem (nil when `eval_greedy` is false).
    let greedy: Evaluator?

    /// Creates the evaluator.
    /// - Parameters:
    ///   - policy: the model being trained (read live at every evaluation).
    ///   - prompts: the run's prompt source (task, template, tokenizer).
    ///   - settings: the `eval_*` run settings.
    ///   - maxCompletionLength: the run's completion budget (used when `eval_max_new_tokens` is unset).
    /// - Throws: `EvaluationError.invalidConfiguration`.
    init(policy: LlamaModel, prompts: PromptSource, settings: GRPORunSettings, maxCompletionLength: Int) throws {
        task = TrainingPromptTask(source: prompts)
        let tokenizer = TrainingPromptTokenizer(base: prompts.tokenizer, addSpecialTokens: prompts.style == .r1Zero)
        let budget = settings.evalMaxNewTokens ?? maxCompletionLength
        let problemsPerBatch = max(1, 64 / settings.evalSamples)
        let sampledConfiguration = EvaluationConfiguration(
            samplesPerProblem: settings.evalSamples, temperature: Float(settings.evalTemperature), topP: Float(settings.evalTopP),
            maxNewTokens: budget, seed: settings.evalSeed, limit: settings.evalSize, problemsPerBatch: problemsPerBatch)
        sampled = try Evaluator(sampler: BatchGenerator(model: policy, maximumConcurrentSequences: problemsPerBatch * settings.evalSamples),
                                tokenizer: tokenizer, style: .r1Zero, configuration: sampledConfiguration)
        if settings.evalGreedy {
            let greedyConfiguration = EvaluationConfiguration(
                samplesPerProblem: 1, temperature: 0, topP: 1, maxNewTokens: budget, seed: settings.evalSeed,
                limit: settings.evalSize, problemsPerBatch: 32)
            greedy = try Evaluator(sampler: BatchGenerator(model: policy, maximumConcurrentSequences: 32), tokenizer: tokenizer,
                                   style: .r1Zero, configuration: greedyConfiguration)
        } else {
            greedy = nil
        }
    }

    func evaluate(step: Int) throws -> GRPOEvaluationResult {
        let report = try sampled.evaluate(task: task)
        let greedyReport = try greedy?.evaluate(task: task)
        var metrics: [String: Double] = [
            "eval/pass@1": report.passAt1,
            "eval/mean_length": report.responses.meanLength,
            "eval/truncated_fraction": Double(report.truncatedCompletions) / Double(max(1, report.completions)),
            "eval/problems": Double(report.problems),
        ]
        for value in report.passAtK where value.k > 1 { metrics["eval/pass@\(value.k)"] = value.value }
        if let consensus = report.consensusAtK { metrics["eval/cons@\(report.samplesPerProblem)"] = consensus }
        var summary = String(format: "pass@1 %.1f%% (%d held-out problems × %d samples, T=%.2f, top-p %.2f)",
                             report.passAt1 * 100, report.problems, report.samplesPerProblem,
                             Double(report.configuration.temperature), Double(report.configuration.topP))
        if let greedyReport {
            metrics["eval/greedy_accuracy"] = greedyReport.passAt1
            metrics["eval/greedy_mean_length"] = greedyReport.responses.meanLength
            summary += String(format: ", greedy %.1f%%", greedyReport.passAt1 * 100)
        }
        summary += String(format: ", mean length %.1f tokens", report.responses.meanLength)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(StepReport(step: step, sampled: report, greedy: greedyReport))
        return GRPOEvaluationResult(metrics: metrics, report: json, summary: summary)
    }

    /// eval/step-NNNNNNNN.json: both reports with their per-problem records.
    struct StepReport: Encodable {
        let step: Int
        let sampled: EvaluationReport
        let greedy: EvaluationReport?
    }
}

/// The run's task with the run's prompt rendering: `prompt(for:)` is the training prompt text (chat
/// template or R1-Zero), so evaluation prompts match training prompts character for character.
struct TrainingPromptTask: VerifiableTask {
    /// The run's prompt source.
    let source: PromptSource

    var name: String { source.task.name }
    var reward: any RewardFunction { source.task.reward }

    func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        try source.task.examples(split: split, count: count, seed: seed)
    }

    func prompt(for example: RewardExample) -> String { source.render(example) }

    func referenceCompletion(for example: RewardExample) -> String? { source.task.referenceCompletion(for: example) }
}

/// A tokenizer that encodes prompts with the special-token choice of the training prompts (BOS for the
/// R1-Zero text prompt, none for chat templates, which write their own), whatever the caller asks.
struct TrainingPromptTokenizer: Tokenizer {
    /// The model's tokenizer.
    let base: any Tokenizer
    /// Whether prompts get the tokenizer's sequence special tokens.
    let addSpecialTokens: Bool

    func encode(_ text: String, addSpecialTokens _: Bool) -> [Int32] { base.encode(text, addSpecialTokens: addSpecialTokens) }
    func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String { base.decode(ids, skipSpecialTokens: skipSpecialTokens) }
    var vocabularySize: Int { base.vocabularySize }
    func tokenId(for piece: String) -> Int32? { base.tokenId(for: piece) }
    func piece(for id: Int32) -> String? { base.piece(for: id) }
    func tokenBytes(_ id: Int32) -> [UInt8] { base.tokenBytes(id) }
    func isSpecialToken(_ id: Int32) -> Bool { base.isSpecialToken(id) }
    func encodeWithOffsets(_ text: String) -> (ids: [Int32], byteOffsets: [Int]) { base.encodeWithOffsets(text) }
    var bosTokenId: Int32? { base.bosTokenId }
    var eosTokenId: Int32? { base.eosTokenId }
    var eosTokenIds: [Int32] { base.eosTokenIds }
    var padTokenId: Int32? { base.padTokenId }
    var chatTemplateSource: String? { base.chatTemplateSource }
}
