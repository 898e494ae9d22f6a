// Shared fixture of the Trainers tests: a tiny random Llama over CharacterTokenizer and a task whose reward
// is trivially learnable (1 when the completion starts with a lowercase letter).
import Foundation
import Generation
import Models
import Rewards
import Tokenizers
import Trainers
import Training

/// Reward: 1 when the completion's first character is a lowercase ASCII letter, else 0. Examples whose
/// metadata has `uniform` = "1" always score 1 (their groups have zero spread); `overflow` = "1" scores
/// the largest finite Double (group statistics then overflow to a non-finite loss).
struct LowercaseStartReward: RewardFunction {
    let name = "lowercase_start"

    func score(_ completion: Rewards.Completion, for example: RewardExample) throws -> Double? {
        if example.metadata["overflow"] == "1" { return .greatestFiniteMagnitude }
        if example.metadata["uniform"] == "1" { return 1 }
        guard let first = completion.text.unicodeScalars.first else { return 0 }
        return ("a"..."z").contains(first) ? 1 : 0
    }
}

/// A generated task: prompts "Q<n>?" where n comes from the seed; options mark some examples uniform or
/// overflowing (see `LowercaseStartReward`).
struct LetterTask: VerifiableTask {
    let name = "letters"
    let reward: any RewardFunction = LowercaseStartReward()
    /// Every `uniformEvery`-th seed value gives a uniform example (0: none).
    var uniformEvery = 0
    /// Examples drawn from seeds whose value is in this set overflow.
    var overflow = false

    func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        (0..<(count ?? 1)).map { i in
            let n = Int((seed &+ UInt64(i)) % 90)
            var metadata: [String: String] = [:]
            if uniformEvery > 0 && n % uniformEvery == 0 { metadata["uniform"] = "1" }
            if overflow { metadata["overflow"] = "1" }
            return RewardExample(id: "letters/\(seed)/\(i)", prompt: "Q\(n)?", goldAnswer: nil, kind: .math, metadata: metadata)
        }
    }

    func prompt(for example: RewardExample) -> String { example.prompt }
    func referenceCompletion(for example: RewardExample) -> String? { nil }
}

enum TinyGRPO {
    static let tokenizer = CharacterTokenizer()

    /// A 1-layer Llama with hidden 32 over the character vocabulary, randomised from `seed`.
    static func model(seed: UInt64 = 7) throws -> LlamaModel {
        let configuration = LlamaConfiguration(hiddenSize: 32, intermediateSize: 64, layerCount: 1, headCount: 4, kvHeadCount: 2,
                                               vocabularySize: tokenizer.vocabularySize, maxPositionEmbeddings: 64)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.1)
        return model
    }

    /// Small, fast GRPO settings: 4 prompts × 8 completions of ≤ 3 tokens, one optimizer step per batch.
    static func configuration(steps: Int, beta: Double = 0, learningRate: Double = 3e-2) -> GRPOConfiguration {
        var c = GRPOConfiguration()
        c.maxSteps = steps
        c.promptsPerStep = 4
        c.numGenerations = 8
        c.perDeviceTrainBatchSize = 16
        c.gradientAccumulationSteps = 2
        c.maxCompletionLength = 3
        c.maxPromptLength = 16
        c.learningRate = learningRate
        c.lrSchedulerType = .constant
        c.beta = beta
        c.seed = 11
        c.saveSteps = 0
        c.logCompletionsSteps = 2
        return c
    }

    static func rewards() throws -> CombinedReward { try CombinedReward([WeightedReward(LowercaseStartReward())]) }

    static func trainer(_ configuration: GRPOConfiguration, modelSeed: UInt64 = 7) throws -> GRPOTrainer {
        try GRPOTrainer(policy: try model(seed: modelSeed), tokenizer: tokenizer, rewards: try rewards(), configuration: configuration)
    }

    static func prompts(_ task: LetterTask = LetterTask(), seed: UInt64 = 5) throws -> PromptSource {
        try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: seed, maxPromptLength: 16)
    }

    /// A fresh temporary directory under the system temporary folder.
    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftr1-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The policy's flat weights.
    static func weights(_ model: LlamaModel) -> [Float] { Array(model.parameters.flat) }
}
