// GRPOTrainer: the R1-Zero loop — sample G completions per prompt, score them with rule-based rewards,
// compute group-relative advantages, and update the policy with the clipped surrogate (+ optional k3 KL).
//
// Variant implemented: TRL GRPOTrainer semantics (anchors §2): `loss_type` grpo/bnpo/dr_grpo/dapo/gspo,
// `scale_rewards` group/batch/none, `epsilon`/`epsilon_high`, `beta` with the k3 estimator against a
// frozen reference (no reference is kept when β = 0), `num_iterations` μ with π_old taken from the
// sampler's own tempered log-probabilities (no recomputation), minibatches of
// `per_device_train_batch_size` sequences accumulated `gradient_accumulation_steps` times per optimizer
// step, `mask_truncated_completions`, DAPO dynamic sampling (drop all-equal groups, refill), and R1's
// periodic reference reset. Not a CLI: printing, logging and checkpoint policy live with the caller.
//
// LoRA (`use_peft`, TRL/PEFT keys): the trainer attaches an adapter to the policy (unless one is attached
// already), the optimizer runs over the adapter's A and B only (the base weights are frozen and get no
// gradient work), no reference copy is kept — the reference for β > 0 is the policy with the adapter off —
// and sampling runs on W0 + s·B·A merged into the weights for the duration of generation (W0 restored bit
// for bit afterwards). Checkpoints then need only `trainedTensors` (the adapter) and the optimizer state.
import Foundation
import Generation
import Models
import Rewards
import TensorEngine
import Tokenizers
import Training

/// Errors of the GRPO loop.
public enum GRPOTrainerError: Error, CustomStringConvertible, Equatable {
    /// The loss or gradient became NaN/∞; the failing update was not applied (earlier optimizer updates of the
    /// same step, when it has several, were).
    case nonFiniteLoss(step: Int, loss: Double)
    /// The prompt source returned nothing.
    case noPrompts(step: Int)
    /// A checkpoint's state does not fit this model.
    case restoreMismatch(what: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, loss):
            return "GRPO step \(step): the loss or gradient norm is \(loss); the failing update was not applied and the step "
                + "was abandoned (a step spanning several optimizer updates may have applied earlier ones in memory; "
                + "nothing is saved). Resume from the last checkpoint after lowering learning_rate or max_grad_norm, "
                + "or check the rewards for huge or non-finite values."
        case let .noPrompts(step):
            return "GRPO step \(step): the prompt source returned no prompts; check the dataset or task."
        case let .restoreMismatch(what, expected, found):
            return "GRPO restore: the checkpoint's \(what) hold \(found) values but the model has \(expected) parameters; "
                + "resume with the model the run was started with."
        }
    }
}

/// Trains a policy with GRPO.
///
/// ```swift
/// let trainer = try GRPOTrainer(policy: model, tokenizer: tokenizer, rewards: combined, configuration: config)
/// let report = try trainer.step { count in task.nextPrompts(count) }
/// ```
public final class GRPOTrainer {
    /// The model being trained.
    public let policy: LlamaModel
    /// The frozen reference (nil when β = 0, and under LoRA, where the reference is the policy with its adapter off).
    public private(set) var reference: LlamaModel?
    /// The LoRA adapter being trained (nil unless `use_peft`).
    public var adapter: LoRAAdapter? { policy.adapter }
    /// Text ↔ ids.
    public let tokenizer: any Tokenizer
    /// Weighted rewards.
    public let rewards: CombinedReward
    /// Resolved configuration.
    public let configuration: GRPOConfiguration
    /// Optimizer state (moments, step): checkpoint it.
    public var optimizer: AdamW
    /// Optimizer steps taken.
    public private(set) var stepCount: Int = 0
    /// Running FLOP/token account.
    public private(set) var costAccount = CostAccount()
    /// The last step's metrics under TRL's names (`StepMetrics.compute`): `reward`, `reward_std`,
    /// `frac_reward_zero_std`, `rewards/<name>/mean`, `completions/…`, `loss`, `kl`, `clip_ratio/…`.
    public private(set) var lastStepMetrics: [String: Double] = [:]
    /// The last step's time split.
    public private(set) var lastStepTimes = GRPOStepTimes()

    private let generator: BatchGenerator<LlamaModel>
    private let computeModel: ComputeModel

