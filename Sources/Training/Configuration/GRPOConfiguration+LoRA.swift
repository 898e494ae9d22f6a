// GRPOConfiguration+LoRA.swift — the LoRA keys of a GRPO run (TRL ModelConfig names: use_peft, lora_r,
// lora_alpha, lora_dropout, lora_target_modules) as a Models.LoRAConfiguration, and their validation.

import Models

extension GRPOConfiguration {
    /// The adapter settings of a `use_peft` run.
    public var loraConfiguration: LoRAConfiguration {
        LoRAConfiguration(rank: loraR, alpha: loraAlpha, dropout: loraDropout, targetModules: loraTargetModules)
    }

    /// Checks the LoRA keys (only when `use_peft` is on) and their interplay with the reference model.
    /// - Throws: `TrainingError.invalidConfiguration` naming the key, its value and the fix.
    func validateLoRA() throws {
        guard usePeft else { return }
        do {
            try loraConfiguration.validate()
        } catch let LoRAError.invalidConfiguration(key, value, rule) {
            let field = key == "target_modules" ? "lora_target_modules" : key
            throw TrainingError.invalidConfiguration(field: field, value: value, fix: rule)
        }
        if referenceResetSteps > 0 {
            throw TrainingError.invalidConfiguration(
                field: "reference_reset_steps", value: "\(referenceResetSteps)",
                fix: "with use_peft the reference is the frozen base model (the adapter switched off) and cannot be reset; "
                    + "set reference_reset_steps=0, or train all weights (use_peft=false)")
        }
    }
}
