// GRPOConfiguration.swift — every hyper-parameter of a GRPO run, under TRL's GRPOConfig names where
// TRL has one (anchors §2a), validated as a whole. Flow: defaults → recipe file → key=value overrides →
// validate() → library (see GRPOConfiguration+Recipe.swift). The field table with the external names
// and the Codable conformance is in GRPOConfiguration+Fields.swift.
//
// Batch vocabulary: one GRPO step samples `prompts_per_step` prompts × `num_generations` (G)
// completions = the generation batch. It is cut into micro-batches of `per_device_train_batch_size`
// completions; `gradient_accumulation_steps` micro-batches make one optimizer step; so one generation
// batch gives generation_batch / (micro × GA) optimizer steps, repeated `num_iterations` times (μ).
// `max_steps` counts optimizer steps, as in TRL.

import Foundation
import TensorEngine

/// Validated configuration of a GRPO run (TRL names in the recipe; defaults are TRL's unless noted).
public struct GRPOConfiguration: Sendable, Equatable {
    // MARK: Optimisation
    /// Peak learning rate (`learning_rate`; TRL 1e-6, R1-Zero 3e-6).
    public var learningRate: Double = 1e-6
    /// Schedule shape (`lr_scheduler_type`).
    public var lrSchedulerType: LearningRateScheduleType = .linear
    /// Fraction of `max_steps` spent warming up (`warmup_ratio`).
    public var warmupRatio: Double = 0
    /// Floor of `cosine_with_min_lr` as a fraction of the peak (`min_lr_ratio`; HF `min_lr_rate`).
    public var minLRRatio: Double = 0
    /// Decoupled AdamW weight decay (`weight_decay`).
    public var weightDecay: Double = 0
    /// AdamW β1 (`adam_beta1`).
    public var adamBeta1: Double = 0.9
    /// AdamW β2 (`adam_beta2`).
    public var adamBeta2: Double = 0.999
    /// AdamW ε (`adam_epsilon`).
    public var adamEpsilon: Double = 1e-8
    /// Global gradient-norm clip; 0 disables (`max_grad_norm`).
    public var maxGradNorm: Double = 1.0
    /// Optimizer steps to run (`max_steps`).
    public var maxSteps: Int = 1000
    /// Completions per forward/backward micro-batch (`per_device_train_batch_size`).
    public var perDeviceTrainBatchSize: Int = 8
    /// Pack the completions of one prompt in a micro-batch into one row after a single copy of the prompt,
    /// each completion seeing the prompt and itself only (`pack_prompts`). Same loss and gradient as one
    /// padded row per completion, with the prompt's forward and backward done once instead of per completion.
    public var packPrompts: Bool = true
    /// Runs a micro-batch's forward and backward in chunks of at most this many tokens (as laid out: with
    /// `pack_prompts` each prompt once plus its completions, else rows × the longest row); 0 = whole
    /// micro-batches (`micro_batch_token_limit`). Bounds activation memory by tokens rather than sequences, as
    /// verl's `ppo_max_token_len_per_gpu` does, while the loss is still normalised over the whole micro-batch,
    /// so the update is the same. A single completion longer than the limit runs as a chunk of its own.
    public var microBatchTokenLimit: Int = 0
    /// Micro-batches per optimizer step (`gradient_accumulation_steps`).
    public var gradientAccumulationSteps: Int = 4

    // MARK: Sampling
    /// Unique prompts per GRPO step (`prompts_per_step`; R1-Zero used 32).
    public var promptsPerStep: Int = 4
    /// G, completions per prompt (`num_generations`; R1-Zero 16).
    public var numGenerations: Int = 8
    /// Prompts longer than this are left-truncated by the data pipeline (`max_prompt_length`).
    public var maxPromptLength: Int = 512
    /// Completion cap; also the L of `dr_grpo` (`max_completion_length`).
    public var maxCompletionLength: Int = 512
    /// Sampling temperature (`temperature`).
    public var temperature: Double = 1.0
    /// Nucleus threshold, 1 disables (`top_p`).
    public var topP: Double = 1.0
    /// Top-k cut, 0 disables (`top_k`).
    public var topK: Int = 0
    /// Min-p threshold, 0 disables (`min_p`).
    public var minP: Double = 0
    /// Weights the sampler decodes on (`sampler_precision`): `f32` samples from exactly the policy being
    /// trained; `bf16` from its bf16 rounding (half the bytes per decode step, as a bf16 vLLM sampler for a
    /// float32 trainer). With `num_iterations` > 1 and bf16, π_old is recomputed in f32 rather than taken from
    /// the sampler, so the first pass's ratio is exactly 1. Not in TRL (its sampler runs in the model's dtype).
    public var samplerPrecision: DecodeWeightPrecision = .f32

