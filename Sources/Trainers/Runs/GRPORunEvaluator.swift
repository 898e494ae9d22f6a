// GRPORunEvaluator: the held-out evaluation a GRPORun performs at step 0, every `eval_steps` steps and at
// the last step. The run only schedules and logs; what "evaluate" means (k samples per held-out problem,
// pass@1, greedy accuracy) is supplied by a conforming type — the `r1 grpo` command uses the Evaluation
// module's Evaluator. Evaluations never touch the training random streams, so a run with evaluation trains
// the same weights as one without.
import Foundation

/// The outcome of one evaluation of the current policy.
public struct GRPOEvaluationResult: Sendable, Equatable {
    /// Flat metrics logged to metrics.jsonl and TensorBoard, named `eval/…` (e.g. `eval/pass@1`,
    /// `eval/greedy_accuracy`, `eval/mean_length`).
    public var metrics: [String: Double]
    /// The full report (JSON) written to `eval/step-NNNNNNNN.json` in the run directory; nil writes none.
    public var report: Data?
    /// A one-line human summary for the console (without the step).
    public var summary: String

    /// Creates a result.
    /// - Parameters:
    ///   - metrics: `eval/…` metrics.
    ///   - report: the full JSON report, if any.
    ///   - summary: console text.
    public init(metrics: [String: Double], report: Data? = nil, summary: String) {
        self.metrics = metrics
        self.report = report
        self.summary = summary
    }
}

/// Evaluates the policy of a run on held-out problems.
///
/// Conformers read the live policy weights (the trainer updates them in place) and must be deterministic
/// for given weights: the same seeds at every evaluation, no state carried between calls.
public protocol GRPORunEvaluator: AnyObject {
    /// Evaluates the current policy.
    /// - Parameter step: GRPO steps completed so far (0 before training).
    /// - Returns: metrics, report and summary.
    /// - Throws: generation or scoring errors; the run stops (no checkpoint is written for this step).
    func evaluate(step: Int) throws -> GRPOEvaluationResult
}
