// GRPORun: drives a GRPOTrainer for `max_steps` inside a run directory — resolved configuration,
// per-step metrics (metrics.jsonl + TensorBoard, TRL names), samples.jsonl, a console progress line, the
// cost account, held-out evaluations (step 0, every `eval_steps`, the last step; eval.json), and atomic
// checkpoints every `save_steps` and at the end; resumes from the newest checkpoint.
//
// Exact resume: every random choice of a step derives from (seed, step) — the sampler seed in
// GRPOTrainer.samplingParameters(step:) — or from checkpointed state: the prompt stream position
// (PromptSource is a pure function of seed and position), AdamW moments and step, the trainer's step and
// cost account, and the reference weights once an R1 reference reset has made them differ from the
// starting model. A resumed run therefore reproduces an uninterrupted one bit for bit at the same thread
// count. A failed step (e.g. a non-finite loss) throws before any checkpoint is written, so the newest
// checkpoint on disk is the last good state.
import Foundation
import Models
import TensorEngine
import Training

/// One GRPO training run in a run directory.
///
/// ```swift
/// let run = try GRPORun(trainer: trainer, prompts: source, directory: URL(fileURLWithPath: "runs/a"),
///                       settings: recipe.settings)
/// _ = try run.resumeIfPossible()
/// try run.train()
/// ```
public final class GRPORun {
    /// The trainer (its policy's weights change in place).
    public let trainer: GRPOTrainer
    /// The prompt stream.
    public private(set) var prompts: PromptSource
    /// Logs and checkpoints.
    public let directory: RunDirectory
    /// Run-level settings.
    public let settings: GRPORunSettings
    /// Receives console lines (progress, checkpoints); default prints them.
    public var output: (String) -> Void = { print($0); fflush(nil) }
    /// Called after every step with its report (tests and the CLI observe the run through it).
    public var onStep: ((GRPOStepReport) -> Void)?
    /// Held-out evaluation, run at step 0, every `settings.evalSteps` steps and at the last step, before that
    /// step's checkpoint (nil, or `evalSteps == 0`: no evaluation).
    public var evaluator: (any GRPORunEvaluator)?
    /// Evaluations so far (eval.json).
    public private(set) var evaluationLog = GRPOEvaluationLog()

    /// eval.json of the run directory.
    public var evaluationLogURL: URL { directory.url.appendingPathComponent("eval.json") }

    /// CRC32C of the starting weights: a checkpoint whose reference is "the starting model" must be resumed
    /// from the same starting model.
    private let startingFingerprint: UInt32
    /// Step at which the reference was last reset to the policy (0: never, the reference is the start model).
    private var referenceStep = 0
    /// Wall-clock seconds of the steps of this process (for the ETA).
    private var stepSeconds: [Double] = []

    /// Creates a run. Call `resumeIfPossible()` before `train()` to continue an earlier run.
    /// - Parameters:
    ///   - trainer: a freshly created trainer over the starting model.
    ///   - prompts: the prompt stream at position 0.
    ///   - directory: the run root (created if needed).
    ///   - settings: run settings (cost model, checkpoint retention).
    ///   - tensorBoard: also write TensorBoard event files.
    /// - Throws: `TrainingError.writeFailed` when the directory cannot be created.
    public init(trainer: GRPOTrainer, prompts: PromptSource, directory: URL, settings: GRPORunSettings,
                tensorBoard: Bool = true) throws {
        self.trainer = trainer
        self.prompts = prompts
        self.directory = try RunDirectory(url: directory, tensorBoard: tensorBoard)
        self.settings = settings
        startingFingerprint = CRC32C.checksum(UnsafeRawBufferPointer(trainer.policy.parameters.flat))
    }

    /// Loads the newest valid checkpoint of the run directory, if any.
    /// - Returns: the step resumed from, or nil when there is no checkpoint.
    /// - Throws: `TrainingError.corruptCheckpoint`, `GRPORunError.incompatibleCheckpoint`, `GRPOTrainerError`.
    @discardableResult
    public func resumeIfPossible() throws -> Int? {
        _ = CheckpointStore.removeTemporaries(in: directory.checkpointsDirectory)
        guard let latest = CheckpointStore.latest(in: directory.checkpointsDirectory) else { return nil }
        try resume(from: latest)
        return trainer.stepCount
    }

