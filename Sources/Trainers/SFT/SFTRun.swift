// SFTRun: drives an SFTTrainer over an SFTDataset inside a run directory — the resolved configuration
// (config.yaml/config.json with TRL keys), metrics.jsonl + TensorBoard every `logging_steps` (TRL names:
// loss, grad_norm, learning_rate, epoch, num_tokens, entropy; eval_loss), a console progress line, the
// held-out loss every `eval_steps` and at the end (`loss` is the mean over the steps since the previous line, as
// HF Trainer logs it), and atomic checkpoints every `save_steps` and at the end;
// resumes from the newest checkpoint.
//
// Exact resume: the micro-batches of a step are a pure function of (seed, step, data) (SFTDataset), and the
// checkpoint holds the weights, the AdamW moments and step, the trainer step and the token count. A resumed
// run therefore reproduces an uninterrupted one bit for bit at the same thread count. Checkpoint's
// `configuration` slot is typed GRPOConfiguration (Training), so the SFT configuration travels as JSON in
// `trainer_state.json` (`extra["sft_configuration"]`); the checkpoint's own config.yaml holds GRPO defaults.
import Foundation
import Models
import TensorEngine
import Training

/// One SFT run in a run directory.
///
/// ```swift
/// let run = try SFTRun(trainer: trainer, data: data, evalExamples: held, directory: URL(fileURLWithPath: "runs/sft"))
/// _ = try run.resumeIfPossible()
/// try run.train()
/// ```
public final class SFTRun {
    /// The trainer (its model's weights change in place).
    public let trainer: SFTTrainer
    /// Training rows.
    public let data: SFTDataset
    /// Held-out examples for `eval_loss` (nil: none).
    public let evalExamples: [SFTExample]?
    /// Logs and checkpoints.
    public let directory: RunDirectory
    /// Padding id.
    public let padToken: Int32
    /// Optimizer steps of the run.
    public let totalSteps: Int
    /// Receives console lines (progress, checkpoints); default prints them.
    public var output: (String) -> Void = { print($0); fflush(nil) }
    /// Called after every step with its report.
    public var onStep: ((SFTStepReport) -> Void)?
    /// Non-padding tokens trained on so far (TRL `num_tokens`).
    public private(set) var numTokens = 0
    /// Σ loss and steps since the last metrics line: the logged `loss` is their mean, as HF Trainer logs it.
    private var lossWindow = (sum: 0.0, steps: 0)
    /// The newest held-out loss, if evaluated.
    public private(set) var lastEvalLoss: Double?
    private var stepSeconds: [Double] = []
    /// CRC32C of the model's weights when the run was created (the frozen base of a LoRA run).
    private let baseFingerprint: UInt32
    /// Tensor-name prefix of adapter tensors in a checkpoint.
    static let adapterPrefix = "adapter."

    /// Creates a run. Call `resumeIfPossible()` before `train()` to continue an earlier run.
    /// - Parameters:
    ///   - trainer: a fresh trainer whose schedule spans `data`'s total steps (see `SFTConfiguration.totalSteps(rows:)`).
    ///   - data: training rows.
    ///   - evalExamples: held-out examples (nil: no eval_loss).
    ///   - directory: the run root (created if needed).
    ///   - padToken: id written into padding.
    ///   - tensorBoard: also write TensorBoard event files.
    /// - Throws: `TrainingError.writeFailed` when the directory cannot be created.
    public init(trainer: SFTTrainer, data: SFTDataset, evalExamples: [SFTExample]? = nil, directory: URL,
                padToken: Int32 = 0, tensorBoard: Bool = true) throws {
        self.trainer = trainer
        self.data = data
        self.evalExamples = evalExamples
        self.directory = try RunDirectory(url: directory, tensorBoard: tensorBoard)
        self.padToken = padToken
        totalSteps = trainer.schedule.totalSteps
        baseFingerprint = CRC32C.checksum(UnsafeRawBufferPointer(trainer.model.parameters.flat))
    }

    /// Loads the newest valid checkpoint of the run directory, if any.
    /// - Returns: the step resumed from, or nil when there is no checkpoint.
    /// - Throws: `TrainingError.corruptCheckpoint`, `SFTError.incompatibleCheckpoint`.
    @discardableResult
    public func resumeIfPossible() throws -> Int? {
        _ = CheckpointStore.removeTemporaries(in: directory.checkpointsDirectory)
        guard let latest = CheckpointStore.latest(in: directory.checkpointsDirectory) else { return nil }
        try resume(from: latest)
        return trainer.stepCount
    }