    /// Creates a trainer.
    /// - Parameters:
    ///   - policy: the model to train (its weights change in place).
    ///   - tokenizer: for decoding completions and stop tokens.
    ///   - rewards: the weighted reward functions; the first is treated as accuracy in reports.
    ///   - configuration: validated GRPO settings.
    ///   With `use_peft` a fresh adapter (A seeded from `seed`, B = 0) is attached to `policy` unless it already
    ///   carries one (e.g. loaded with `LoRAAdapter.load` to continue training it). A policy that carries an
    ///   adapter is trained through it whether or not `use_peft` is set.
    /// - Throws: configuration errors, `LoRAError` when the adapter does not fit, or model errors when the
    ///   reference copy cannot be made.
    public init(policy: LlamaModel, tokenizer: any Tokenizer, rewards: CombinedReward,
                configuration: GRPOConfiguration) throws {
        try configuration.validate()
        if configuration.usePeft, policy.adapter == nil {
            try policy.attachAdapter(LoRAAdapter(modelConfiguration: policy.configuration,
                                                 configuration: configuration.loraConfiguration,
                                                 seed: UInt64(truncatingIfNeeded: configuration.seed)))
        }
        self.policy = policy
        // The gradients are dead while the step samples (zeroed before each accumulation), so the sampler's
        // packed weights live there instead of in 0.5 GB more (for SmolLM2) at the step's peak.
        policy.decodePanelsBorrowGradientMemory = true
        policy.decodeWeightPrecision = configuration.samplerPrecision
        self.tokenizer = tokenizer
        self.rewards = rewards
        self.configuration = configuration
        let trainable = policy.trainableParameters
        self.optimizer = AdamW(parameterCount: trainable.count, configuration: configuration.adamW,
                               noDecayRanges: Self.noDecayRanges(trainable.layout))
        self.generator = BatchGenerator(model: policy,
                                        maximumConcurrentSequences: configuration.generationBatchSize)
        let c = policy.configuration
        self.computeModel = ComputeModel(parameters: Double(policy.parameters.count), layers: c.layerCount,
                                         attentionWidth: c.queryDim)
        if configuration.beta != 0 && policy.adapter == nil { reference = try Self.copy(of: policy) }
    }

    /// What a checkpoint must hold to resume the trained weights: the adapter's tensors (PEFT names,
    /// `base_model.model.…lora_A.weight`) under LoRA, else every weight of the policy (HF names).
    public var trainedTensors: [CheckpointTensor] {
        let tensors = adapter?.exportParameters() ?? policy.exportParameters()
        return tensors.map { CheckpointTensor(name: $0.name, shape: $0.shape, values: Array($0.values)) }
    }

    /// Loads tensors written from `trainedTensors` (all of them must be present, with matching shapes).
    /// - Parameters: tensors: the checkpoint's tensors of the trained set. source: for messages.
    /// - Throws: `LoRAError` (adapter) or `GRPOTrainerError.restoreMismatch` (full weights).
    public func restoreTrainedTensors(_ tensors: [CheckpointTensor], source: String) throws {
        if let adapter {
            try adapter.loadParameters(tensors.map { ($0.name, $0.shape, $0.values) }, source: source)
            return
        }
        var loaded = 0
        for tensor in tensors {
            guard let entry = policy.parameters.layout.entry(tensor.name), entry.shape == tensor.shape else {
                throw GRPOTrainerError.restoreMismatch(what: "tensor \(tensor.name)", expected: 0, found: tensor.values.count)
            }
            _ = tensor.values.withUnsafeBufferPointer { policy.parameters[tensor.name].update(fromContentsOf: $0) }
            loaded += entry.count
        }
        let expected = policy.parameters.layout.entries.reduce(0) { $0 + $1.count }
        guard loaded == expected else { throw GRPOTrainerError.restoreMismatch(what: "weights", expected: expected, found: loaded) }
    }

