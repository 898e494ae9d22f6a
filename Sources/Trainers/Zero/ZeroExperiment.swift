// ZeroExperiment: the built-in R1-Zero run behind `r1 zero` — make a small base model (pretrained on the
// DigitSumTask corpus, cached), measure it, then run pure-RL GRPO with a correctness reward only and
// measure held-out accuracy and response length as it goes. Reports typed events; prints nothing.
import Foundation
import Generation
import ModelFormats
import Models
import Rewards
import Tokenizers
import Training

/// Settings of the built-in R1-Zero experiment.
public struct ZeroConfiguration: Sendable, Equatable, Codable {
    /// Seed of everything (corpus, initial weights, sampling).
    public var seed: UInt64 = 7
    /// Digits per problem; with 5 there are 59,049 problems, too many to memorise, so the model must
    /// learn the procedure (with 4, a small model memorised training problems and failed held-out ones).
    public var terms = 5
    /// Corpus mixture (see DigitSumTask): share of step-by-step answers, share of correct direct answers.
    public var chainOfThoughtShare = 0.2
    public var directCorrectShare = 0.1
    /// Model width C, layers L, heads H, KV heads Hkv, MLP width.
    public var hiddenSize = 96
    public var layers = 3
    public var heads = 4
    public var kvHeads = 2
    public var intermediateSize = 256
    /// Pretraining steps and sequences per step.
    public var pretrainSteps = 2000
    public var pretrainBatch = 32
    public var pretrainLearningRate = 3e-3
    /// RL steps (upper bound) and wall-clock budget for RL in seconds.
    public var rlSteps = 200
    public var rlSeconds: Double = 600
    /// Prompts per RL step and completions per prompt (G).
    public var promptsPerStep = 16
    public var generations = 8
    public var rlLearningRate = 5e-4
    public var maxCompletionLength = 48
    /// Evaluate every N RL steps on `heldOutProblems` problems with `evaluationSamples` samples each.
    public var evaluateEvery = 10
    public var heldOutProblems = 128
    public var evaluationSamples = 4
    /// Sampling temperature for RL and for the sampled pass@1.
    public var temperature = 1.0

    /// Defaults (the demo in the README).
    public init() {}

    /// The model configuration this experiment trains.
    public func modelConfiguration(vocabularySize: Int) -> LlamaConfiguration {
        LlamaConfiguration(modelType: "llama", hiddenSize: hiddenSize, intermediateSize: intermediateSize, layerCount: layers,
                           headCount: heads, kvHeadCount: kvHeads, rmsNormEpsilon: 1e-5, ropeTheta: 10000,
                           vocabularySize: vocabularySize, tieWordEmbeddings: true, maxPositionEmbeddings: 128)
    }

    /// A short key for the cached base model: changes whenever anything that shapes it changes.
    public var baseModelKey: String {
        let text = "v2-\(terms)-\(chainOfThoughtShare)-\(directCorrectShare)-\(seed)-\(hiddenSize)-\(layers)-\(heads)-\(kvHeads)-\(intermediateSize)-\(pretrainSteps)-\(pretrainBatch)-\(pretrainLearningRate)"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}

/// Held-out measurements of a model on the task.
public struct ZeroEvaluation: Sendable, Equatable, Codable {
    /// RL step (0 = the base model).
    public var step: Int
    /// pass@1 with sampling at the RL temperature, averaged over `evaluationSamples` samples per problem.
    public var sampledAccuracy: Double
    /// Greedy accuracy.
    public var greedyAccuracy: Double
    /// Mean completion length in tokens (sampled).
    public var meanLength: Double
    /// Share of sampled completions that open with `<think>`.
    public var thinkingShare: Double
    /// Seconds of RL so far.
    public var rlSeconds: Double
}

/// What the experiment reports as it runs.
public enum ZeroEvent: Sendable {
    /// The base model was loaded from the cache.
    case baseModelLoaded(path: String)
    /// A pretraining step finished.
    case pretraining(SFTStepReport, of: Int)
    /// The base model was written to the cache.
    case baseModelSaved(path: String)
    /// A held-out evaluation.
    case evaluation(ZeroEvaluation)
    /// An RL step.
    case grpoStep(GRPOStepReport)
}

/// The result of a run.
public struct ZeroResult: Sendable, Equatable, Codable {
    /// Every evaluation, base model first.
    public var evaluations: [ZeroEvaluation]
    /// RL steps run.
    public var steps: Int
    /// Held-out sampled accuracy gain in percentage points (last − first).
    public var accuracyGainPoints: Double {
        guard let first = evaluations.first, let last = evaluations.last else { return 0 }
        return (last.sampledAccuracy - first.sampledAccuracy) * 100
    }
}

/// The built-in R1-Zero experiment.
public final class ZeroExperiment {
    /// Settings.
    public let configuration: ZeroConfiguration
    /// The task.
    public let task: DigitSumTask
    /// The character tokenizer the small model uses.
    public let tokenizer = CharacterTokenizer()
    /// Rewards for RL and evaluation (the first must be accuracy).
    public let rewards: CombinedReward
    /// Where the base model is cached (nil = no cache).
    public let cacheDirectory: URL?