    /// Restores weights, optimizer and position from a checkpoint directory.
    /// - Parameter url: a checkpoint directory of this run.
    /// - Throws: `TrainingError.corruptCheckpoint`, `SFTError.incompatibleCheckpoint`.
    public func resume(from url: URL) throws {
        let checkpoint = try CheckpointStore.read(from: url)
        let state = checkpoint.trainerState
        func incompatible(_ reason: String) -> SFTError { .incompatibleCheckpoint(path: url.path, reason: reason) }
        guard let json = state.extra["sft_configuration"],
              let saved = try? JSONDecoder().decode(SFTConfiguration.self, from: Data(json.utf8)) else {
            throw incompatible("it is not an SFT checkpoint (no sft_configuration in trainer_state.json)")
        }
        guard Self.resumable(saved, trainer.configuration) else {
            throw incompatible("its SFT configuration differs from this run's in more than save_steps/save_total_limit/"
                               + "logging_steps/eval_steps/per_device_eval_batch_size")
        }
        guard state.extra["data_crc32c"] == String(data.fingerprint) else {
            throw incompatible("the training data differs from the run's (CRC32C \(state.extra["data_crc32c"] ?? "?") vs \(data.fingerprint))")
        }
        guard state.extra["total_steps"] == String(totalSteps) else {
            throw incompatible("the run had \(state.extra["total_steps"] ?? "?") steps and this one has \(totalSteps)")
        }
        guard let optimizer = checkpoint.optimizer else { throw incompatible("it holds no optimizer state") }
        let model = trainer.model
        if let adapter = model.adapter {
            // LoRA: the checkpoint holds the adapter; the frozen base must be the one the run started from.
            guard state.extra["base_weights_crc32c"] == String(baseFingerprint) else {
                throw incompatible("the base model differs from the one the LoRA run began with")
            }
            let tensors = checkpoint.weights.filter { $0.name.hasPrefix(Self.adapterPrefix) }
                .map { (name: String($0.name.dropFirst(Self.adapterPrefix.count)), shape: $0.shape, values: $0.values) }
            do { try adapter.loadParameters(tensors, source: url.path) } catch { throw incompatible("\(error)") }
        } else {
            var loaded = Set<String>()
            for tensor in checkpoint.weights {
                guard let entry = model.parameters.layout.entry(tensor.name), entry.shape == tensor.shape else {
                    throw incompatible("tensor \(tensor.name) \(tensor.shape) does not fit the model")
                }
                _ = tensor.values.withUnsafeBufferPointer { model.parameters[tensor.name].update(fromContentsOf: $0) }
                loaded.insert(tensor.name)
            }
            let missing = model.parameters.layout.entries.map(\.name).filter { !loaded.contains($0) }
            guard missing.isEmpty else { throw incompatible("tensors missing: \(missing.prefix(3).joined(separator: ", "))") }
        }
        try trainer.restore(step: state.generationStep, optimizerState: optimizer)
        numTokens = Int(state.extra["num_tokens"] ?? "0") ?? 0
        lossWindow = (Double(bitPattern: UInt64(state.extra["loss_window_sum_bits"] ?? "0") ?? 0),
                      Int(state.extra["loss_window_steps"] ?? "0") ?? 0)
        try GRPORun.dropLines(in: directory.metricsURL, afterStep: state.generationStep)
        output("resumed from \(url.lastPathComponent): step \(state.generationStep) of \(totalSteps)")
        if let threads = state.extra["threads"], threads != String(Parallel.threadCount) {
            output("note: the checkpoint was written with \(threads) threads and this process uses \(Parallel.threadCount); "
                   + "the run continues correctly but may not match an uninterrupted run bit for bit")
        }
    }

    /// Trains until the last step (or `steps` more), evaluating and checkpointing on schedule.
    /// - Parameter steps: most steps to run in this call (nil: to the end).
    /// - Returns: the reports of the steps run.
    /// - Throws: `GRPOTrainerError.nonFiniteLoss` (nothing is saved for the failed step), I/O errors.
    @discardableResult
    public func train(steps: Int? = nil) throws -> [SFTStepReport] {
        let c = trainer.configuration
        if trainer.stepCount == 0 { try writeConfiguration() }
        let last = min(totalSteps, steps.map { trainer.stepCount + $0 } ?? totalSteps)
        var reports: [SFTStepReport] = []
        while trainer.stepCount < last {
            let start = Date()
            let report = try trainer.step(microBatches: data.microBatches(step: trainer.stepCount), padToken: padToken)
            numTokens += report.tokens
            lossWindow.sum += report.loss
            lossWindow.steps += 1
            stepSeconds.append(Date().timeIntervalSince(start))
            let isLast = report.step == totalSteps
            var metrics: [String: Double] = [:]
            if evalExamples != nil, (c.evalSteps > 0 && report.step % c.evalSteps == 0) || isLast {
                metrics["eval_loss"] = evaluate()
            }
            if report.step % c.loggingSteps == 0 || isLast || metrics["eval_loss"] != nil { try log(report, extra: metrics) }
            reports.append(report)
            onStep?(report)
            if (c.saveSteps > 0 && report.step % c.saveSteps == 0) || isLast { try saveCheckpoint() }
        }
        try directory.flush()
        return reports
    }