    // MARK: Loss
    /// KL coefficient; 0 loads no reference model (`beta`; TRL 0, R1-Zero 0.001).
    public var beta: Double = 0
    /// Lower clip range ε (`epsilon`).
    public var epsilon: Double = 0.2
    /// Upper clip range; nil means `epsilon` (`epsilon_high`; DAPO 0.28).
    public var epsilonHigh: Double?
    /// Two-sided cap on the unclipped ratio, nil disables (`delta`; must exceed 1 + epsilon_high).
    public var delta: Double?
    /// Multiply the KL term by the importance ratio (`use_bias_correction_kl`; off = R1's formula).
    public var useBiasCorrectionKL: Bool = false
    /// Loss aggregation (`loss_type`).
    public var lossType: GRPOLossType = .dapo
    /// Token or sequence ratio (`importance_sampling_level`; `gspo` implies sequence).
    public var importanceSamplingLevel: ImportanceSamplingLevel = .token
    /// Advantage scaling (`scale_rewards`).
    public var scaleRewards: RewardScaling = .group
    /// μ, optimisation passes per generation batch (`num_iterations`).
    public var numIterations: Int = 1
    /// Drop truncated completions from the loss (`mask_truncated_completions`).
    public var maskTruncatedCompletions: Bool = false
    /// DAPO dynamic sampling: discard groups with equal rewards and sample more (`dynamic_sampling`).
    public var dynamicSampling: Bool = false
    /// Maximum extra sampling rounds per step under dynamic sampling (`max_dynamic_sampling_rounds`).
    public var maxDynamicSamplingRounds: Int = 4
    /// Replace the reference model by the current policy every this many optimizer steps; 0 never
    /// (`reference_reset_steps`; R1 used 400).
    public var referenceResetSteps: Int = 0

    // MARK: Rewards
    /// Reward function names from the Rewards registry (`reward_funcs`).
    public var rewardFuncs: [String] = ["accuracy", "format"]
    /// One weight per reward function; nil means all 1 (`reward_weights`).
    public var rewardWeights: [Double]?

    // MARK: Run
    /// Seed for sampling, shuffling and initialisation (`seed`).
    public var seed: Int = 42
    /// Checkpoint every this many optimizer steps; 0 only at the end (`save_steps`).
    public var saveSteps: Int = 100
    /// Log metrics every this many optimizer steps (`logging_steps`).
    public var loggingSteps: Int = 10
    /// Write sampled completions every this many steps; 0 never (`log_completions_steps`).
    public var logCompletionsSteps: Int = 10

    // MARK: LoRA (TRL ModelConfig / PEFT names; see GRPOConfiguration+LoRA.swift)
    /// Train a LoRA adapter instead of all weights; the reference for β > 0 is the base with the adapter off
    /// (`use_peft`).
    public var usePeft: Bool = false
    /// LoRA rank r (`lora_r`; TRL 16).
    public var loraR: Int = 16
    /// LoRA α; the update is scaled by α/r (`lora_alpha`; TRL 32).
    public var loraAlpha: Double = 32
    /// Dropout on the adapter input during training (`lora_dropout`; TRL 0.05).
    public var loraDropout: Double = 0.05
    /// Wrapped projections, or `all-linear` (`lora_target_modules`; PEFT's Llama default q_proj, v_proj).
    public var loraTargetModules: [String] = ["q_proj", "v_proj"]

    /// The default configuration.
    public init() {}

    // MARK: Derived values

