// Checkpoint.swift — what a training checkpoint holds: named weight tensors, AdamW state, the trainer's
// position (step, data position, RNG state, reference-model step, cost tally) and the configuration.
// Storage and integrity checks are in CheckpointStore.swift.

import Foundation

/// One named Float tensor of a checkpoint.
public struct CheckpointTensor: Sendable, Equatable {
    /// Tensor name (e.g. the model's parameter name, or "parameters" for one flat buffer).
    public var name: String
    /// Row-major shape; the product equals `values.count`.
    public var shape: [Int]
    /// The values.
    public var values: [Float]

    /// Creates a tensor. Shape and count must agree (programmer error otherwise).
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "CheckpointTensor \(name): shape \(shape) ≠ \(values.count) values")
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// Where the trainer is: everything besides weights and optimizer needed to resume exactly.
public struct TrainerState: Codable, Sendable, Equatable {
    /// Optimizer steps completed.
    public var step: Int
    /// GRPO (generation) steps completed.
    public var generationStep: Int
    /// Epoch of the prompt stream.
    public var epoch: Int
    /// Prompts consumed in the current epoch.
    public var dataPosition: Int
    /// State words of the random generators (e.g. xoshiro256** sampler state), in a fixed order.
    public var rngState: [UInt64]
    /// Optimizer step at which the reference model was last replaced by the policy (R1 reset).
    public var referenceStep: Int
    /// FLOPs spent so far.
    public var cost: CostAccount
    /// Free-form extras (e.g. dataset fingerprint, git commit).
    public var extra: [String: String]

    /// Creates a state.
    public init(step: Int = 0, generationStep: Int = 0, epoch: Int = 0, dataPosition: Int = 0, rngState: [UInt64] = [],
                referenceStep: Int = 0, cost: CostAccount = CostAccount(), extra: [String: String] = [:]) {
        self.step = step
        self.generationStep = generationStep
        self.epoch = epoch
        self.dataPosition = dataPosition
        self.rngState = rngState
        self.referenceStep = referenceStep
        self.cost = cost
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey {
        case step, generationStep = "generation_step", epoch, dataPosition = "data_position"
        case rngState = "rng_state", referenceStep = "reference_step", cost, extra
    }
}

/// Everything saved at a checkpoint.
public struct Checkpoint: Sendable {
    /// Model weights.
    public var weights: [CheckpointTensor]
    /// Optimizer moments and step (nil for weights-only checkpoints, e.g. after SFT export).
    public var optimizer: AdamWState?
    /// Trainer position.
    public var trainerState: TrainerState
    /// The resolved configuration of the run.
    public var configuration: GRPOConfiguration

    /// Creates a checkpoint value.
    public init(weights: [CheckpointTensor], optimizer: AdamWState?, trainerState: TrainerState,
                configuration: GRPOConfiguration) {
        self.weights = weights
        self.optimizer = optimizer
        self.trainerState = trainerState
        self.configuration = configuration
    }
}
