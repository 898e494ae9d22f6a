// SFTTrainer: supervised fine-tuning — mean cross-entropy over the tokens a loss mask selects
// (assistant tokens of a conversation, or every completion token of a prompt/completion pair).
// One optimizer step accumulates the gradients of several micro-batches and normalises by the target
// tokens of the whole step (transformers' `num_items_in_batch`, so accumulation equals one big batch);
// then global-norm clipping, the learning-rate schedule and AdamW, as GRPO. With `use_peft` the trainer
// attaches a LoRA adapter (Models) and the optimizer, clipping and gradients cover only the adapter's A and B
// (`trainableParameters`/`trainableGradients`); dropout masks are seeded from (step, micro-batch) so a resumed
// run draws the same masks. Configuration:
// SFT/SFTConfiguration.swift; data: SFT/SFTRecord.swift, SFT/SFTTokenizer.swift; runs: SFT/SFTRun.swift.
import Foundation
import Models
import TensorEngine
import Training

/// One training sequence: token ids and, per token, whether it is predicted (enters the loss).
public struct SFTExample: Sendable, Equatable {
    /// Token ids, `[T]`.
    public var tokens: [Int32]
    /// `[T]`, true where the token's log-probability enters the loss (position 0 is never a target).
    public var lossMask: [Bool]

    /// Creates an example.
    /// - Parameters:
    ///   - tokens: ids. - lossMask: one flag per id.
    public init(tokens: [Int32], lossMask: [Bool]) {
        precondition(tokens.count == lossMask.count, "SFTExample: one loss-mask flag per token")
        self.tokens = tokens
        self.lossMask = lossMask
    }

    /// A prompt/completion pair: the loss covers the completion only.
    /// - Parameters: prompt: prompt ids. completion: completion ids (include EOS to teach stopping).
    public init(prompt: [Int32], completion: [Int32]) {
        self.init(tokens: prompt + completion,
                  lossMask: [Bool](repeating: false, count: prompt.count) + [Bool](repeating: true, count: completion.count))
    }

    /// Tokens whose log-probability enters the loss (mask set at t ≥ 1).
    public var targetCount: Int { lossMask.indices.dropFirst().filter { lossMask[$0] }.count }
}

/// Statistics of one SFT step.
public struct SFTStepReport: Sendable, Equatable, Codable {
    /// 1-based step.
    public var step: Int
    /// Mean cross-entropy (nats per target token) over the step's micro-batches.
    public var loss: Double
    /// Target tokens in the step.
    public var targetTokens: Int
    /// Gradient norm before clipping.
    public var gradNorm: Double
    /// Learning rate used.
    public var learningRate: Double
    /// Wall seconds.
    public var seconds: Double
    /// Mean entropy (nats) of the predictive distribution at target positions.
    public var entropy: Double = 0
    /// Non-padding tokens processed (inputs of every sequence).
    public var tokens: Int = 0
    /// Sequences processed.
    public var sequences: Int = 0
}

/// Trains a model by next-token cross-entropy on masked tokens.
///
/// ```swift
/// let sft = try SFTTrainer(model: model, configuration: configuration, totalSteps: 100)
/// let report = try sft.step(microBatches: [examplesA, examplesB])
/// ```
public final class SFTTrainer {
    /// The model being trained.
    public let model: LlamaModel
    /// Settings.
    public let configuration: SFTConfiguration
    /// Optimizer state.
    public var optimizer: AdamW
    /// Steps taken.
    public private(set) var stepCount = 0
    /// Learning rate per step.
    public let schedule: LearningRateSchedule

    /// Creates a trainer. With `use_peft` and no adapter attached yet, attaches a fresh LoRA adapter
    /// (PEFT initialisation seeded from `seed`); the base weights are then frozen.
    /// - Parameters:
    ///   - model: the model to train (weights, or the attached adapter, change in place).
    ///   - configuration: validated here.
    ///   - totalSteps: the schedule's length; nil uses `configuration.maxSteps` (then it must be ≥ 1).
    /// - Throws: `TrainingError.invalidConfiguration`, `LoRAError`.
    public init(model: LlamaModel, configuration: SFTConfiguration, totalSteps: Int? = nil) throws {
        try configuration.validate()
        let total = totalSteps ?? configuration.maxSteps
        guard total >= 1 else {
            throw TrainingError.invalidConfiguration(field: "max_steps", value: "\(total)",
                                                     fix: "give the trainer the run's total steps (SFTConfiguration.totalSteps(rows:))")
        }
        if configuration.usePEFT && model.adapter == nil {
            try model.attachAdapter(LoRAAdapter(modelConfiguration: model.configuration, configuration: configuration.loraConfiguration,
                                                seed: UInt64(bitPattern: Int64(configuration.seed))))
        }
        self.model = model
        self.configuration = configuration
        self.optimizer = AdamW(parameterCount: model.trainableParameters.count, configuration: configuration.adamW,
                               noDecayRanges: GRPOTrainer.noDecayRanges(model.trainableParameters.layout))
        self.schedule = configuration.schedule(totalSteps: total)
    }

    /// Puts the trainer where a checkpoint left it (weights are restored by the caller).
    /// - Parameters:
    ///   - step: optimizer steps completed.
    ///   - optimizerState: AdamW moments and step.
    /// - Throws: `TrainingError.optimizerStateMismatch` when the state belongs to another model.
    public func restore(step: Int, optimizerState: AdamWState) throws {
        optimizer = try AdamW(state: optimizerState, parameterCount: model.trainableParameters.count, configuration: configuration.adamW,
                              noDecayRanges: GRPOTrainer.noDecayRanges(model.trainableParameters.layout))
        stepCount = step
    }

