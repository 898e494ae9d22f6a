// GRPOTrainer on a tiny random Llama: learning, reference handling, dynamic sampling, non-finite losses.
import Foundation
import Testing
import Generation
import Rewards
import Training
@testable import Trainers

@Suite struct GRPOTrainerTests {
    @Test func learnsTrivialTaskAndChangesEveryTensor() throws {
        let trainer = try TinyGRPO.trainer(TinyGRPO.configuration(steps: 30))
        var prompts = try TinyGRPO.prompts()
        let before = trainer.policy.exportParameters().map { ($0.name, Array($0.values)) }
        var rewards: [Double] = []
        for _ in 0..<30 { rewards.append(try trainer.step { try prompts.next($0) }.rewardMean) }
        let first = rewards.prefix(5).reduce(0, +) / 5
        let last = rewards.suffix(5).reduce(0, +) / 5
        #expect(last > first + 0.3, "mean reward \(first) → \(last): \(rewards)")
        #expect(last > 0.8)
        let after = Dictionary(uniqueKeysWithValues: trainer.policy.exportParameters().map { ($0.name, Array($0.values)) })
        for (name, values) in before {
            #expect(after[name] != values, "tensor \(name) did not change")
        }
        #expect(trainer.stepCount == 30)
        #expect(prompts.position == 30 * 4)
    }

    @Test func betaZeroKeepsNoReference() throws {
        let trainer = try TinyGRPO.trainer(TinyGRPO.configuration(steps: 1, beta: 0))
        #expect(trainer.reference == nil)
        var prompts = try TinyGRPO.prompts()
        let report = try trainer.step { try prompts.next($0) }
        #expect(report.kl == 0)
        #expect(trainer.lastStepMetrics["kl"] == 0)
    }

    @Test func positiveBetaKeepsAFrozenReference() throws {
        let trainer = try TinyGRPO.trainer(TinyGRPO.configuration(steps: 3, beta: 0.04))
        let reference = try #require(trainer.reference)
        let start = TinyGRPO.weights(trainer.policy)
        #expect(TinyGRPO.weights(reference) == start)
        var prompts = try TinyGRPO.prompts()
        var kls: [Double] = []
        for _ in 0..<3 { kls.append(try trainer.step { try prompts.next($0) }.kl) }
        #expect(TinyGRPO.weights(reference) == start, "the reference must stay frozen")
        #expect(TinyGRPO.weights(trainer.policy) != start)
        // On the first step policy = reference; the reference is scored through the KV-cached inference path,
        // so the two agree to float rounding and k3 KL (second order in the gap) vanishes.
        #expect(abs(kls[0]) < 1e-9, "first-step KL \(kls[0])")
        #expect(kls[2] > 0)
    }

    /// Packing each prompt once per micro-batch (the default) changes only how the forward is laid out: the
    /// same completions give the same gradient as one padded row per completion, to float rounding, for the
    /// token-level, sequence-level and KL paths, and for micro-batches that hold two or four prompts.
    @Test(arguments: [(GRPOLossType.dapo, 4), (.grpo, 16), (.drGRPO, 8), (.bnpo, 32)])
    func packedPromptsGiveTheSameGradientAsPaddedRows(lossType: GRPOLossType, microBatch: Int) throws {
        var gradients: [[Float]] = [], losses: [Double] = []
        for pack in [false, true] {
            var configuration = TinyGRPO.configuration(steps: 1, beta: 0.04)
            configuration.lossType = lossType
            configuration.perDeviceTrainBatchSize = microBatch
            // One optimizer batch for all 32 completions: the gradient buffer then holds the whole step's.
            configuration.gradientAccumulationSteps = (32 + microBatch - 1) / microBatch
            configuration.packPrompts = pack
            let trainer = try TinyGRPO.trainer(configuration)
            var prompts = try TinyGRPO.prompts()
            losses.append(try trainer.step { try prompts.next($0) }.loss)
            gradients.append(Array(trainer.policy.gradients.flat))
        }
        let difference = zip(gradients[0], gradients[1]).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let scale = gradients[0].reduce(0.0) { $0 + Double($1 * $1) }
        #expect(scale > 0)
        #expect((difference / scale).squareRoot() < 1e-5, "relative difference \((difference / scale).squareRoot())")
        #expect(abs(losses[0] - losses[1]) <= 1e-6 * max(1, abs(losses[0])), "losses \(losses)")
    }

    /// A token limit splits each micro-batch into chunks for the forward and backward only: with the loss still
    /// normalised over the micro-batch, every loss type gives the gradient and loss of whole micro-batches, packed
    /// or padded. A limit of 1 token forces one completion per chunk.
    @Test(arguments: [(GRPOLossType.dapo, true), (.grpo, true), (.drGRPO, false), (.bnpo, true), (.gspo, false)])
    func microBatchTokenLimitKeepsTheGradient(lossType: GRPOLossType, pack: Bool) throws {
        var gradients: [[Float]] = [], losses: [Double] = []
        for limit in [0, 1, 40] {
            var configuration = TinyGRPO.configuration(steps: 1, beta: 0.04)
            configuration.lossType = lossType
            configuration.packPrompts = pack
            configuration.perDeviceTrainBatchSize = 8
            configuration.gradientAccumulationSteps = 4
            configuration.microBatchTokenLimit = limit
            let trainer = try TinyGRPO.trainer(configuration)
            var prompts = try TinyGRPO.prompts()
            losses.append(try trainer.step { try prompts.next($0) }.loss)
            gradients.append(Array(trainer.policy.gradients.flat))
        }
        let scale = gradients[0].reduce(0.0) { $0 + Double($1 * $1) }
        #expect(scale > 0)
        for k in 1..<gradients.count {
            let difference = zip(gradients[0], gradients[k]).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            #expect((difference / scale).squareRoot() < 1e-5, "limit #\(k): relative difference \((difference / scale).squareRoot())")
            #expect(abs(losses[0] - losses[k]) <= 1e-6 * max(1, abs(losses[0])), "losses \(losses)")
        }
    }

