// GRPO with LoRA (`use_peft`) on the tiny random Llama: it learns, the base weights stay bit-for-bit frozen
// and get no gradients, no reference copy is kept (the reference is the adapter switched off), resuming
// from the adapter + optimizer state reproduces an uninterrupted run, and the TRL/PEFT keys parse and validate.
import Foundation
import Testing
import Models
import Rewards
import Training
@testable import Trainers

@Suite struct GRPOLoRATests {
    static func configuration(steps: Int, beta: Double = 0.04, dropout: Double = 0.05) -> GRPOConfiguration {
        var c = TinyGRPO.configuration(steps: steps, beta: beta, learningRate: 1e-2)
        c.usePeft = true
        c.loraR = 4
        c.loraAlpha = 16
        c.loraDropout = dropout
        c.loraTargetModules = ["all-linear"]
        return c
    }

    /// The tiny policy with weights in ±0.5: with ±0.1 (TinyGRPO's default) the final RMSNorm and the small
    /// frozen LM head bound how far any hidden-state change can move the logits, and an adapter learns slowly.
    static func trainer(_ configuration: GRPOConfiguration) throws -> GRPOTrainer {
        let model = try TinyGRPO.model()
        model.randomize(seed: 7, scale: 0.5)
        return try GRPOTrainer(policy: model, tokenizer: TinyGRPO.tokenizer, rewards: try TinyGRPO.rewards(), configuration: configuration)
    }

    @Test func learnsWithTheAdapterAloneAndKeepsNoReference() throws {
        let trainer = try Self.trainer(Self.configuration(steps: 20))
        let adapter = try #require(trainer.adapter)
        #expect(trainer.reference == nil, "under LoRA the reference is the base with the adapter off, not a copy")
        #expect(adapter.targets == LoRATarget.allCases)
        #expect(trainer.optimizer.parameterCount == adapter.parameters.count)
        let base = TinyGRPO.weights(trainer.policy)
        let startAdapter = Array(adapter.parameters.flat)
        var prompts = try TinyGRPO.prompts()
        var rewards: [Double] = [], kls: [Double] = []
        for _ in 0..<20 {
            let report = try trainer.step { try prompts.next($0) }
            rewards.append(report.rewardMean)
            kls.append(report.kl)
        }
        let first = rewards.prefix(5).reduce(0, +) / 5
        let last = rewards.suffix(5).reduce(0, +) / 5
        #expect(last > first + 0.4, "mean reward \(first) → \(last): \(rewards)")
        #expect(last > 0.8)
        #expect(TinyGRPO.weights(trainer.policy) == base, "the frozen base weights must not change")
        #expect(trainer.policy.gradients.flat.allSatisfy { $0 == 0 }, "the frozen weights must get no gradient")
        #expect(Array(adapter.parameters.flat) != startAdapter)
        #expect(!trainer.policy.isAdapterMergedForInference, "sampling must restore W0")
        // On the first step the adapter is a no-op, so policy = reference; the reference is scored through the
        // KV-cached inference path, so the two agree to float rounding and k3 KL (second order in the gap) vanishes.
        #expect(abs(kls[0]) < 1e-9, "first-step KL \(kls[0])")
        #expect(kls.last! > 0)
    }

    @Test func resumeFromAdapterAndOptimizerStateIsExact() throws {
        let configuration = Self.configuration(steps: 3, dropout: 0.1)
        let uninterrupted = try TinyGRPO.trainer(configuration)
        var prompts = try TinyGRPO.prompts()
        _ = try uninterrupted.step { try prompts.next($0) }
        let saved = uninterrupted.trainedTensors
        let optimizerState = uninterrupted.optimizer.state
        let cost = uninterrupted.costAccount
        let position = prompts.position
        #expect(saved.allSatisfy { $0.name.hasPrefix("base_model.model.model.layers.") && $0.name.contains(".lora_") })
        for _ in 0..<2 { _ = try uninterrupted.step { try prompts.next($0) } }

        let resumed = try TinyGRPO.trainer(configuration)
        try resumed.restoreTrainedTensors(saved, source: "test checkpoint")
        try resumed.restore(step: 1, optimizerState: optimizerState, cost: cost, referenceParameters: nil)
        var resumedPrompts = try TinyGRPO.prompts()
        resumedPrompts.position = position
        for _ in 0..<2 { _ = try resumed.step { try resumedPrompts.next($0) } }
        #expect(Array(try #require(resumed.adapter).parameters.flat) == Array(try #require(uninterrupted.adapter).parameters.flat))
        #expect(resumed.optimizer.state == uninterrupted.optimizer.state)
        // A full-weights optimizer state does not fit the adapter.
        #expect(throws: GRPOTrainerError.self) {
            try resumed.restore(step: 1, optimizerState: AdamWState(parameterCount: resumed.policy.parameters.count),
                                cost: cost, referenceParameters: nil)
        }
    }

    @Test func trlKeysParseAndValidate() throws {
        var c = TinyGRPO.configuration(steps: 1)
        try c.set("use_peft", to: .bool(true), source: "test")
        try c.set("lora_r", to: .int(8), source: "test")
        try c.set("lora_alpha", to: .double(16), source: "test")
        try c.set("lora_dropout", to: .double(0.1), source: "test")
        try c.set("lora_target_modules", to: .string("all-linear"), source: "test")
        #expect(c.usePeft && c.loraR == 8 && c.loraAlpha == 16 && c.loraDropout == 0.1 && c.loraTargetModules == ["all-linear"])
        try c.validate()
        #expect(c.loraConfiguration.scale == 2)
        let decoded = try JSONDecoder().decode(GRPOConfiguration.self, from: JSONEncoder().encode(c))
        #expect(decoded == c)
        try c.set("lora_target_modules", to: .list([.string("q_proj"), .string("down_proj")]), source: "test")
        #expect(try c.loraConfiguration.resolvedTargets() == [.q, .down])

        var bad = c
        bad.loraR = 0
        #expect(throws: TrainingError.self) { try bad.validate() }
        bad = c
        bad.loraTargetModules = ["lm_head"]
        #expect(throws: TrainingError.self) { try bad.validate() }
        bad = c
        bad.beta = 0.04
        bad.referenceResetSteps = 10
        #expect(throws: TrainingError.self) { try bad.validate() }
        // Without use_peft the LoRA keys are not checked.
        bad.usePeft = false
        bad.loraR = 0
        bad.referenceResetSteps = 0
        try bad.validate()
    }
}
