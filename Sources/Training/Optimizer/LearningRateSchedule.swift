// LearningRateSchedule.swift — learning-rate schedules as pure functions of the optimizer step,
// with the semantics of Hugging Face transformers' `get_scheduler` (LambdaLR): the step argument is
// the 0-based index of the optimizer step about to be taken, so with warmup the first step uses lr 0.

import Foundation

/// Names accepted for `lr_scheduler_type` (Hugging Face spellings).
public enum LearningRateScheduleType: String, Codable, Sendable, CaseIterable {
    /// lr for every step.
    case constant
    /// Linear warmup from 0, then constant.
    case constantWithWarmup = "constant_with_warmup"
    /// Linear warmup, then linear decay to 0 at `totalSteps` (the Hugging Face / TRL default).
    case linear
    /// Linear warmup, then half-cosine decay to 0.
    case cosine
    /// Linear warmup, then half-cosine decay to `minimumRatio · lr`.
    case cosineWithMinLR = "cosine_with_min_lr"
}

/// A learning-rate schedule: peak rate, shape, warmup and length.
///
/// ```swift
/// let schedule = LearningRateSchedule(type: .cosineWithMinLR, peak: 1e-6, warmupSteps: 10,
///                                     totalSteps: 1000, minimumRatio: 0.1)
/// let lr = schedule.learningRate(step: 0)   // 0 during the first warmup step
/// ```
public struct LearningRateSchedule: Codable, Sendable, Equatable {
    /// Shape of the schedule.
    public var type: LearningRateScheduleType
    /// Peak learning rate reached at the end of warmup.
    public var peak: Double
    /// Number of warmup steps (Hugging Face: ⌈warmup_ratio · max_steps⌉).
    public var warmupSteps: Int
    /// Total number of optimizer steps (`max_steps`).
    public var totalSteps: Int
    /// Floor of `cosine_with_min_lr` as a fraction of `peak` (Hugging Face `min_lr_rate`).
    public var minimumRatio: Double

    /// Creates a schedule.
    /// - Parameters:
    ///   - type: the shape.
    ///   - peak: peak learning rate.
    ///   - warmupSteps: warmup length in optimizer steps (≥ 0).
    ///   - totalSteps: total optimizer steps (≥ 1).
    ///   - minimumRatio: floor for `cosine_with_min_lr`, in [0, 1].
    public init(type: LearningRateScheduleType, peak: Double, warmupSteps: Int = 0, totalSteps: Int,
                minimumRatio: Double = 0) {
        self.type = type
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimumRatio = minimumRatio
    }

    /// Warmup steps for a warmup ratio, as Hugging Face computes them: ⌈ratio · totalSteps⌉.
    public static func warmupSteps(ratio: Double, totalSteps: Int) -> Int {
        Int((ratio * Double(totalSteps)).rounded(.up))
    }

    /// The learning rate of the optimizer step with 0-based index `step`.
    /// - Parameter step: number of optimizer steps already taken.
    /// - Returns: `peak · factor(step)`.
    public func learningRate(step: Int) -> Double { peak * factor(step: step) }

    /// The multiplier of the peak rate at `step` (Hugging Face's `lr_lambda`).
    public func factor(step: Int) -> Double {
        if type != .constant && step < warmupSteps {
            return Double(step) / Double(max(1, warmupSteps))
        }
        let decaySteps = Double(max(1, totalSteps - warmupSteps))
        let progress = Double(step - warmupSteps) / decaySteps
        switch type {
        case .constant, .constantWithWarmup:
            return 1
        case .linear:
            return max(0, Double(totalSteps - step) / decaySteps)
        case .cosine:
            return max(0, 0.5 * (1 + cos(Double.pi * progress)))
        case .cosineWithMinLR:
            let cosine = max(0, 0.5 * (1 + cos(Double.pi * progress)))
            return minimumRatio + (1 - minimumRatio) * cosine
        }
    }
}
