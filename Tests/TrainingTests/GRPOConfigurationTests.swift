// GRPOConfigurationTests.swift — recipe loading (YAML, TOML), overrides, Codable round trips and the
// messages of validation errors.

import Foundation
import Testing
@testable import Training

@Suite struct GRPOConfigurationTests {
    static let r1ZeroYAML = """
    # R1-Zero-like settings (Nature methods), scaled down
    grpo:
      learning_rate: 3e-6
      num_generations: 16
      prompts_per_step: 2
      per_device_train_batch_size: 8
      gradient_accumulation_steps: 2
      beta: 0.001
      epsilon: 10
      loss_type: grpo
      scale_rewards: true
      temperature: 1.0
      reference_reset_steps: 400
      reward_funcs: [accuracy, format]
      reward_weights: [1, 1]
      mask_truncated_completions: yes
    """

    @Test func defaultsAreValidAndTRLLike() throws {
        let c = GRPOConfiguration()
        try c.validate()
        #expect(c.lossType == .dapo && c.beta == 0 && c.epsilon == 0.2 && c.effectiveEpsilonHigh == 0.2)
        #expect(c.scaleRewards == .group && c.learningRate == 1e-6 && c.numGenerations == 8)
        #expect(c.generationBatchSize == 32 && c.optimizerStepsPerGeneration == 1)
    }

    @Test func loadsYAMLRecipeWithOverrides() throws {
        let scratch = try ScratchDirectory("config")
        defer { scratch.cleanup() }
        let url = scratch.url.appendingPathComponent("r1zero.yaml")
        try Self.r1ZeroYAML.write(to: url, atomically: true, encoding: .utf8)
        let c = try GRPOConfiguration.load(recipe: url, overrides: ["num_generations=8", "epsilon_high=12",
                                                                    "reward_weights=[1, 0.5]", "lr-scheduler-type=cosine"])
        #expect(c.learningRate == 3e-6)  // "3e-6" is a YAML string; parsed by the field
        #expect(c.numGenerations == 8)   // override wins over the recipe
        #expect(c.beta == 0.001 && c.epsilon == 10 && c.epsilonHigh == 12)
        #expect(c.lossType == .grpo && c.scaleRewards == .group)
        #expect(c.referenceResetSteps == 400 && c.maskTruncatedCompletions)
        #expect(c.rewardWeights == [1, 0.5] && c.rewardFuncs == ["accuracy", "format"])
        #expect(c.lrSchedulerType == .cosine)
        #expect(c.policyLoss.epsilonHigh == 12 && c.policyLoss.lossType == .grpo)
    }

    @Test func loadsTOMLRecipe() throws {
        var c = GRPOConfiguration()
        try c.apply(recipeText: """
            [grpo]
            learning_rate = 2e-6   # comment
            loss_type = "dr_grpo"
            scale_rewards = "none"
            reward_funcs = ["accuracy", "format", "tag_count"]
            dynamic_sampling = true
            max_steps = 1_000
            """, format: .toml, source: "r.toml")
        #expect(c.learningRate == 2e-6 && c.lossType == .drGRPO && c.scaleRewards == RewardScaling.none)
        #expect(c.rewardFuncs == ["accuracy", "format", "tag_count"] && c.dynamicSampling && c.maxSteps == 1000)
    }