    /// The held-out loss (nats per target token), or nil without eval data.
    @discardableResult
    public func evaluate() -> Double? {
        guard let evalExamples else { return nil }
        let loss = trainer.evaluate(evalExamples, batchSize: trainer.configuration.perDeviceEvalBatchSize, padToken: padToken)
        lastEvalLoss = loss
        return loss
    }

    /// Writes a checkpoint of the current state (atomically) and prunes old ones.
    /// - Throws: `TrainingError.writeFailed`.
    public func saveCheckpoint() throws {
        try directory.flush()
        let url = directory.checkpointURL(step: trainer.stepCount)
        try CheckpointStore.write(checkpoint(), to: url)
        let keep = trainer.configuration.saveTotalLimit
        if keep > 0 { _ = CheckpointStore.prune(directory.checkpointsDirectory, keeping: keep) }
        output("checkpoint: \(url.lastPathComponent)")
    }

    /// The current state as a checkpoint value.
    /// With a LoRA adapter the weights are the adapter's tensors (named `adapter.<PEFT name>`) and the base
    /// weights' CRC32C is recorded instead of the frozen base itself.
    public func checkpoint() -> Checkpoint {
        let weights: [CheckpointTensor]
        if let adapter = trainer.model.adapter {
            weights = adapter.exportParameters().map {
                CheckpointTensor(name: Self.adapterPrefix + $0.name, shape: $0.shape, values: Array($0.values))
            }
        } else {
            weights = trainer.model.exportParameters().map { CheckpointTensor(name: $0.name, shape: $0.shape, values: Array($0.values)) }
        }
        let (epoch, position) = data.position(step: trainer.stepCount)
        let state = TrainerState(
            step: trainer.optimizer.state.step, generationStep: trainer.stepCount, epoch: epoch, dataPosition: position,
            rngState: [data.seed],
            extra: ["sft_configuration": Self.json(trainer.configuration), "data_crc32c": String(data.fingerprint),
                    "total_steps": String(totalSteps), "num_tokens": String(numTokens),
                    "loss_window_sum_bits": String(lossWindow.sum.bitPattern), "loss_window_steps": String(lossWindow.steps),
                    "threads": String(Parallel.threadCount), "trainer": "sft", "base_weights_crc32c": String(baseFingerprint)])
        return Checkpoint(weights: weights, optimizer: trainer.optimizer.state, trainerState: state, configuration: GRPOConfiguration())
    }

    /// config.yaml (an `sft:` recipe) and config.json with every key of the resolved configuration.
    /// - Throws: `TrainingError.writeFailed`.
    public func writeConfiguration() throws {
        let yaml = directory.url.appendingPathComponent("config.yaml")
        do {
            try AtomicFile.write(Data(trainer.configuration.yaml().utf8), to: yaml)
            try AtomicFile.write(Data(Self.json(trainer.configuration, pretty: true).utf8),
                                 to: directory.url.appendingPathComponent("config.json"))
        } catch let error as TrainingError { throw error } catch {
            throw TrainingError.writeFailed(path: yaml.path, reason: "\(error)")
        }
    }

    /// Whether a checkpoint of configuration `saved` may continue under `current` (only the save, logging and
    /// evaluation cadence may change; everything else changes the updates).
    static func resumable(_ saved: SFTConfiguration, _ current: SFTConfiguration) -> Bool {
        var a = saved, b = current
        for c in [\SFTConfiguration.saveSteps, \.saveTotalLimit, \.loggingSteps, \.evalSteps, \.perDeviceEvalBatchSize] {
            a[keyPath: c] = 0
            b[keyPath: c] = 0
        }
        return a == b
    }

    static func json(_ configuration: SFTConfiguration, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return (try? encoder.encode(configuration)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// Metrics line, TensorBoard scalars and the console progress line.
    private func log(_ report: SFTStepReport, extra: [String: Double]) throws {
        var metrics = extra
        let loss = lossWindow.sum / Double(max(1, lossWindow.steps))
        lossWindow = (0, 0)
        metrics["loss"] = loss
        metrics["grad_norm"] = report.gradNorm
        metrics["learning_rate"] = report.learningRate
        metrics["entropy"] = report.entropy
        metrics["epoch"] = Double(report.step) / Double(data.stepsPerEpoch)
        metrics["num_tokens"] = Double(numTokens)
        metrics["step_time"] = report.seconds
        metrics["tokens_per_second"] = Double(report.tokens) / max(report.seconds, 1e-9)
        try directory.log(metrics: metrics, step: report.step)
        let recent = stepSeconds.suffix(10)
        let line = ProgressLine.format(ProgressSnapshot(
            step: report.step, totalSteps: totalSteps, tokensPerSecond: metrics["tokens_per_second"],
            learningRate: report.learningRate, secondsPerStep: recent.reduce(0, +) / Double(max(1, recent.count))))
        var text = line + String(format: " | loss %.4f | grad %.3f | epoch %.2f", loss, report.gradNorm, metrics["epoch"]!)
        if let evalLoss = extra["eval_loss"] { text += String(format: " | eval_loss %.4f", evalLoss) }
        output(text)
    }
}