    /// Restores the trainer, optimizer and prompt stream from a checkpoint directory.
    /// - Throws: `TrainingError.corruptCheckpoint`, `GRPORunError.incompatibleCheckpoint`, `GRPOTrainerError`.
    public func resume(from url: URL) throws {
        let checkpoint = try CheckpointStore.read(from: url)
        guard Self.resumable(checkpoint.configuration, trainer.configuration) else {
            throw GRPORunError.incompatibleCheckpoint(
                path: url.path, reason: "its GRPO configuration differs from this run's in more than max_steps/save_steps/logging")
        }
        let state = checkpoint.trainerState
        let policy = trainer.policy
        var reference: [Float]?
        var loaded = Set<String>()
        if trainer.adapter != nil {
            // LoRA: the checkpoint holds the adapter (PEFT names); the base is the starting model, checked below.
            do {
                try trainer.restoreTrainedTensors(checkpoint.weights.filter { !$0.name.hasPrefix(Self.referencePrefix) }, source: url.path)
            } catch {
                throw GRPORunError.incompatibleCheckpoint(path: url.path, reason: "its adapter does not fit this run (\(error))")
            }
            loaded = Set(policy.parameters.layout.entries.map(\.name))
        }
        for tensor in checkpoint.weights where trainer.adapter == nil {
            if tensor.name.hasPrefix(Self.referencePrefix) {
                let name = String(tensor.name.dropFirst(Self.referencePrefix.count))
                guard let entry = policy.parameters.layout.entry(name), entry.count == tensor.values.count else {
                    throw GRPORunError.incompatibleCheckpoint(path: url.path, reason: "reference tensor \(name) does not fit the model")
                }
                if reference == nil { reference = [Float](repeating: 0, count: policy.parameters.count) }
                reference!.withUnsafeMutableBufferPointer { buffer in
                    for (i, v) in tensor.values.enumerated() { buffer[entry.offset + i] = v }
                }
                continue
            }
            guard let entry = policy.parameters.layout.entry(tensor.name), entry.shape == tensor.shape else {
                throw GRPORunError.incompatibleCheckpoint(path: url.path,
                                                          reason: "tensor \(tensor.name) \(tensor.shape) does not fit the model")
            }
            _ = tensor.values.withUnsafeBufferPointer { policy.parameters[tensor.name].update(fromContentsOf: $0) }
            loaded.insert(tensor.name)
        }
        let missing = policy.parameters.layout.entries.map(\.name).filter { !loaded.contains($0) }
        guard missing.isEmpty else {
            throw GRPORunError.incompatibleCheckpoint(path: url.path, reason: "tensors missing: \(missing.prefix(3).joined(separator: ", "))")
        }
        let holdout = state.extra["eval_holdout"] ?? "0.0"
        guard holdout == String(settings.effectiveHoldout) else {
            throw GRPORunError.incompatibleCheckpoint(
                path: url.path, reason: "its training prompts held out a fraction \(holdout) of the problems for evaluation and this run "
                    + "holds out \(settings.effectiveHoldout) (run.eval_steps / run.eval_holdout change the training prompts)")
        }
        referenceStep = state.referenceStep
        if trainer.reference != nil || trainer.adapter != nil, reference == nil, referenceStep == 0 {
            // The reference is the starting model: it must be the model this process started from.
            if let recorded = state.extra["starting_weights_crc32c"], recorded != String(startingFingerprint) {
                throw GRPORunError.incompatibleCheckpoint(
                    path: url.path, reason: "the starting model differs from the one the run began with (CRC32C \(recorded) vs \(startingFingerprint))")
            }
        }
        try trainer.restore(step: state.generationStep, optimizerState: checkpoint.optimizer, cost: state.cost,
                            referenceParameters: reference)
        prompts.position = state.dataPosition
        // Lines a killed process logged after this checkpoint would be logged again: drop them.
        for url in [directory.metricsURL, directory.samplesURL] { try Self.dropLines(in: url, afterStep: state.generationStep) }
        evaluationLog = GRPOEvaluationLog.read(from: evaluationLogURL) ?? GRPOEvaluationLog()
        evaluationLog.history.removeAll { $0.step > state.generationStep }
        if FileManager.default.fileExists(atPath: evaluationLogURL.path) { try evaluationLog.write(to: evaluationLogURL) }
        output("resumed from \(url.lastPathComponent): step \(state.generationStep), data position \(state.dataPosition)")
        if let threads = state.extra["threads"], threads != String(Parallel.threadCount) {
            output("note: the checkpoint was written with \(threads) threads and this process uses \(Parallel.threadCount); "
                   + "the run continues correctly but may not match an uninterrupted run bit for bit")
        }
    }