    /// Completions sampled per GRPO step: prompts_per_step × num_generations.
    public var generationBatchSize: Int { promptsPerStep * numGenerations }
    /// Completions per optimizer step: per_device_train_batch_size × gradient_accumulation_steps.
    public var optimizerBatchSize: Int { perDeviceTrainBatchSize * gradientAccumulationSteps }
    /// Optimizer steps taken per generation batch and pass (TRL `steps_per_generation` / GA).
    public var optimizerStepsPerGeneration: Int { generationBatchSize / max(1, optimizerBatchSize) }
    /// The clip upper range actually used.
    public var effectiveEpsilonHigh: Double { epsilonHigh ?? epsilon }
    /// Warmup steps, ⌈warmup_ratio · max_steps⌉.
    public var warmupSteps: Int { LearningRateSchedule.warmupSteps(ratio: warmupRatio, totalSteps: maxSteps) }
    /// Reward weights with the default of 1 filled in.
    public var effectiveRewardWeights: [Double] {
        rewardWeights ?? [Double](repeating: 1, count: rewardFuncs.count)
    }

    /// The learning-rate schedule of the run.
    public var learningRateSchedule: LearningRateSchedule {
        LearningRateSchedule(type: lrSchedulerType, peak: learningRate, warmupSteps: warmupSteps,
                             totalSteps: maxSteps, minimumRatio: minLRRatio)
    }

    /// AdamW hyper-parameters.
    public var adamW: AdamWConfiguration {
        AdamWConfiguration(beta1: adamBeta1, beta2: adamBeta2, epsilon: adamEpsilon, weightDecay: weightDecay)
    }

    /// Policy-loss hyper-parameters.
    public var policyLoss: PolicyLossConfiguration {
        PolicyLossConfiguration(epsilonLow: epsilon, epsilonHigh: effectiveEpsilonHigh, delta: delta, beta: beta,
                                lossType: lossType, importanceSamplingLevel: importanceSamplingLevel,
                                maxCompletionLength: maxCompletionLength,
                                gradientAccumulationSteps: gradientAccumulationSteps,
                                useBiasCorrectionKL: useBiasCorrectionKL)
    }

    /// Whether the reference model is replaced by the current policy after optimizer step `step`
    /// (1-based count of completed steps; R1: every 400 steps).
    public func isReferenceResetStep(_ step: Int) -> Bool {
        referenceResetSteps > 0 && step > 0 && step % referenceResetSteps == 0
    }

    /// Whether a checkpoint is due after optimizer step `step` (every `save_steps`, and at `max_steps`).
    public func isSaveStep(_ step: Int) -> Bool {
        step == maxSteps || (saveSteps > 0 && step > 0 && step % saveSteps == 0)
    }

    /// Whether metrics are logged after optimizer step `step` (the first step, every `logging_steps`, the last).
    public func isLoggingStep(_ step: Int) -> Bool {
        step == 1 || step == maxSteps || step % loggingSteps == 0
    }

    /// Whether sampled completions are written after optimizer step `step`.
    public func isCompletionLoggingStep(_ step: Int) -> Bool {
        logCompletionsSteps > 0 && (step == 1 || step % logCompletionsSteps == 0)
    }

    // MARK: Validation

