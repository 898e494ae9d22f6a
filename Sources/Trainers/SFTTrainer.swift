// SFTTrainer: supervised fine-tuning — mean cross-entropy over the tokens a loss mask selects
// (assistant tokens of a conversation, or every completion token of a prompt/completion pair).
// The loop is the same optimizer/clipping path as GRPO; only the per-token gradient differs.
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
}

/// Settings of supervised fine-tuning.
public struct SFTConfiguration: Sendable, Equatable, Codable {
    /// Peak learning rate.
    public var learningRate: Double = 1e-3
    /// Warm-up steps before the cosine decay.
    public var warmupSteps: Int = 20
    /// Total optimizer steps (the schedule's length).
    public var maxSteps: Int = 1000
    /// Final learning rate as a fraction of the peak.
    public var minLearningRateRatio: Double = 0.1
    /// AdamW weight decay (not applied to norm weights).
    public var weightDecay: Double = 0.01
    /// Global gradient-norm clip.
    public var maxGradNorm: Double = 1.0

    /// Creates a configuration with defaults.
    public init() {}

    /// Rejects values that cannot train.
    /// - Throws: `TrainingError.invalidConfiguration` naming the field.
    public func validate() throws {
        if !(learningRate > 0) { throw TrainingError.invalidConfiguration(field: "learning_rate", value: "\(learningRate)", fix: "use a positive learning rate, e.g. 1e-3") }
        if maxSteps < 1 { throw TrainingError.invalidConfiguration(field: "max_steps", value: "\(maxSteps)", fix: "use at least 1 step") }
        if warmupSteps < 0 { throw TrainingError.invalidConfiguration(field: "warmup_steps", value: "\(warmupSteps)", fix: "use 0 or more") }
        if !(maxGradNorm > 0) { throw TrainingError.invalidConfiguration(field: "max_grad_norm", value: "\(maxGradNorm)", fix: "use a positive norm, e.g. 1.0") }
    }
}

/// Statistics of one SFT step.
public struct SFTStepReport: Sendable, Equatable, Codable {
    /// 1-based step.
    public var step: Int
    /// Mean cross-entropy (nats per target token).
    public var loss: Double
    /// Target tokens in the batch.
    public var targetTokens: Int
    /// Gradient norm before clipping.
    public var gradNorm: Double
    /// Learning rate used.
    public var learningRate: Double
    /// Wall seconds.
    public var seconds: Double
}

/// Trains a model by next-token cross-entropy on masked tokens.
///
/// ```swift
/// let sft = try SFTTrainer(model: model, configuration: SFTConfiguration())
/// let report = try sft.step(batch: examples)
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
    private let schedule: LearningRateSchedule

    /// Creates a trainer.
    /// - Throws: `TrainingError.invalidConfiguration`.
    public init(model: LlamaModel, configuration: SFTConfiguration) throws {
        try configuration.validate()
        self.model = model
        self.configuration = configuration
        self.optimizer = AdamW(parameterCount: model.parameters.count,
                               configuration: AdamWConfiguration(weightDecay: configuration.weightDecay),
                               noDecayRanges: GRPOTrainer.noDecayRanges(model.parameters.layout))
        self.schedule = LearningRateSchedule(type: .cosineWithMinLR, peak: configuration.learningRate,
                                             warmupSteps: configuration.warmupSteps, totalSteps: configuration.maxSteps,
                                             minimumRatio: configuration.minLearningRateRatio)
    }

    /// The padded batch and its target mask for a list of examples.
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

    /// Mean cross-entropy of the examples without training (for held-out loss).
    /// - Parameter examples: sequences with loss masks.
    /// - Returns: nats per target token.
    public func evaluate(_ examples: [SFTExample], padToken: Int32 = 0) -> Double {
        let batch = Self.tokenBatch(examples, padToken: padToken)
        let logProbs = model.tokenLogProbs(batch, keepActivations: false)
        let targets = batch.targetMask.reduce(0, +)
        return -Double(zip(logProbs, batch.targetMask).reduce(0) { $0 + $1.0 * $1.1 }) / Double(max(1, targets))
    }

    /// One optimizer step over a batch.
    /// - Parameters:
    ///   - batch: the examples of this step.
    ///   - padToken: id written into padding.
    /// - Returns: the step's statistics.
    /// - Throws: `GRPOTrainerError.nonFiniteLoss` (weights unchanged) when the loss is not finite.
    public func step(batch examples: [SFTExample], padToken: Int32 = 0) throws -> SFTStepReport {
        let start = Date()
        let batch = Self.tokenBatch(examples, padToken: padToken)
        model.zeroGradients()
        let logProbs = model.tokenLogProbs(batch, keepActivations: true)
        let targets = max(1, Int(batch.targetMask.reduce(0, +)))
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: logProbs.count)
        let scale = -1 / Float(targets)
        for i in logProbs.indices where batch.targetMask[i] != 0 {
            loss -= Double(logProbs[i])
            gradient[i] = scale
        }
        loss /= Double(targets)
        guard loss.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: stepCount + 1, loss: loss) }
        model.backward(logProbGradient: gradient)
        let norm = GradientClipping.clip([model.gradients.flat], maxNorm: configuration.maxGradNorm)
        guard norm.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: stepCount + 1, loss: norm) }
        let lr = schedule.learningRate(step: stepCount)
        optimizer.update(parameters: model.parameters.flat, gradients: UnsafeBufferPointer(model.gradients.flat),
                         learningRate: Float(lr))
        stepCount += 1
        return SFTStepReport(step: stepCount, loss: loss, targetTokens: targets, gradNorm: norm, learningRate: lr,
                             seconds: Date().timeIntervalSince(start))
    }
}