    /// Creates the experiment.
    /// - Parameters:
    ///   - configuration: settings.
    ///   - rewards: RL rewards; the first is accuracy (used for evaluation too).
    ///   - cacheDirectory: where to keep the pretrained base model.
    public init(configuration: ZeroConfiguration = ZeroConfiguration(), rewards: CombinedReward, cacheDirectory: URL?) {
        self.configuration = configuration
        self.task = DigitSumTask(terms: configuration.terms, chainOfThoughtShare: configuration.chainOfThoughtShare,
                                 directCorrectShare: configuration.directCorrectShare)
        self.rewards = rewards
        self.cacheDirectory = cacheDirectory
    }

    /// The prompt ids of a problem.
    func promptTokens(_ p: DigitSumTask.Problem) -> [Int32] { tokenizer.encode(task.prompt(p), addSpecialTokens: true) }

    /// Loads the cached base model or pretrains one (and caches it).
    /// - Parameter events: progress callback.
    /// - Returns: the base model.
    public func baseModel(events: (ZeroEvent) -> Void) throws -> LlamaModel {
        let model = try LlamaModel(configuration: configuration.modelConfiguration(vocabularySize: tokenizer.vocabularySize))
        let cached = cacheDirectory?.appendingPathComponent("zero-base-\(configuration.baseModelKey).safetensors")
        if let cached, FileManager.default.fileExists(atPath: cached.path) {
            try model.loadWeights(from: [SafetensorsFile(url: cached)])
            events(.baseModelLoaded(path: cached.path))
            return model
        }
        model.randomize(seed: configuration.seed, scale: 0.08)
        var sftConfiguration = SFTConfiguration()
        sftConfiguration.learningRate = configuration.pretrainLearningRate
        sftConfiguration.maxSteps = configuration.pretrainSteps
        sftConfiguration.warmupSteps = min(50, configuration.pretrainSteps / 10)
        let sft = try SFTTrainer(model: model, configuration: sftConfiguration)
        var generator = Xoshiro256StarStar(seed: configuration.seed ^ 0x5EED)
        let eos = tokenizer.eosTokenId!
        for _ in 0..<configuration.pretrainSteps {
            let batch = (0..<configuration.pretrainBatch).map { _ -> SFTExample in
                let p = task.problem(heldOut: false, using: &generator)
                let completion = tokenizer.encode(task.corpusCompletion(p, using: &generator), addSpecialTokens: false) + [eos]
                return SFTExample(prompt: promptTokens(p), completion: completion)
            }
            let report = try sft.step(batch: batch)
            events(.pretraining(report, of: configuration.pretrainSteps))
        }
        if let cached {
            try FileManager.default.createDirectory(at: cached.deletingLastPathComponent(), withIntermediateDirectories: true)
            var writer = SafetensorsWriter(metadata: ["format": "pt", "swiftr1": "zero-base"])
            for (name, shape, values) in model.exportParameters() { try writer.addTensor(name, shape: shape, values: Array(values)) }
            let temporary = cached.appendingPathExtension("partial")
            try writer.write(to: temporary)
            _ = try? FileManager.default.removeItem(at: cached)
            try FileManager.default.moveItem(at: temporary, to: cached)
            events(.baseModelSaved(path: cached.path))
        }
        return model
    }

    /// Held-out problems (fixed by the seed).
    public func heldOutProblems() -> [DigitSumTask.Problem] {
        var generator = Xoshiro256StarStar(seed: configuration.seed ^ 0xE7A1)
        return (0..<configuration.heldOutProblems).map { _ in task.problem(heldOut: true, using: &generator) }
    }