    /// Trains until `max_steps` (or `steps` more steps), checkpointing every `save_steps` and at the end.
    /// - Parameter steps: most steps to run in this call (nil: up to `max_steps`).
    /// - Returns: the reports of the steps run.
    /// - Throws: `GRPOTrainerError.nonFiniteLoss` (nothing is saved for the failed step; the last checkpoint
    ///   stays intact), generation, reward and I/O errors.
    @discardableResult
    public func train(steps: Int? = nil) throws -> [GRPOStepReport] {
        let c = trainer.configuration
        if trainer.stepCount == 0 {
            // A fresh start: logs left by an earlier process that died before its first checkpoint are stale.
            for url in [directory.metricsURL, directory.samplesURL] { try Self.dropLines(in: url, afterStep: -1) }
            try? FileManager.default.removeItem(at: evaluationLogURL)
            evaluationLog = GRPOEvaluationLog()
            try directory.writeConfiguration(c)
            if evaluates(atStep: 0) { try evaluate() }
        }
        let last = min(c.maxSteps, steps.map { trainer.stepCount + $0 } ?? c.maxSteps)
        var reports: [GRPOStepReport] = []
        while trainer.stepCount < last {
            let start = Date()
            let report = try trainer.step { count in try self.prompts.next(count) }
            if c.referenceResetSteps > 0, report.step % c.referenceResetSteps == 0, trainer.reference != nil {
                referenceStep = report.step
            }
            stepSeconds.append(Date().timeIntervalSince(start))
            try log(report)
            if evaluates(atStep: report.step) { try evaluate() }
            reports.append(report)
            onStep?(report)
            if c.isSaveStep(report.step) || report.step == c.maxSteps { try saveCheckpoint() }
        }
        try directory.flush()
        return reports
    }

    /// Whether a held-out evaluation is due after `step` steps: step 0, multiples of `eval_steps`, the last step.
    /// - Parameter step: steps completed.
    /// - Returns: true when an evaluator is set, `eval_steps > 0` and the step is due.
    public func evaluates(atStep step: Int) -> Bool {
        guard evaluator != nil, settings.evalSteps > 0 else { return false }
        return step == 0 || step % settings.evalSteps == 0 || step == trainer.configuration.maxSteps
    }