    /// Puts the trainer back where a checkpoint left it (weights are restored by the caller).
    /// - Parameters:
    ///   - step: GRPO steps completed; the next step is `step + 1` (and seeds its sampler from it).
    ///   - optimizerState: AdamW moments and step count.
    ///   - cost: the FLOP account so far.
    ///   - referenceParameters: reference weights in the policy's flat layout `[N]` when they differ from
    ///     the policy's starting weights (after an R1 reference reset); nil keeps the reference the trainer was
    ///     created with (a copy of the starting policy).
    /// - Throws: `GRPOTrainerError.restoreMismatch` when a size disagrees with the model.
    public func restore(step: Int, optimizerState: AdamWState?, cost: CostAccount, referenceParameters: [Float]?) throws {
        if let optimizerState {
            let trainable = policy.trainableParameters.count
            guard optimizerState.firstMoment.count == trainable else {
                throw GRPOTrainerError.restoreMismatch(what: "AdamW moments", expected: trainable,
                                                       found: optimizerState.firstMoment.count)
            }
            optimizer.state = optimizerState
        }
        stepCount = step
        costAccount = cost
        if let reference, let referenceParameters {
            guard referenceParameters.count == reference.parameters.count else {
                throw GRPOTrainerError.restoreMismatch(what: "reference weights", expected: reference.parameters.count,
                                                       found: referenceParameters.count)
            }
            _ = referenceParameters.withUnsafeBufferPointer { reference.parameters.flat.update(fromContentsOf: $0) }
        }
    }

    /// Norm weights and biases get no weight decay (PyTorch/TRL convention for 1-D parameters).
    static func noDecayRanges(_ layout: ParameterLayout) -> [Range<Int>] {
        layout.entries.filter { $0.shape.count == 1 }.map { $0.offset..<($0.offset + $0.count) }
    }

    static func copy(of model: LlamaModel) throws -> LlamaModel {
        let copy = try LlamaModel(configuration: model.configuration)
        copy.parameters.copy(from: model.parameters)
        return copy
    }

    /// The sampling parameters of a step (seeded from the run seed and the step, so resumes reproduce).
    func samplingParameters(step: Int) -> SamplingParameters {
        let c = configuration
        return SamplingParameters(
            temperature: Float(c.temperature), topK: c.topK, topP: Float(c.topP), minP: Float(c.minP),
            maxNewTokens: c.maxCompletionLength,
            seed: UInt64(truncatingIfNeeded: c.seed) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(step),
            stopTokenIDs: tokenizer.eosTokenIds)
    }

    /// Runs one GRPO step: sample, score, compute advantages, update.
    /// - Parameter nextPrompts: returns `count` prompts (called again for refills under dynamic sampling).
    /// - Returns: the step's statistics.
    /// - Throws: `GRPOTrainerError` (the weights are unchanged on a non-finite loss), generation errors.
    public func step(nextPrompts: (Int) throws -> [RLPrompt]) throws -> GRPOStepReport {
        let c = configuration
        let g = c.numGenerations
        let stepNumber = stepCount + 1
        lastStepTimes = GRPOStepTimes()
        var samplingSeconds = 0.0, scoringSeconds = 0.0
        var prompts: [RLPrompt] = [], completions: [Generation.Completion] = [], scores: [[Double?]] = [], totals: [Double] = []
        var dropped = 0, zeroStdFraction = 0.0, round = 0
        // Sample and score; with dynamic sampling keep only groups whose rewards differ, refilling.
        while prompts.count < c.promptsPerStep {
            let wanted = c.promptsPerStep - prompts.count
            let batchPrompts = try nextPrompts(wanted)
            guard !batchPrompts.isEmpty else { throw GRPOTrainerError.noPrompts(step: stepNumber) }
            var parameters = samplingParameters(step: stepNumber)
            parameters.seed &+= UInt64(round) &* 0x1000_0000
            let start = Date()
            // Under LoRA the sampler runs W0 + s·B·A merged into the weights; W0 comes back afterwards.
            let batch = try policy.withAdapterMergedForInference {
                try generator.complete(
                    CompletionRequest(prompts: batchPrompts.map(\.tokens), samplesPerPrompt: g, parameters: parameters),
                    decoder: { [tokenizer] in tokenizer.decode($0, skipSpecialTokens: true) })
            }
            samplingSeconds += Date().timeIntervalSince(start)
            // Phases take turns with memory: the sampler's KV cache is not kept through training.
            generator.releaseCache()
            let scoreStart = Date()
            let samples = batch.completions.map { completion in
                RewardSample(example: batchPrompts[completion.promptIndex].example,
                             completion: Rewards.Completion(tokenizer.decode(completion.tokens, skipSpecialTokens: true),
                                                            tokenCount: completion.tokens.count))
            }
            let batchScores = rewards.score(samples)
            scoringSeconds += Date().timeIntervalSince(scoreStart)
            let batchTotals = batchScores.totals.map { $0 ?? 0 }
            let perSample = (0..<samples.count).map { i in batchScores.outcomes.map { $0[i].value } }
            let keepGroups: [Int]
            if c.dynamicSampling && round < c.maxDynamicSamplingRounds {
                keepGroups = DynamicSampling.informativeGroups(rewards: batchTotals, groupSize: g)
                if round == 0 {
                    zeroStdFraction = Double(batchPrompts.count - keepGroups.count) / Double(batchPrompts.count)
                }
            } else {
                keepGroups = Array(0..<batchPrompts.count)
            }
            dropped += batchPrompts.count - keepGroups.count
            for group in keepGroups {
                prompts.append(batchPrompts[group])
                for i in (group * g)..<((group + 1) * g) {
                    var completion = batch.completions[i]
                    completion.promptIndex = prompts.count - 1
                    completions.append(completion)
                    scores.append(perSample[i])
                    totals.append(batchTotals[i])
                }
            }
            round += 1
        }
        let advantages = GroupAdvantages.compute(rewards: totals, groupSize: g, scaling: c.scaleRewards)
        if !c.dynamicSampling { zeroStdFraction = advantages.zeroStandardDeviationFraction }

        let trainStart = Date()
        let update = try optimize(prompts: prompts, completions: completions, advantages: advantages.advantages,
                                  step: stepNumber)
        let trainingSeconds = Date().timeIntervalSince(trainStart)
        // ... nor the training activations through the next step's sampling.
        policy.releaseWorkingMemory()
        reference?.releaseWorkingMemory()
        stepCount = stepNumber
        if c.referenceResetSteps > 0, stepNumber % c.referenceResetSteps == 0, let reference {
            reference.parameters.copy(from: policy.parameters)
        }
        lastStepTimes.sampling = samplingSeconds
        lastStepTimes.scoring = scoringSeconds
        lastStepMetrics = StepMetrics.compute(
            rewardNames: rewards.names, rewardsPerFunction: rewards.names.indices.map { k in scores.map { $0[k] } },
            totalRewards: totals, advantages: advantages, completionLengths: completions.map(\.tokens.count),
            truncated: completions.map { $0.finishReason == .length }, loss: update.combined,
            completions: completions.map { tokenizer.decode($0.tokens, skipSpecialTokens: true) })
        return report(step: stepNumber, prompts: prompts, completions: completions, scores: scores, totals: totals,
                      advantages: advantages.advantages, zeroStdFraction: zeroStdFraction, dropped: dropped,
                      update: update, times: (samplingSeconds, scoringSeconds, trainingSeconds))
    }