    /// Measures a model on the held-out problems.
    /// - Parameters: model: the model. step: RL step for the record. rlSeconds: RL time so far.
    /// - Returns: sampled and greedy accuracy, length, thinking share.
    public func evaluate(_ model: LlamaModel, step: Int, rlSeconds: Double) throws -> ZeroEvaluation {
        let problems = heldOutProblems()
        let generator = BatchGenerator(model: model, maximumConcurrentSequences: 256)
        let prompts = problems.map(promptTokens)
        let sampled = try generator.complete(
            CompletionRequest(prompts: prompts, samplesPerPrompt: configuration.evaluationSamples,
                              parameters: SamplingParameters(temperature: Float(configuration.temperature),
                                                             maxNewTokens: configuration.maxCompletionLength,
                                                             seed: configuration.seed &+ 0xE7A1,
                                                             stopTokenIDs: tokenizer.eosTokenIds)),
            decoder: nil).completions
        let greedy = try generator.complete(
            CompletionRequest(prompts: prompts, samplesPerPrompt: 1,
                              parameters: .greedy(maxNewTokens: configuration.maxCompletionLength, stopTokenIDs: tokenizer.eosTokenIds)),
            decoder: nil).completions
        func accuracy(_ completions: [Generation.Completion]) -> Double {
            let samples = completions.map {
                RewardSample(example: task.example(problems[$0.promptIndex]),
                             completion: Rewards.Completion(tokenizer.decode($0.tokens, skipSpecialTokens: true)))
            }
            let outcomes = rewards.score(samples).outcomes[0]
            return Double(outcomes.filter { ($0.value ?? 0) >= 1 }.count) / Double(max(1, outcomes.count))
        }
        let think = tokenizer.tokenId(for: "<think>")
        return ZeroEvaluation(
            step: step, sampledAccuracy: accuracy(sampled), greedyAccuracy: accuracy(greedy),
            meanLength: Double(sampled.reduce(0) { $0 + $1.tokens.count }) / Double(max(1, sampled.count)),
            thinkingShare: Double(sampled.filter { $0.tokens.first == think }.count) / Double(max(1, sampled.count)),
            rlSeconds: rlSeconds)
    }

    /// The GRPO settings of the run.
    public var grpoConfiguration: GRPOConfiguration {
        var c = GRPOConfiguration()
        c.learningRate = configuration.rlLearningRate
        c.lrSchedulerType = .constant
        c.maxSteps = configuration.rlSteps
        c.promptsPerStep = configuration.promptsPerStep
        c.numGenerations = configuration.generations
        c.perDeviceTrainBatchSize = configuration.promptsPerStep * configuration.generations
        c.gradientAccumulationSteps = 1
        c.maxCompletionLength = configuration.maxCompletionLength
        c.temperature = configuration.temperature
        c.beta = 0
        c.epsilon = 0.2
        c.epsilonHigh = 0.28
        c.lossType = .dapo
        c.scaleRewards = .group
        c.rewardFuncs = rewards.names
        c.seed = Int(truncatingIfNeeded: configuration.seed)
        return c
    }

    /// Runs the whole experiment: base model, evaluation, GRPO with periodic evaluation.
    /// - Parameter events: progress callback (called on the calling thread).
    /// - Returns: the evaluations and step count.
    public func run(events: (ZeroEvent) -> Void) throws -> ZeroResult {
        let model = try baseModel(events: events)
        var evaluations = [try evaluate(model, step: 0, rlSeconds: 0)]
        events(.evaluation(evaluations[0]))
        let trainer = try GRPOTrainer(policy: model, tokenizer: tokenizer, rewards: rewards, configuration: grpoConfiguration)
        var generator = Xoshiro256StarStar(seed: configuration.seed ^ 0x6A0)
        var rlSeconds = 0.0
        var step = 0
        while step < configuration.rlSteps && rlSeconds < configuration.rlSeconds {
            let report = try trainer.step { count in
                (0..<count).map { _ in
                    let p = task.problem(heldOut: false, using: &generator)
                    return RLPrompt(tokens: promptTokens(p), example: task.example(p))
                }
            }
            step += 1
            rlSeconds += report.totalSeconds
            events(.grpoStep(report))
            if step % configuration.evaluateEvery == 0 || step == configuration.rlSteps || rlSeconds >= configuration.rlSeconds {
                let evaluation = try evaluate(model, step: step, rlSeconds: rlSeconds)
                evaluations.append(evaluation)
                events(.evaluation(evaluation))
            }
        }
        return ZeroResult(evaluations: evaluations, steps: step)
    }
}
