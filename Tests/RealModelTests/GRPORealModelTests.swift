// One GRPO step through the real SmolLM2-135M-Instruct GGUF: sampling, scoring, advantages, the clipped
// loss with a k3 KL term and the AdamW update run end to end on a real model, the policy moves, the frozen
// reference does not, and the reported figures are consistent with the batch.

import Foundation
import ModelFormats
import Models
import Rewards
import Testing
import Tokenizers
import Trainers
import Training

/// A reward that differs between completions of different lengths, so every group carries signal.
struct LengthModuloThreeReward: RewardFunction {
    let name = "length_mod_3"
    func score(_ completion: Rewards.Completion, for example: RewardExample) throws -> Double? {
        Double(completion.text.unicodeScalars.count % 3)
    }
}

@Suite(.serialized) struct GRPORealModelTests {
    @Test func oneStepMovesThePolicyAndNotTheReference() throws {
        let url = try ModelLocator.smolLM2()
        let model = try LlamaModel.load(gguf: url)
        let tokenizer = try BPETokenizer(gguf: GGUFFile(url: url))
        let template = try #require(ChatTemplate(for: tokenizer))
        let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: nil))
        let accuracy = try registry.makeCombined(RewardSelection(rewards: ["accuracy"]))
        let rewards = try CombinedReward(accuracy.components + [WeightedReward(LengthModuloThreeReward(), weight: 0.5)])
        var configuration = GRPOConfiguration()
        configuration.promptsPerStep = 2
        configuration.numGenerations = 4
        configuration.perDeviceTrainBatchSize = 8
        configuration.gradientAccumulationSteps = 1
        configuration.maxCompletionLength = 8
        configuration.beta = 0.04
        configuration.learningRate = 1e-5
        configuration.lrSchedulerType = .constant
        configuration.rewardFuncs = rewards.names
        configuration.rewardWeights = [1, 0.5]
        let trainer = try GRPOTrainer(policy: model, tokenizer: tokenizer, rewards: rewards, configuration: configuration)
        let reference = try #require(trainer.reference)
        let before = Array(model.parameters.flat)
        let questions = [("What is 3 + 4?", "7"), ("What is 2 * 5?", "10")]
        let report = try trainer.step { count in
            questions.prefix(count).map { question, answer in
                let text = template.render([ChatMessage(role: .user, content: question)], addGenerationPrompt: true)
                return RLPrompt(tokens: tokenizer.encode(text, addSpecialTokens: false),
                                example: RewardExample(prompt: question, goldAnswer: answer, kind: .math))
            }
        }
        #expect(report.rewardNames == ["accuracy", "length_mod_3"])
        #expect(report.generatedTokens >= 8 && report.generatedTokens <= 8 * 8)
        #expect(report.completionLengthMax <= 8)
        #expect(report.loss.isFinite && report.gradNorm.isFinite)
        #expect(report.kl >= 0)
        let after = Array(model.parameters.flat)
        let changed = zip(before, after).filter { $0 != $1 }.count
        // Groups of four completions of varying length carry signal (the sampler is seeded, so this holds
        // run after run); the update must then reach a large share of the weights.
        #expect(report.advantageMeanAbs > 0)
        #expect(changed > before.count / 10)
        #expect(Array(reference.parameters.flat) == before)
        print("GRPO step on SmolLM2: \(report.totalSeconds) s, reward \(report.rewardMean), \(changed) of \(before.count) weights changed")
    }
}