    @Test func unknownKeyNamesSourceAndSuggestion() {
        var c = GRPOConfiguration()
        #expect(throws: TrainingError.unknownKey(key: "num_generation", source: "command line",
                                                 suggestion: "num_generations")) {
            try c.apply(overrides: ["num_generation=4"])
        }
        let message = TrainingError.unknownKey(key: "num_generation", source: "command line",
                                               suggestion: "num_generations").description
        #expect(message == "unknown configuration key 'num_generation' in command line; did you mean "
            + "'num_generations'?; GRPOConfiguration.keys lists every accepted key")
    }

    @Test func samplerPrecisionIsAChoice() throws {
        var c = GRPOConfiguration()
        #expect(c.samplerPrecision == .f32, "the sampler decodes the trained f32 policy unless asked otherwise")
        try c.apply(overrides: ["sampler_precision=bf16"])
        #expect(c.samplerPrecision == .bf16)
        #expect(throws: TrainingError.invalidValue(key: "sampler_precision", value: "fp8", expected: "one of f32, bf16",
                                                   source: "command line")) {
            try c.apply(overrides: ["sampler_precision=fp8"])
        }
    }

    @Test func invalidValuesAreRejected() {
        var c = GRPOConfiguration()
        #expect(throws: TrainingError.invalidValue(key: "loss_type", value: "ppo",
                                                   expected: "one of grpo, bnpo, dr_grpo, dapo, gspo",
                                                   source: "command line")) {
            try c.apply(overrides: ["loss_type=ppo"])
        }
        #expect(throws: TrainingError.malformedOverride("beta")) { try c.apply(overrides: ["beta"]) }
        #expect(throws: TrainingError.invalidValue(key: "max_steps", value: "1.5", expected: "an integer",
                                                   source: "command line")) {
            try c.apply(overrides: ["max_steps=1.5"])
        }
    }

    @Test(arguments: [
        ("num_generations=1", "num_generations"),
        ("per_device_train_batch_size=5", "per_device_train_batch_size"),
        ("top_p=0", "top_p"),
        ("delta=1.1", "delta"),
        ("reward_weights=[1]", "reward_weights"),
        ("reference_reset_steps=400", "reference_reset_steps"),
        ("learning_rate=-1", "learning_rate"),
        ("warmup_ratio=2", "warmup_ratio"),
        ("temperature=0", "temperature"),
    ])
    func validationNamesTheField(override: String, field: String) throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: [override])
        do {
            try c.validate()
            Issue.record("\(override) should be rejected")
        } catch let TrainingError.invalidConfiguration(name, _, fix) {
            #expect(name == field)
            #expect(!fix.isEmpty)
        }
    }

    @Test func divisibilityMessageSaysWhatToDo() throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: ["per_device_train_batch_size=5"])
        #expect(throws: TrainingError.invalidConfiguration(
            field: "per_device_train_batch_size", value: "5",
            fix: "prompts_per_step × num_generations = 32 completions must be divisible by "
                + "per_device_train_batch_size × gradient_accumulation_steps = 20; "
                + "choose sizes whose product divides 32")) { try c.validate() }
    }

    @Test func jsonAndYAMLRoundTrip() throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: ["epsilon_high=0.28", "delta=4", "loss_type=gspo", "reward_weights=[2,1]", "seed=7"])
        let json = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(GRPOConfiguration.self, from: json) == c)
        var fromYAML = GRPOConfiguration()
        try fromYAML.apply(recipeText: try c.yaml(), format: .yaml, source: "config.yaml")
        #expect(fromYAML == c)
        // A partial JSON document keeps defaults for absent keys.
        let partial = try JSONDecoder().decode(GRPOConfiguration.self, from: Data(#"{"beta": 0.04}"#.utf8))
        #expect(partial.beta == 0.04 && partial.numGenerations == 8)
    }

    @Test func derivedValues() throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: ["max_steps=100", "warmup_ratio=0.05", "lr_scheduler_type=cosine_with_min_lr",
                                "min_lr_ratio=0.1", "prompts_per_step=4", "num_generations=16",
                                "per_device_train_batch_size=4", "gradient_accumulation_steps=2"])
        try c.validate()
        #expect(c.warmupSteps == 5)
        #expect(c.optimizerStepsPerGeneration == 8)
        #expect(c.learningRateSchedule.learningRate(step: 5) == 1e-6)
        #expect(c.effectiveRewardWeights == [1, 1])
        #expect(c.adamW == AdamWConfiguration())
    }
}

@Suite struct GRPOConfigurationScheduleTests {
    @Test func periodicEvents() throws {
        var c = GRPOConfiguration()
        try c.apply(overrides: ["beta=0.001", "reference_reset_steps=400", "save_steps=100", "max_steps=1050",
                                "logging_steps=10", "log_completions_steps=0"])
        try c.validate()
        #expect(!c.isReferenceResetStep(0) && !c.isReferenceResetStep(399) && c.isReferenceResetStep(400) && c.isReferenceResetStep(800))
        #expect(c.isSaveStep(100) && !c.isSaveStep(150) && c.isSaveStep(1050))
        #expect(c.isLoggingStep(1) && c.isLoggingStep(20) && !c.isLoggingStep(21))
        #expect(!c.isCompletionLoggingStep(1))
    }
}
