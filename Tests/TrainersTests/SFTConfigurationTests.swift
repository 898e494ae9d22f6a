// SFTConfiguration: TRL keys from a recipe file and --set overrides, validation messages, YAML/JSON round trips.
import Foundation
import Testing
import Training
@testable import Trainers

@Suite struct SFTConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func tinyRecipeLoadsWithOverrides() throws {
        let url = Self.repository.appendingPathComponent("Recipes/tiny-sft.yaml")
        let c = try SFTConfiguration.load(recipe: url, overrides: ["learning_rate=3e-3", "sft.packing=true", "lora-r=4"])
        #expect(c.learningRate == 3e-3)
        #expect(c.maxSteps == 60 && c.perDeviceTrainBatchSize == 4 && c.gradientAccumulationSteps == 2)
        #expect(c.packing && c.lrSchedulerType == .constant && c.maxLength == 96 && c.seed == 7)
        #expect(c.saveSteps == 20 && c.loggingSteps == 5 && c.evalSteps == 20 && c.loraR == 4)
    }

    @Test func defaultsFollowTRLWhereDocumented() {
        let c = SFTConfiguration()
        #expect(c.learningRate == 2e-5 && c.numTrainEpochs == 3 && c.maxSteps == -1)
        #expect(c.perDeviceTrainBatchSize == 8 && c.gradientAccumulationSteps == 1 && c.maxLength == 1024)
        #expect(!c.packing && c.maxGradNorm == 1 && c.seed == 42 && c.completionOnlyLoss)
    }

    @Test func unknownKeyNamesTheNearestKey() {
        var c = SFTConfiguration()
        #expect(throws: SFTError.unknownKey(key: "learning_rat", source: "command line", suggestion: "learning_rate")) {
            try c.apply(overrides: ["learning_rat=1"])
        }
        let text = "\(SFTError.unknownKey(key: "learning_rat", source: "command line", suggestion: "learning_rate"))"
        #expect(text.hasPrefix("unknown SFT configuration key 'learning_rat' in command line; did you mean 'learning_rate'?"))
    }

    @Test func badValuesAndFormsAreRejected() throws {
        var c = SFTConfiguration()
        #expect(throws: TrainingError.invalidValue(key: "packing", value: "maybe", expected: "true or false", source: "command line")) {
            try c.apply(overrides: ["packing=maybe"])
        }
        #expect(throws: TrainingError.malformedOverride("packing")) { try c.apply(overrides: ["packing"]) }
        #expect(throws: SFTError.unreadableRecipe(path: "r.yaml", reason: "line 2: block lists are not supported; write [a, b]")) {
            try c.apply(recipeText: "sft:\n  - q_proj\n", source: "r.yaml")
        }
        #expect(throws: SFTError.unreadableRecipe(path: "r.yaml", reason: "line 1: unknown section 'grpo:'; an SFT recipe holds an sft: section of TRL SFTConfig keys")) {
            try c.apply(recipeText: "grpo:\n  beta: 0\n", source: "r.yaml")
        }
        #expect(throws: TrainingError.invalidValue(key: "max_steps", value: "ten", expected: "an integer", source: "r.yaml:3")) {
            try c.apply(recipeText: "# comment\nsft:\n  max_steps: ten\n", source: "r.yaml")
        }
    }

    @Test(arguments: [
        ("learning_rate=0", "learning_rate"), ("max_steps=0", "max_steps"), ("gradient_accumulation_steps=0", "gradient_accumulation_steps"),
        ("max_length=1", "max_length"), ("warmup_ratio=1", "warmup_ratio"), ("logging_steps=0", "logging_steps"),
        ("min_lr_rate=2", "min_lr_rate"), ("max_grad_norm=-1", "max_grad_norm"),
    ])
    func validationNamesTheField(override: String, field: String) {
        do {
            _ = try SFTConfiguration.load(recipe: nil, overrides: [override])
            Issue.record("\(override) should be rejected")
        } catch let TrainingError.invalidConfiguration(name, _, _) {
            #expect(name == field)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func loraKeysValidateOnlyWithPEFT() throws {
        _ = try SFTConfiguration.load(recipe: nil, overrides: ["lora_r=0"])
        #expect(throws: TrainingError.self) { try SFTConfiguration.load(recipe: nil, overrides: ["use_peft=true", "lora_r=0"]) }
        let c = try SFTConfiguration.load(recipe: nil, overrides: ["use_peft=true", "lora_target_modules=[q_proj, v_proj]"])
        #expect(c.loraTargetModules == ["q_proj", "v_proj"])
    }

    @Test func yamlAndJSONRoundTrip() throws {
        var c = SFTConfiguration()
        c.learningRate = 1.5e-4
        c.packing = true
        c.lrSchedulerType = .linear
        c.chatTemplate = .r1Zero
        c.loraTargetModules = ["q_proj"]
        c.numTrainEpochs = 2.5
        var fromYAML = SFTConfiguration()
        try fromYAML.apply(recipeText: c.yaml(), source: "config.yaml")
        #expect(fromYAML == c)
        let decoded = try JSONDecoder().decode(SFTConfiguration.self, from: JSONEncoder().encode(c))
        #expect(decoded == c)
    }

    @Test func stepsFromEpochsFollowHFTrainer() throws {
        var c = SFTConfiguration()
        c.perDeviceTrainBatchSize = 4
        c.gradientAccumulationSteps = 3
        c.numTrainEpochs = 2
        // 10 rows → 3 micro-batches → 1 step per epoch; 2 epochs → 2 steps.
        #expect(c.stepsPerEpoch(rows: 10) == 1 && c.totalSteps(rows: 10) == 2)
        // 30 rows → 8 micro-batches → 3 steps per epoch (the last accumulates 2); 1.5 epochs → ⌈4.5⌉ = 5.
        c.numTrainEpochs = 1.5
        #expect(c.stepsPerEpoch(rows: 30) == 3 && c.totalSteps(rows: 30) == 5)
        c.maxSteps = 7
        #expect(c.totalSteps(rows: 30) == 7)
        c.warmupRatio = 0.1
        #expect(c.schedule(totalSteps: 25).warmupSteps == 3)
        c.warmupSteps = 5
        #expect(c.schedule(totalSteps: 25).warmupSteps == 5)
    }
}
