// SFTConfiguration: the hyper-parameters of supervised fine-tuning under TRL SFTConfig's key names
// (recipes, `--set` overrides and Codable all go through the field table in SFTConfiguration+Fields.swift).
//
// Defaults follow TRL's SFTConfig except where noted on the field: the schedule defaults to open-r1's
// SFT recipes (cosine_with_min_lr, min_lr_rate 0.1), weight decay to 0.01 and `assistant_only_loss` to true
// (the loss is on assistant tokens only unless a recipe says otherwise).
import Foundation
import Models
import Training

/// Settings of supervised fine-tuning (validated value type).
public struct SFTConfiguration: Sendable, Equatable {
    /// Peak learning rate (`learning_rate`, TRL default 2e-5).
    public var learningRate: Double = 2e-5
    /// Epochs over the training rows when `maxSteps` is -1 (`num_train_epochs`, may be fractional).
    public var numTrainEpochs: Double = 3
    /// Optimizer steps; -1 derives them from `numTrainEpochs` (`max_steps`). Data repeats as needed.
    public var maxSteps: Int = -1
    /// Rows per micro-batch (`per_device_train_batch_size`): examples, or packed rows with `packing`.
    public var perDeviceTrainBatchSize: Int = 8
    /// Rows per forward of the held-out loss (`per_device_eval_batch_size`).
    public var perDeviceEvalBatchSize: Int = 8
    /// Micro-batches per optimizer step (`gradient_accumulation_steps`).
    public var gradientAccumulationSteps: Int = 1
    /// Tokens per example (truncated from the right) or per packed row (`max_length`).
    public var maxLength: Int = 1024
    /// Pack whole examples into rows of `maxLength` tokens by best-fit decreasing (`packing`).
    public var packing: Bool = false
    /// Learning-rate schedule (`lr_scheduler_type`; default cosine_with_min_lr as in open-r1, TRL's is linear).
    public var lrSchedulerType: LearningRateScheduleType = .cosineWithMinLR
    /// Floor of cosine_with_min_lr as a fraction of the peak (`min_lr_rate`, HF's lr_scheduler_kwargs).
    public var minLRRate: Double = 0.1
    /// Warmup as a fraction of the optimizer steps, rounded up (`warmup_ratio`).
    public var warmupRatio: Double = 0
    /// Warmup steps; when > 0 it wins over `warmupRatio` (`warmup_steps`).
    public var warmupSteps: Int = 0
    /// AdamW decoupled weight decay, not applied to 1-D weights (`weight_decay`; TRL's default is 0).
    public var weightDecay: Double = 0.01
    /// AdamW β1 (`adam_beta1`).
    public var adamBeta1: Double = 0.9
    /// AdamW β2 (`adam_beta2`).
    public var adamBeta2: Double = 0.999
    /// AdamW ε (`adam_epsilon`).
    public var adamEpsilon: Double = 1e-8
    /// Global gradient-norm clip; 0 disables clipping (`max_grad_norm`).
    public var maxGradNorm: Double = 1.0
    /// Seed of the per-epoch shuffle (`seed`).
    public var seed: Int = 42
    /// Checkpoint every this many steps (and at the end); 0: only at the end (`save_steps`).
    public var saveSteps: Int = 500
    /// Checkpoints kept on disk, newest first; 0 keeps all (`save_total_limit`).
    public var saveTotalLimit: Int = 2
    /// Write metrics every this many steps (and at the last step) (`logging_steps`).
    public var loggingSteps: Int = 10
    /// Held-out loss every this many steps when eval data is given; 0: only at the end (`eval_steps`).
    public var evalSteps: Int = 0
    /// Conversations: loss only on assistant content and its end-of-turn token (`assistant_only_loss`;
    /// TRL's default is false, which trains on every token).
    public var assistantOnlyLoss: Bool = true
    /// Prompt/completion rows: loss only on the completion (`completion_only_loss`, TRL: true for such rows).
    public var completionOnlyLoss: Bool = true
    /// Chat template for conversations: auto (the tokenizer's, else R1-Zero), chatml, llama3, r1_zero
    /// (`chat_template`, a SwiftR1 key).
    public var chatTemplate: SFTChatTemplateChoice = .auto
    /// Train a LoRA adapter instead of all weights (`use_peft`).
    public var usePEFT: Bool = false
    /// LoRA rank (`lora_r`).
    public var loraR: Int = 16
    /// LoRA scale numerator: the update is (α / r)·B·A (`lora_alpha`).
    public var loraAlpha: Double = 32
    /// LoRA dropout on the adapter input (`lora_dropout`).
    public var loraDropout: Double = 0.05
    /// Projections that get adapters (`lora_target_modules`), e.g. q_proj, v_proj.
    public var loraTargetModules: [String] = ["q_proj", "k_proj", "v_proj", "o_proj"]

    /// Creates a configuration with the defaults.
    public init() {}