    /// The padded batch and its target mask for a list of examples: [B, T] with T the longest example.
    /// - Parameters: examples: B sequences. padToken: id written into padding (never attended).
    /// - Returns: the batch.
    static func tokenBatch(_ examples: [SFTExample], padToken: Int32) -> TokenBatch {
        let length = examples.map(\.tokens.count).max() ?? 0
        var tokens = [Int32](repeating: padToken, count: examples.count * length)
        var attention = [Float](repeating: 0, count: tokens.count), target = attention
        for (b, example) in examples.enumerated() {
            for t in example.tokens.indices {
                tokens[b * length + t] = example.tokens[t]
                attention[b * length + t] = 1
                if t > 0 && example.lossMask[t] { target[b * length + t] = 1 }
            }
        }
        return TokenBatch(tokens: tokens, batch: examples.count, length: length, attentionMask: attention, targetMask: target)
    }

    /// Mean cross-entropy of examples without training (held-out loss).
    /// - Parameters:
    ///   - examples: sequences with loss masks.
    ///   - batchSize: sequences per forward (nil: all at once).
    ///   - padToken: id written into padding.
    /// - Returns: nats per target token (0 when no token is targeted).
    public func evaluate(_ examples: [SFTExample], batchSize: Int? = nil, padToken: Int32 = 0) -> Double {
        let size = max(1, batchSize ?? examples.count)
        var total = 0.0, targets = 0
        var start = 0
        while start < examples.count {
            let chunk = Array(examples[start..<min(examples.count, start + size)])
            start += size
            let batch = Self.tokenBatch(chunk, padToken: padToken)
            guard batch.targetMask.contains(where: { $0 != 0 }) else { continue }
            let logProbs = model.tokenLogProbs(batch, keepActivations: false)
            for i in logProbs.indices where batch.targetMask[i] != 0 {
                total -= Double(logProbs[i])
                targets += 1
            }
        }
        return targets == 0 ? 0 : total / Double(targets)
    }

    /// One optimizer step over one batch (no accumulation).
    /// - Parameters:
    ///   - examples: the examples of this step.
    ///   - padToken: id written into padding.
    /// - Returns: the step's statistics.
    /// - Throws: `GRPOTrainerError.nonFiniteLoss` (weights unchanged) when the loss or gradient is not finite.
    public func step(batch examples: [SFTExample], padToken: Int32 = 0) throws -> SFTStepReport {
        try step(microBatches: [examples], padToken: padToken)
    }

    /// One optimizer step accumulating micro-batches: the loss is Σ −log p over every target token of the
    /// step divided by their number, so the step equals one forward over all micro-batches at once.
    /// - Parameters:
    ///   - microBatches: each a list of sequences run together as one padded [B, T] forward.
    ///   - padToken: id written into padding.
    /// - Returns: the step's statistics.
    /// - Throws: `GRPOTrainerError.nonFiniteLoss` (weights unchanged) when the loss or gradient is not finite.
    public func step(microBatches: [[SFTExample]], padToken: Int32 = 0) throws -> SFTStepReport {
        let start = Date()
        let targets = microBatches.reduce(0) { $0 + $1.reduce(0) { $0 + $1.targetCount } }
        let scale = -1 / Float(max(1, targets))
        model.zeroGradients()
        var loss = 0.0, entropy = 0.0, tokens = 0, sequences = 0
        for (index, examples) in microBatches.enumerated() where !examples.isEmpty {
            model.adapter?.dropoutStep = UInt64(stepCount) << 16 | UInt64(index & 0xFFFF)
            tokens += examples.reduce(0) { $0 + $1.tokens.count }
            sequences += examples.count
            let batch = Self.tokenBatch(examples, padToken: padToken)
            guard batch.targetMask.contains(where: { $0 != 0 }) else { continue }
            let (logProbs, entropies) = model.tokenLogProbsAndEntropies(batch, keepActivations: true)
            var gradient = [Float](repeating: 0, count: logProbs.count)
            for i in logProbs.indices where batch.targetMask[i] != 0 {
                loss -= Double(logProbs[i])
                entropy += Double(entropies[i])
                gradient[i] = scale
            }
            model.backward(logProbGradient: gradient)
        }
        loss /= Double(max(1, targets))
        entropy /= Double(max(1, targets))
        guard loss.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: stepCount + 1, loss: loss) }
        let gradients = model.trainableGradients.flat
        let norm = configuration.maxGradNorm > 0
            ? GradientClipping.clip([gradients], maxNorm: configuration.maxGradNorm)
            : GradientClipping.globalNorm([UnsafeBufferPointer(gradients)])
        guard norm.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: stepCount + 1, loss: norm) }
        let lr = schedule.learningRate(step: stepCount)
        optimizer.update(parameters: model.trainableParameters.flat, gradients: UnsafeBufferPointer(gradients),
                         learningRate: Float(lr))
        stepCount += 1
        return SFTStepReport(step: stepCount, loss: loss, targetTokens: targets, gradNorm: norm, learningRate: lr,
                             seconds: Date().timeIntervalSince(start), entropy: entropy, tokens: tokens, sequences: sequences)
    }
}