    /// Checks every field and every rule between fields.
    /// - Throws: `TrainingError.invalidConfiguration` naming the first offending field, its value and the fix.
    public func validate() throws {
        func fail(_ field: String, _ value: Any, _ fix: String) throws -> Never {
            throw TrainingError.invalidConfiguration(field: field, value: "\(value)", fix: fix)
        }
        if !(learningRate > 0 && learningRate.isFinite) { try fail("learning_rate", learningRate, "use a positive rate such as 1e-6") }
        if !(0...1).contains(warmupRatio) { try fail("warmup_ratio", warmupRatio, "use a fraction in [0, 1]") }
        if !(0...1).contains(minLRRatio) { try fail("min_lr_ratio", minLRRatio, "use a fraction in [0, 1]") }
        if weightDecay < 0 { try fail("weight_decay", weightDecay, "use 0 or a positive coefficient") }
        if !(0..<1).contains(adamBeta1) { try fail("adam_beta1", adamBeta1, "use a value in [0, 1), e.g. 0.9") }
        if !(0..<1).contains(adamBeta2) { try fail("adam_beta2", adamBeta2, "use a value in [0, 1), e.g. 0.999") }
        if !(adamEpsilon > 0) { try fail("adam_epsilon", adamEpsilon, "use a small positive value such as 1e-8") }
        if maxGradNorm < 0 { try fail("max_grad_norm", maxGradNorm, "use 0 to disable clipping or a positive norm") }
        if maxSteps < 1 { try fail("max_steps", maxSteps, "use at least 1") }
        if perDeviceTrainBatchSize < 1 { try fail("per_device_train_batch_size", perDeviceTrainBatchSize, "use at least 1") }
        if gradientAccumulationSteps < 1 { try fail("gradient_accumulation_steps", gradientAccumulationSteps, "use at least 1") }
        if microBatchTokenLimit < 0 {
            try fail("micro_batch_token_limit", microBatchTokenLimit, "use 0 (no limit) or a token count such as 1024")
        }
        if promptsPerStep < 1 { try fail("prompts_per_step", promptsPerStep, "use at least 1") }
        if numGenerations < 2 {
            try fail("num_generations", numGenerations, "GRPO compares completions within a group: use at least 2")
        }
        if generationBatchSize % optimizerBatchSize != 0 {
            try fail("per_device_train_batch_size", perDeviceTrainBatchSize,
                     "prompts_per_step × num_generations = \(generationBatchSize) completions must be divisible by "
                     + "per_device_train_batch_size × gradient_accumulation_steps = \(optimizerBatchSize); "
                     + "choose sizes whose product divides \(generationBatchSize)")
        }
        if maxPromptLength < 1 { try fail("max_prompt_length", maxPromptLength, "use at least 1 token") }
        if maxCompletionLength < 1 { try fail("max_completion_length", maxCompletionLength, "use at least 1 token") }
        if !(temperature > 0) { try fail("temperature", temperature, "use a positive temperature (1.0 samples the model as is)") }
        if !(topP > 0 && topP <= 1) { try fail("top_p", topP, "use a value in (0, 1]; 1 disables nucleus sampling") }
        if topK < 0 { try fail("top_k", topK, "use 0 to disable or a positive count") }
        if !(minP >= 0 && minP < 1) { try fail("min_p", minP, "use a value in [0, 1); 0 disables") }
        if beta < 0 { try fail("beta", beta, "use 0 (no KL term) or a positive coefficient such as 0.001") }
        if !(epsilon >= 0) { try fail("epsilon", epsilon, "use a non-negative clip range such as 0.2") }
        if let high = epsilonHigh, !(high >= 0) { try fail("epsilon_high", high, "use a non-negative clip range such as 0.28") }
        if let delta, !(delta > 1 + effectiveEpsilonHigh) {
            try fail("delta", delta, "the ratio cap must exceed 1 + epsilon_high = \(1 + effectiveEpsilonHigh); remove it or raise it")
        }
        if numIterations < 1 { try fail("num_iterations", numIterations, "use at least 1 pass per generation batch") }
        if maxDynamicSamplingRounds < 1 { try fail("max_dynamic_sampling_rounds", maxDynamicSamplingRounds, "use at least 1") }
        if referenceResetSteps < 0 { try fail("reference_reset_steps", referenceResetSteps, "use 0 (never) or a step count such as 400") }
        if referenceResetSteps > 0 && beta == 0 {
            try fail("reference_reset_steps", referenceResetSteps,
                     "a reference model is only used when beta > 0; set beta (R1 used 0.001) or reference_reset_steps=0")
        }
        if rewardFuncs.isEmpty { try fail("reward_funcs", "[]", "name at least one reward function, e.g. [accuracy, format]") }
        if let weights = rewardWeights {
            if weights.count != rewardFuncs.count {
                try fail("reward_weights", weights, "give one weight per reward function (\(rewardFuncs.count): \(rewardFuncs))")
            }
            if !weights.allSatisfy(\.isFinite) { try fail("reward_weights", weights, "use finite weights") }
        }
        if saveSteps < 0 { try fail("save_steps", saveSteps, "use 0 (save at the end only) or a positive step count") }
        if loggingSteps < 1 { try fail("logging_steps", loggingSteps, "use at least 1") }
        if logCompletionsSteps < 0 { try fail("log_completions_steps", logCompletionsSteps, "use 0 (never) or a positive step count") }
        try validateLoRA()
    }
}