    /// Rejects values that cannot train, naming the key and the fix.
    /// - Throws: `TrainingError.invalidConfiguration`.
    public func validate() throws {
        func fail(_ field: String, _ value: Any, _ fix: String) throws -> Never {
            throw TrainingError.invalidConfiguration(field: field, value: "\(value)", fix: fix)
        }
        if !(learningRate > 0) || !learningRate.isFinite { try fail("learning_rate", learningRate, "use a positive learning rate, e.g. 2e-5") }
        if maxSteps == 0 || maxSteps < -1 { try fail("max_steps", maxSteps, "use -1 (train num_train_epochs) or at least 1 step") }
        if maxSteps == -1 && !(numTrainEpochs > 0) { try fail("num_train_epochs", numTrainEpochs, "use a positive number of epochs or set max_steps") }
        if perDeviceTrainBatchSize < 1 { try fail("per_device_train_batch_size", perDeviceTrainBatchSize, "use at least 1") }
        if perDeviceEvalBatchSize < 1 { try fail("per_device_eval_batch_size", perDeviceEvalBatchSize, "use at least 1") }
        if gradientAccumulationSteps < 1 { try fail("gradient_accumulation_steps", gradientAccumulationSteps, "use at least 1") }
        if maxLength < 2 { try fail("max_length", maxLength, "use at least 2 tokens (one input, one target)") }
        if !(0...1).contains(minLRRate) { try fail("min_lr_rate", minLRRate, "use a fraction in [0, 1]") }
        if !(0..<1).contains(warmupRatio) { try fail("warmup_ratio", warmupRatio, "use a fraction in [0, 1)") }
        if warmupSteps < 0 { try fail("warmup_steps", warmupSteps, "use 0 or more") }
        if weightDecay < 0 { try fail("weight_decay", weightDecay, "use 0 or more") }
        if !(0..<1).contains(adamBeta1) { try fail("adam_beta1", adamBeta1, "use a value in [0, 1), e.g. 0.9") }
        if !(0..<1).contains(adamBeta2) { try fail("adam_beta2", adamBeta2, "use a value in [0, 1), e.g. 0.999") }
        if !(adamEpsilon > 0) { try fail("adam_epsilon", adamEpsilon, "use a positive value, e.g. 1e-8") }
        if !(maxGradNorm >= 0) { try fail("max_grad_norm", maxGradNorm, "use 0 (no clipping) or a positive norm, e.g. 1.0") }
        if saveSteps < 0 { try fail("save_steps", saveSteps, "use 0 (save at the end only) or more") }
        if saveTotalLimit < 0 { try fail("save_total_limit", saveTotalLimit, "use 0 (keep all) or more") }
        if loggingSteps < 1 { try fail("logging_steps", loggingSteps, "use at least 1") }
        if evalSteps < 0 { try fail("eval_steps", evalSteps, "use 0 (evaluate at the end only) or more") }
        if usePEFT {
            if loraR < 1 { try fail("lora_r", loraR, "use a rank of at least 1, e.g. 16") }
            if !(loraAlpha > 0) { try fail("lora_alpha", loraAlpha, "use a positive value, e.g. 32") }
            if !(0..<1).contains(loraDropout) { try fail("lora_dropout", loraDropout, "use a probability in [0, 1)") }
            if loraTargetModules.isEmpty { try fail("lora_target_modules", "[]", "name at least one projection, e.g. [q_proj, v_proj]") }
            do { _ = try loraConfiguration.resolvedTargets() } catch {
                try fail("lora_target_modules", loraTargetModules, "\(error)")
            }
        }
    }

    /// The optimizer steps of a run over `rows` training rows: `maxSteps` when set, else
    /// ⌈epochs · steps per epoch⌉ with steps per epoch = ⌈⌈rows / batch⌉ / accumulation⌉ (as HF Trainer).
    /// - Parameter rows: training rows (examples, or packed rows).
    /// - Returns: at least 1.
    public func totalSteps(rows: Int) -> Int {
        if maxSteps > 0 { return maxSteps }
        return max(1, Int((numTrainEpochs * Double(stepsPerEpoch(rows: rows))).rounded(.up)))
    }

    /// Optimizer steps in one pass over `rows` rows (the last may accumulate fewer micro-batches).
    /// - Parameter rows: training rows.
    /// - Returns: at least 1.
    public func stepsPerEpoch(rows: Int) -> Int {
        let microBatches = (max(1, rows) + perDeviceTrainBatchSize - 1) / perDeviceTrainBatchSize
        return (microBatches + gradientAccumulationSteps - 1) / gradientAccumulationSteps
    }

    /// The learning-rate schedule over `totalSteps` optimizer steps.
    /// - Parameter totalSteps: the run's optimizer steps.
    /// - Returns: the schedule (warmup from `warmupSteps` if positive, else ⌈warmup_ratio · total⌉).
    public func schedule(totalSteps: Int) -> LearningRateSchedule {
        let warmup = warmupSteps > 0 ? warmupSteps : LearningRateSchedule.warmupSteps(ratio: warmupRatio, totalSteps: totalSteps)
        return LearningRateSchedule(type: lrSchedulerType, peak: learningRate, warmupSteps: warmup, totalSteps: totalSteps,
                                    minimumRatio: minLRRate)
    }

    /// The LoRA settings of `use_peft` (PEFT names: r, lora_alpha, lora_dropout, target_modules).
    public var loraConfiguration: LoRAConfiguration {
        LoRAConfiguration(rank: loraR, alpha: loraAlpha, dropout: loraDropout, targetModules: loraTargetModules)
    }

    /// The same settings with `use_peft` off (e.g. to evaluate a merged model).
    public var withoutPEFT: SFTConfiguration {
        var copy = self
        copy.usePEFT = false
        return copy
    }

    /// The AdamW settings.
    public var adamW: AdamWConfiguration {
        AdamWConfiguration(beta1: adamBeta1, beta2: adamBeta2, epsilon: adamEpsilon, weightDecay: weightDecay)
    }
}

/// Which chat template renders conversations.
public enum SFTChatTemplateChoice: String, Sendable, Equatable, CaseIterable, Codable {
    /// The tokenizer's own template if recognised, else R1-Zero.
    case auto
    /// ChatML without a default system prompt (unless the tokenizer's template has one).
    case chatml
    /// Llama-3.
    case llama3
    /// DeepSeek-R1-Zero's plain-text template.
    case r1Zero = "r1_zero"
}