    /// Token-weighted sums of `PolicyLossMetrics` over the micro-batches of a step.
    struct LossMetricsSum {
        var activeTokens = 0.0, meanKL = 0.0, meanRatio = 0.0
        var clipRatioLow = 0.0, clipRatioHigh = 0.0, clipRatioRegion = 0.0
        var policyLoss = 0.0, klLoss = 0.0
    }

    /// What the update phase measured.
    struct UpdateResult {
        var metrics = LossMetricsSum()
        var loss = 0.0
        var gradNorm = 0.0
        var learningRate = 0.0
        var trainedTokens = 0
        var entropy = 0.0
        var combined: PolicyLossMetrics?
    }

    /// The policy update: μ passes over the batch in optimizer batches of micro-batches.
    func optimize(prompts: [RLPrompt], completions: [Generation.Completion], advantages: [Double], step: Int) throws -> UpdateResult {
        let c = configuration
        let n = completions.count
        let microSize = max(1, min(c.perDeviceTrainBatchSize, n))
        let perOptimizerStep = microSize * c.gradientAccumulationSteps
        let onPolicy = c.numIterations == 1
        var result = UpdateResult()
        var metricWeight = 0.0
        var parts: [PolicyLossMetrics] = []
        // Token-level entropy estimate from the sampler: −mean log p of the sampled tokens.
        let sampledLogProbs = completions.flatMap(\.logProbabilities)
        result.entropy = sampledLogProbs.isEmpty ? 0 : -Double(sampledLogProbs.reduce(0, +)) / Double(sampledLogProbs.count)
        var microIndex: UInt64 = 0
        // The reference is frozen for the whole step: score every completion once, a group at a time.
        var referenceByCompletion: [[Float]]? = nil
        if c.beta != 0 {
            let clock = Date()
            referenceByCompletion = try frozenLogProbs(of: reference ?? policy, prompts: prompts, completions: completions)
            lastStepTimes.referenceLogProbs += Date().timeIntervalSince(clock)
        }
        // π_old for μ > 1: the sampler's own log-probabilities when it decoded the f32 policy (no recomputation);
        // recomputed at f32 when it decoded bf16 weights, whose log-probabilities are not the policy's.
        var oldByCompletion: [[Float]]? = nil
        if !onPolicy {
            if c.samplerPrecision == .f32 {
                oldByCompletion = completions.map(\.logProbabilities)
            } else {
                let clock = Date()
                oldByCompletion = try frozenLogProbs(of: policy, oldPolicy: true, prompts: prompts, completions: completions)
                lastStepTimes.referenceLogProbs += Date().timeIntervalSince(clock)
            }
        }
        for _ in 0..<c.numIterations {
            var start = 0
            while start < n {
                let end = min(n, start + perOptimizerStep)
                // The dapo normaliser: active tokens of the whole optimizer batch.
                let active = (start..<end).reduce(0.0) { sum, i in sum + lossTokenCount(completions[i]) }
                policy.zeroGradients()
                // Micro-batches of similar lengths: every row of a micro-batch is padded to its longest, so
                // grouping long with long and short with short removes most padded positions (which cost as
                // much as real ones). The optimizer batch is the same set of rows, so the gradient is too.
                // Packed: completions of one prompt side by side, so a micro-batch runs each prompt once.
                let ordered = c.packPrompts
                    ? Self.promptOrderedRows(start..<end, completions: completions)
                    : Self.lengthOrderedRows(start..<end, prompts: prompts, completions: completions)
                var microStart = 0
                while microStart < ordered.count {
                    let microEnd = min(ordered.count, microStart + microSize)
                    let micro = Array(ordered[microStart..<microEnd])
                    // A token limit runs the micro-batch in chunks; the loss stays normalised over all of it.
                    let chunks = c.microBatchTokenLimit > 0
                        ? Self.tokenLimitedChunks(micro, limit: c.microBatchTokenLimit) { self.laidOutTokens($0, prompts: prompts, completions: completions) }
                        : [micro]
                    let microActive = chunks.count > 1 ? micro.reduce(0.0) { $0 + lossTokenCount(completions[$1]) } : nil
                    for rows in chunks {
                        let (batch, completionMask) = tokenBatch(prompts: prompts, completions: completions, rows: rows)
                        let reference = referenceByCompletion.map { perCompletion in
                            laidOut(rows, batch: batch, completions: completions) { perCompletion[$0] }
                        }
                        // Dropout masks depend only on (seed, step, micro-batch), so a resumed run draws the same ones.
                        adapter?.dropoutStep = UInt64(step) << 24 | microIndex
                        microIndex += 1
                        var clock = Date()
                        // The loss works on the padded layout `batch`; a packed forward maps in and out of it.
                        let packing = c.packPrompts
                            ? packedBatch(prompts: prompts, completions: completions, rows: rows, padded: batch) : nil
                        let logProbs: [Float]
                        if let packing {
                            let packedLogProbs = policy.tokenLogProbs(packing.batch, temperature: Float(c.temperature), keepActivations: true)
                            logProbs = packing.toPadded(packedLogProbs)
                        } else {
                            logProbs = policy.tokenLogProbs(batch, temperature: Float(c.temperature), keepActivations: true)
                        }
                        lastStepTimes.policyForwardBackward += Date().timeIntervalSince(clock)
                        clock = Date()
                        let old = oldByCompletion.map { perCompletion in
                            laidOut(rows, batch: batch, completions: completions) { perCompletion[$0] }
                        }
                        let lossBatch = PolicyLossBatch(
                            batchSize: rows.count, length: batch.length, logProbs: logProbs.map(Double.init),
                            oldLogProbs: old, referenceLogProbs: reference, advantages: rows.map { advantages[$0] },
                            mask: completionMask, globalActiveTokens: max(1, active),
                            microBatchRows: chunks.count > 1 ? micro.count : nil, microBatchActiveTokens: microActive)
                        let loss = PolicyLoss.compute(lossBatch, configuration: c.policyLoss)
                        guard loss.loss.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: step, loss: loss.loss) }
                        let gradient = loss.logProbGradient.map(Float.init)
                        policy.backward(logProbGradient: packing.map { $0.toPacked(gradient) } ?? gradient)
                        accumulate(&result.metrics, loss.metrics, weight: loss.metrics.activeTokens, total: &metricWeight)
                        parts.append(loss.metrics)
                        lastStepTimes.policyForwardBackward += Date().timeIntervalSince(clock)
                        result.loss += loss.loss
                        result.trainedTokens += rows.reduce(0) { $0 + prompts[completions[$1].promptIndex].tokens.count + completions[$1].tokens.count }
                    }
                    microStart = microEnd
                }
                let optimizerClock = Date()
                // The trainable set: the adapter under LoRA, else every weight.
                let trainable = policy.trainableParameters, gradients = policy.trainableGradients
                let norm = GradientClipping.clip([gradients.flat], maxNorm: c.maxGradNorm)
                guard norm.isFinite else { throw GRPOTrainerError.nonFiniteLoss(step: step, loss: norm) }
                let lr = c.learningRateSchedule.learningRate(step: optimizer.state.step)
                optimizer.update(parameters: trainable.flat, gradients: UnsafeBufferPointer(gradients.flat),
                                 learningRate: Float(lr))
                result.gradNorm = norm
                result.learningRate = lr
                lastStepTimes.optimizer += Date().timeIntervalSince(optimizerClock)
                start = end
            }
        }
        if metricWeight > 0 { finish(&result.metrics, total: metricWeight) }
        if !parts.isEmpty { result.combined = PolicyLossMetrics.combine(parts) }
        return result
    }

    /// Splits `rows` (in order) into consecutive chunks of at most `limit` tokens by `tokens(chunk)`; a row
    /// that alone exceeds the limit forms a chunk of its own.
    static func tokenLimitedChunks(_ rows: [Int], limit: Int, tokens: ([Int]) -> Int) -> [[Int]] {
        var chunks: [[Int]] = [], current: [Int] = []
        for row in rows {
            if !current.isEmpty && tokens(current + [row]) > limit {
                chunks.append(current)
                current = []
            }
            current.append(row)
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Tokens a forward over `rows` lays out: packed, each prompt once plus every completion; padded, rows ×
    /// the longest prompt + completion.
    func laidOutTokens(_ rows: [Int], prompts: [RLPrompt], completions: [Generation.Completion]) -> Int {
        if configuration.packPrompts {
            var seen = Set<Int>(), total = 0
            for row in rows {
                let prompt = completions[row].promptIndex
                if seen.insert(prompt).inserted { total += prompts[prompt].tokens.count }
                total += completions[row].tokens.count
            }
            return total
        }
        let longest = rows.map { prompts[completions[$0].promptIndex].tokens.count + completions[$0].tokens.count }.max() ?? 0
        return rows.count * longest
    }

    /// The rows of an optimizer batch, longest sequence (prompt + completion) first; ties keep their order.
    static func lengthOrderedRows(_ rows: Range<Int>, prompts: [RLPrompt], completions: [Generation.Completion]) -> [Int] {
        func length(_ i: Int) -> Int { prompts[completions[i].promptIndex].tokens.count + completions[i].tokens.count }
        return rows.sorted { a, b in
            let la = length(a), lb = length(b)
            return la != lb ? la > lb : a < b
        }
    }

    /// The rows of an optimizer batch grouped by prompt (prompts in order of first appearance), longest
    /// completion first within a prompt; ties keep their order.
    static func promptOrderedRows(_ rows: Range<Int>, completions: [Generation.Completion]) -> [Int] {
        var firstSeen: [Int: Int] = [:]
        for i in rows where firstSeen[completions[i].promptIndex] == nil { firstSeen[completions[i].promptIndex] = i }
        return rows.sorted { a, b in
            let pa = firstSeen[completions[a].promptIndex]!, pb = firstSeen[completions[b].promptIndex]!
            if pa != pb { return pa < pb }
            let la = completions[a].tokens.count, lb = completions[b].tokens.count
            return la != lb ? la > lb : a < b
        }
    }

    /// A micro-batch packed one row per prompt (the prompt once, then its completions), with the maps between
    /// its positions and those of the padded micro-batch the loss uses.
    struct PackedMicroBatch {
        let batch: TokenBatch
        /// For each completion token: its index in the padded layout and in the packed layout.
        let paddedIndices: [Int], packedIndices: [Int]
        let paddedCount: Int

        /// Packed values [B'·T'] → padded layout [B·T] (0 elsewhere).
        func toPadded(_ packed: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: paddedCount)
            for (p, q) in zip(paddedIndices, packedIndices) { out[p] = packed[q] }
            return out
        }

        /// Padded values [B·T] → packed layout [B'·T'] (0 elsewhere).
        func toPacked(_ padded: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: batch.tokens.count)
            for (p, q) in zip(paddedIndices, packedIndices) { out[q] = padded[p] }
            return out
        }
    }

    /// Packs the micro-batch `rows` (laid out as `padded`) one row per prompt; empty completions are left
    /// out (they have no token to score); nil when no completion has a token.
    func packedBatch(prompts: [RLPrompt], completions: [Generation.Completion], rows: [Int], padded: TokenBatch) -> PackedMicroBatch? {
        var order: [Int] = [], members: [Int: [Int]] = [:]
        for (b, row) in rows.enumerated() where !completions[row].tokens.isEmpty {
            let prompt = completions[row].promptIndex
            if members[prompt] == nil { order.append(prompt) }
            members[prompt, default: []].append(b)
        }
        guard !order.isEmpty else { return nil }
        let groups = order.map { prompt in
            (prefix: prompts[prompt].tokens, continuations: members[prompt]!.map { completions[rows[$0]].tokens })
        }
        let batch = TokenBatch(packing: groups, padToken: tokenizer.padTokenId ?? 0)
        var paddedIndices: [Int] = [], packedIndices: [Int] = []
        for (packedRow, prompt) in order.enumerated() {
            var offset = prompts[prompt].tokens.count
            for b in members[prompt]! {
                let completion = completions[rows[b]]
                let start = b * padded.length + completion.promptTokenCount
                for j in 0..<completion.tokens.count {
                    paddedIndices.append(start + j)
                    packedIndices.append(packedRow * batch.length + offset + j)
                }
                offset += completion.tokens.count
            }
        }
        return PackedMicroBatch(batch: batch, paddedIndices: paddedIndices, packedIndices: packedIndices,
                                paddedCount: padded.tokens.count)
    }

    /// Tokens of a completion that enter the loss (0 for a truncated completion when those are masked).
    func lossTokenCount(_ completion: Generation.Completion) -> Double {
        if configuration.maskTruncatedCompletions && completion.finishReason == .length { return 0 }
        return Double(completion.tokens.count)
    }

    /// Prompt + completion rows, right-padded, targeting the completion tokens; and the loss mask [B·T].
    func tokenBatch(prompts: [RLPrompt], completions: [Generation.Completion], rows: [Int]) -> (TokenBatch, [Double]) {
        let sequences = rows.map { prompts[completions[$0].promptIndex].tokens + completions[$0].tokens }
        let starts = rows.map { prompts[completions[$0].promptIndex].tokens.count }
        let batch = TokenBatch(rightPadding: sequences, targetStarts: starts, padToken: tokenizer.padTokenId ?? 0)
        var mask = batch.targetMask.map(Double.init)
        for (b, row) in rows.enumerated() where lossTokenCount(completions[row]) == 0 {
            for t in 0..<batch.length { mask[b * batch.length + t] = 0 }
        }
        return (batch, mask)
    }

    /// log-probabilities of every completion token under `model`, with no gradient, at the sampling
    /// temperature: log π_ref for the frozen reference (or, under LoRA, the policy with its adapter off: the
    /// inference path scores with the base weights), or log π_old for the f32 policy itself (`oldPolicy`; under
    /// LoRA with the adapter merged, as the sampler runs it). Each group's prompt runs once and the completions of
    /// all groups run together without padding (`continuationLogProbs(groups:)`).
    func frozenLogProbs(of model: LlamaModel, oldPolicy: Bool = false, prompts: [RLPrompt],
                        completions: [Generation.Completion]) throws -> [[Float]] {
        var members: [Int: [Int]] = [:]
        for (i, completion) in completions.enumerated() { members[completion.promptIndex, default: []].append(i) }
        var result = [[Float]](repeating: [], count: completions.count)
        func score() {
            let ordered = members.sorted(by: { $0.key < $1.key })
            let scored = model.continuationLogProbs(
                groups: ordered.map { ContinuationGroup(prefix: prompts[$0.key].tokens, continuations: $0.value.map { completions[$0].tokens }) },
                temperature: Float(configuration.temperature))
            for (groupScores, (_, group)) in zip(scored, ordered) {
                for (k, i) in group.enumerated() { result[i] = groupScores[k] }
            }
        }
        if oldPolicy { model.withAdapterMergedForInference(score) } else { score() }
        return result
    }

    /// Per-completion values (one per completion token) laid out like the micro-batch `batch` of `rows`:
    /// [B·T], 0 at prompt and padding positions.
    func laidOut(_ rows: [Int], batch: TokenBatch, completions: [Generation.Completion],
                 values: (Int) -> [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: batch.tokens.count)
        for (b, row) in rows.enumerated() {
            let start = b * batch.length + completions[row].promptTokenCount
            for (j, value) in values(row).enumerated() { out[start + j] = Double(value) }
        }
        return out
    }


    private func accumulate(_ into: inout LossMetricsSum, _ m: PolicyLossMetrics, weight: Double, total: inout Double) {
        into.activeTokens += m.activeTokens
        into.meanKL += m.meanKL * weight
        into.meanRatio += m.meanRatio * weight
        into.clipRatioLow += m.clipRatioLow * weight
        into.clipRatioHigh += m.clipRatioHigh * weight
        into.clipRatioRegion += m.clipRatioRegion * weight
        into.policyLoss += m.policyLoss
        into.klLoss += m.klLoss
        total += weight
    }

    private func finish(_ m: inout LossMetricsSum, total: Double) {
        m.meanKL /= total
        m.meanRatio /= total
        m.clipRatioLow /= total
        m.clipRatioHigh /= total
        m.clipRatioRegion /= total
    }

    private func report(step: Int, prompts: [RLPrompt], completions: [Generation.Completion], scores: [[Double?]], totals: [Double],
                        advantages: [Double], zeroStdFraction: Double, dropped: Int, update: UpdateResult,
                        times: (Double, Double, Double)) -> GRPOStepReport {
        let names = rewards.names
        func stats(_ k: Int) -> (Double?, Double?) {
            let values = scores.compactMap { $0[k] }
            guard !values.isEmpty else { return (nil, nil) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, values.count - 1))
            return (mean, variance.squareRoot())
        }
        let perReward = names.indices.map(stats)
        let mean = totals.reduce(0, +) / Double(max(1, totals.count))
        let std = (totals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, totals.count - 1))).squareRoot()
        let texts = completions.map { tokenizer.decode($0.tokens, skipSpecialTokens: true) }
        let lengths = completions.map(\.tokens.count)
        let accuracy = scores.isEmpty ? 0 : Double(scores.filter { ($0.first ?? nil).map { $0 >= 1 } ?? false }.count) / Double(scores.count)
        costAccount.recordStep(model: computeModel, promptLengths: completions.map(\.promptTokenCount),
                               completionLengths: lengths, optimizationPasses: configuration.numIterations,
                               referenceForward: configuration.beta != 0)
        let generated = lengths.reduce(0, +)
        let flops = computeModel.approximateTrainingFLOPs(tokens: Double(update.trainedTokens))
            + 2 * computeModel.parameters * Double(generated + (configuration.beta != 0 ? update.trainedTokens : 0))
        let every = max(1, completions.count / 8)
        let samples = stride(from: 0, to: completions.count, by: every).prefix(8).map { i in
            GRPOSampleRecord(prompt: tokenizer.decode(prompts[completions[i].promptIndex].tokens, skipSpecialTokens: false),
                             completion: texts[i], rewards: scores[i], totalReward: totals[i], advantage: advantages[i],
                             tokenCount: lengths[i], truncated: completions[i].finishReason == .length)
        }
        return GRPOStepReport(
            step: step, rewardNames: names, rewardMeans: perReward.map(\.0), rewardStds: perReward.map(\.1),
            rewardMean: mean, rewardStd: std, accuracy: accuracy,
            advantageMeanAbs: advantages.reduce(0) { $0 + abs($1) } / Double(max(1, advantages.count)),
            advantageMax: advantages.map(abs).max() ?? 0, zeroStdGroupFraction: zeroStdFraction, droppedGroups: dropped,
            loss: update.loss, policyLoss: update.metrics.policyLoss, klLoss: update.metrics.klLoss, kl: update.metrics.meanKL,
            clipRatioLow: update.metrics.clipRatioLow, clipRatioHigh: update.metrics.clipRatioHigh,
            clipRatioRegion: update.metrics.clipRatioRegion, entropy: update.entropy,
            completionLengthMean: Double(generated) / Double(max(1, lengths.count)), completionLengthMax: lengths.max() ?? 0,
            truncatedFraction: Double(completions.filter { $0.finishReason == .length }.count) / Double(max(1, completions.count)),
            reflectionRate: ReflectionMetrics.rate(texts).completionFraction, languageMixingRate: LanguageMixing.mixingRate(texts),
            gradNorm: update.gradNorm, learningRate: update.learningRate,
            samplingSeconds: times.0, scoringSeconds: times.1, trainingSeconds: times.2,
            generatedTokens: generated, trainedTokens: update.trainedTokens, flops: flops, samples: Array(samples))
    }
}
