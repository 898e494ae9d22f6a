// BatchPlan.swift — how one generation batch of N = prompts × G completions is cut into micro-batches
// and optimizer steps, with the `dapo` normaliser of each optimizer step (its active tokens summed over
// all of its micro-batches, so the accumulated gradient is a token mean over the whole optimizer batch).
// Completions stay in generation order (groups contiguous); every pass of `num_iterations` reuses the plan.

import Foundation

/// One micro-batch: a contiguous range of completion indices.
public struct MicroBatch: Sendable, Equatable {
    /// Completion indices in the generation batch.
    public var completions: Range<Int>
}

/// One optimizer step: its micro-batches and the token count that normalises the `dapo` loss.
public struct OptimizerStepPlan: Sendable, Equatable {
    /// Micro-batches whose gradients are accumulated before the update.
    public var microBatches: [MicroBatch]
    /// Active (masked-in) completion tokens over all the micro-batches: `PolicyLossBatch.globalActiveTokens`.
    public var activeTokens: Double
}

/// Splitting of a generation batch.
public enum BatchPlan {
    /// Plans the optimizer steps of one pass over a generation batch.
    /// - Parameters:
    ///   - activeTokens: [N] active tokens of each completion after masking (0 for masked-out rows).
    ///   - microBatchSize: completions per micro-batch (`per_device_train_batch_size`).
    ///   - gradientAccumulationSteps: micro-batches per optimizer step.
    /// - Returns: the optimizer steps in order; a trailing partial step keeps the remaining micro-batches.
    public static func plan(activeTokens: [Int], microBatchSize: Int, gradientAccumulationSteps: Int) -> [OptimizerStepPlan] {
        precondition(microBatchSize >= 1 && gradientAccumulationSteps >= 1, "BatchPlan: sizes must be ≥ 1")
        let micro = stride(from: 0, to: activeTokens.count, by: microBatchSize).map {
            MicroBatch(completions: $0..<min(activeTokens.count, $0 + microBatchSize))
        }
        return stride(from: 0, to: micro.count, by: gradientAccumulationSteps).map { start in
            let group = Array(micro[start..<min(micro.count, start + gradientAccumulationSteps)])
            let tokens = group.reduce(0) { sum, m in sum + m.completions.reduce(0) { $0 + activeTokens[$1] } }
            return OptimizerStepPlan(microBatches: group, activeTokens: Double(tokens))
        }
    }
}