    @Test func tokenLimitedChunksStayWithinTheLimit() {
        let sizes = [5, 3, 9, 2, 2, 7]
        let chunks = GRPOTrainer.tokenLimitedChunks(Array(0..<6), limit: 8) { rows in rows.reduce(0) { $0 + sizes[$1] } }
        #expect(chunks == [[0, 1], [2], [3, 4], [5]])
    }

    /// A bf16 sampler draws from the bf16-rounded policy, whose log-probabilities are not the f32 policy's; with
    /// μ = 2 the trainer must recompute π_old in f32. At learning rate 1e-12 the policy does not move, so every
    /// ratio of both passes is 1 to float rounding and nothing is clipped even at ε = 1e-5 — which fails if π_old
    /// were the sampler's (its log-probabilities differ from the f32 policy's by more than 1e-4, checked here).
    @Test func bf16SamplerRecomputesTheOldPolicyInF32() throws {
        var configuration = TinyGRPO.configuration(steps: 1, learningRate: 1e-12)
        configuration.samplerPrecision = .bf16
        configuration.numIterations = 2
        configuration.epsilon = 1e-5
        let trainer = try TinyGRPO.trainer(configuration)
        var prompts = try TinyGRPO.prompts()
        let report = try trainer.step { try prompts.next($0) }
        #expect(report.clipRatioRegion == 0 && report.clipRatioLow == 0 && report.clipRatioHigh == 0,
                "clip fractions \(report.clipRatioLow) / \(report.clipRatioHigh) / \(report.clipRatioRegion)")

        // The premise: the bf16 sampler's log-probabilities are not the f32 policy's.
        let policy = try TinyGRPO.model()
        policy.decodeWeightPrecision = .bf16
        var source = try TinyGRPO.prompts()
        let prompt = try source.next(1)[0].tokens
        let batch = try BatchGenerator(model: policy).complete(
            CompletionRequest(prompts: [prompt], samplesPerPrompt: 8,
                              parameters: SamplingParameters(temperature: 1, maxNewTokens: 3, seed: 3)), decoder: nil)
        let f32 = policy.continuationLogProbs(prefix: prompt, continuations: batch.completions.map(\.tokens))
        let gap = zip(batch.completions.flatMap(\.logProbabilities), f32.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 0
        #expect(gap > 1e-4, "bf16 vs f32 log-probability gap \(gap)")
    }

    @Test func referenceResetCopiesThePolicy() throws {
        var configuration = TinyGRPO.configuration(steps: 2, beta: 0.04)
        configuration.referenceResetSteps = 2
        let trainer = try TinyGRPO.trainer(configuration)
        var prompts = try TinyGRPO.prompts()
        _ = try trainer.step { try prompts.next($0) }
        #expect(TinyGRPO.weights(try #require(trainer.reference)) != TinyGRPO.weights(trainer.policy))
        _ = try trainer.step { try prompts.next($0) }
        #expect(TinyGRPO.weights(try #require(trainer.reference)) == TinyGRPO.weights(trainer.policy))
    }

    @Test func dynamicSamplingDropsUniformGroups() throws {
        var configuration = TinyGRPO.configuration(steps: 1)
        configuration.dynamicSampling = true
        configuration.maxDynamicSamplingRounds = 30
        let trainer = try TinyGRPO.trainer(configuration)
        // Every second example always scores 1: its group has zero spread and must be dropped.
        var prompts = try TinyGRPO.prompts(LetterTask(uniformEvery: 2))
        let report = try trainer.step { try prompts.next($0) }
        #expect(report.droppedGroups >= 1)
        #expect(report.zeroStdGroupFraction > 0)
        #expect(prompts.position > configuration.promptsPerStep, "dropped groups are refilled from the stream")
        #expect(trainer.lastStepMetrics["frac_reward_zero_std"] == 0, "the groups trained on all have spread")
        for sample in report.samples { #expect(sample.prompt.isEmpty == false) }
        let uniformKept = try (0..<prompts.position).filter { p in
            try prompts.example(at: p).metadata["uniform"] == "1"
        }.count
        #expect(uniformKept >= 1)
        #expect(uniformKept <= report.droppedGroups, "every uniform group was dropped (\(uniformKept) uniform prompts seen)")
    }

    @Test func nonFiniteLossStopsWithAClearError() throws {
        let trainer = try TinyGRPO.trainer(TinyGRPO.configuration(steps: 1))
        var prompts = try TinyGRPO.prompts(LetterTask(overflow: true))
        let before = TinyGRPO.weights(trainer.policy)
        do {
            _ = try trainer.step { try prompts.next($0) }
            Issue.record("a NaN loss must throw")
        } catch let error as GRPOTrainerError {
            guard case .nonFiniteLoss(step: 1, _) = error else { Issue.record("unexpected error \(error)"); return }
            #expect("\(error)".contains("GRPO step 1"))
        }
        #expect(TinyGRPO.weights(trainer.policy) == before, "a non-finite loss leaves the weights unchanged")
    }
}