    /// Evaluates the current policy now: logs the `eval/…` metrics (metrics.jsonl, TensorBoard, console) at
    /// the current step, writes the full report to eval/step-NNNNNNNN.json and updates eval.json.
    /// - Returns: the result, or nil without an evaluator.
    /// - Throws: the evaluator's errors, `TrainingError.writeFailed`.
    @discardableResult
    public func evaluate() throws -> GRPOEvaluationResult? {
        guard let evaluator else { return nil }
        let step = trainer.stepCount
        let start = Date()
        let result = try evaluator.evaluate(step: step)
        let seconds = Date().timeIntervalSince(start)
        var metrics = result.metrics
        metrics["eval/time"] = seconds
        try directory.log(metrics: metrics, step: step)
        var reportPath: String?
        if let report = result.report {
            let relative = String(format: "eval/step-%08d.json", step)
            let url = directory.url.appendingPathComponent(relative)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw TrainingError.writeFailed(path: url.deletingLastPathComponent().path, reason: "\(error)")
            }
            try AtomicFile.write(report, to: url)
            reportPath = relative
        }
        evaluationLog.history.removeAll { $0.step >= step }
        evaluationLog.history.append(.init(step: step, metrics: metrics, summary: result.summary, report: reportPath))
        try evaluationLog.write(to: evaluationLogURL)
        output("eval step \(step): \(result.summary)" + String(format: " (%.1f s)", seconds))
        return result
    }

    /// Writes a checkpoint of the current state (atomically) and prunes old ones.
    /// - Throws: `TrainingError.writeFailed`.
    public func saveCheckpoint() throws {
        try directory.flush()
        let url = directory.checkpointURL(step: trainer.stepCount)
        try CheckpointStore.write(checkpoint(), to: url)
        if settings.keepCheckpoints > 0 { _ = CheckpointStore.prune(directory.checkpointsDirectory, keeping: settings.keepCheckpoints) }
        output("checkpoint: \(url.lastPathComponent)")
    }

    /// The current state as a checkpoint value.
    public func checkpoint() -> Checkpoint {
        // Under LoRA only the adapter is trained (the frozen base is the model the run started from).
        var weights = trainer.trainedTensors
        if let reference = trainer.reference, referenceStep > 0 {
            weights += reference.exportParameters().map {
                CheckpointTensor(name: Self.referencePrefix + $0.name, shape: $0.shape, values: Array($0.values))
            }
        }
        let state = TrainerState(
            step: trainer.optimizer.state.step, generationStep: trainer.stepCount, epoch: prompts.epoch,
            dataPosition: prompts.position, rngState: [prompts.seed, UInt64(truncatingIfNeeded: trainer.configuration.seed)],
            referenceStep: referenceStep, cost: trainer.costAccount,
            extra: ["starting_weights_crc32c": String(startingFingerprint), "threads": String(Parallel.threadCount),
                    "task": prompts.task.name, "eval_holdout": String(settings.effectiveHoldout)])
        return Checkpoint(weights: weights, optimizer: trainer.optimizer.state, trainerState: state,
                          configuration: trainer.configuration)
    }

    /// Rewrites a JSON-lines log without the lines whose `step` exceeds `step` (atomically; absent file: no-op).
    static func dropLines(in url: URL, afterStep step: Int) throws {
        guard let data = try? Data(contentsOf: url) else { return }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let kept = lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let lineStep = object["step"] as? Int else { return false }
            return lineStep <= step
        }
        guard kept.count != lines.count else { return }
        var out = Data()
        for line in kept { out.append(contentsOf: line); out.append(UInt8(ascii: "\n")) }
        try AtomicFile.write(out, to: url)
    }

    /// Tensor-name prefix of the reference weights inside weights.safetensors.
    static let referencePrefix = "reference."

    /// Whether a checkpoint of configuration `saved` may continue under `current` (only the step budget
    /// and logging cadence may change).
    static func resumable(_ saved: GRPOConfiguration, _ current: GRPOConfiguration) -> Bool {
        var a = saved, b = current
        a.maxSteps = 0; b.maxSteps = 0
        a.saveSteps = 0; b.saveSteps = 0
        a.loggingSteps = 0; b.loggingSteps = 0
        a.logCompletionsSteps = 0; b.logCompletionsSteps = 0
        // The learning-rate schedule depends on max_steps: a changed budget changes the remaining updates.
        return a == b
    }

    /// Metrics, samples, progress line.
    private func log(_ report: GRPOStepReport) throws {
        let c = trainer.configuration
        let cost = trainer.costAccount
        let model = settings.costModel
        var metrics = trainer.lastStepMetrics
        metrics["grad_norm"] = report.gradNorm
        metrics["learning_rate"] = report.learningRate
        metrics["entropy"] = report.entropy
        metrics["accuracy"] = report.accuracy
        metrics["dropped_groups"] = Double(report.droppedGroups)
        metrics["epoch"] = Double(prompts.epoch)
        metrics["step_time"] = report.totalSeconds
        metrics["time/sampling"] = report.samplingSeconds
        metrics["time/scoring"] = report.scoringSeconds
        metrics["time/training"] = report.trainingSeconds
        metrics["tokens_per_second"] = report.tokensPerSecond
        metrics["num_tokens"] = Double(cost.generatedTokens + cost.trainedTokens)
        metrics["cost/flops"] = cost.totalFLOPs
        metrics["cost/gpu_hours"] = model.hours(for: cost.totalFLOPs)
        metrics["cost/dollars"] = model.dollars(for: cost.totalFLOPs)
        try directory.log(metrics: metrics, step: report.step)
        if c.isCompletionLoggingStep(report.step) {
            try directory.log(samples: report.samples.map { s in
                SampleRecord(step: report.step, prompt: s.prompt, completion: s.completion,
                             rewards: Dictionary(zip(report.rewardNames, s.rewards), uniquingKeysWith: { a, _ in a }),
                             reward: s.totalReward, advantage: s.advantage, completionTokens: s.tokenCount, truncated: s.truncated)
            })
        }
        let recent = stepSeconds.suffix(10)
        let line = ProgressLine.format(ProgressSnapshot(
            step: report.step, totalSteps: c.maxSteps, reward: report.rewardMean, accuracy: report.accuracy, kl: report.kl,
            completionLength: report.completionLengthMean, tokensPerSecond: report.tokensPerSecond,
            learningRate: report.learningRate, secondsPerStep: recent.reduce(0, +) / Double(max(1, recent.count))))
        output(line + String(format: " | %.2e FLOP, %.4f GPU-h, $%.4f", cost.totalFLOPs, model.hours(for: cost.totalFLOPs),
                             model.dollars(for: cost.totalFLOPs)))
    }
}
