// PolicyLoss.swift — the GRPO policy loss over a batch of B completions of up to T tokens, and its
// gradient with respect to the new per-token log-probabilities (what the model's backward consumes).
//
// Per token (TRL `GRPOTrainer._compute_loss` semantics): ρ = exp(log π_θ − log π_old) (exactly 1 with
// no π_old), ρ̃ = min(ρ, δ) if `delta` is set, ℓ = −min(ρ̃·Â, clip(ρ, 1−ε_low, 1+ε_high)·Â) + β·k3.
// GSPO (arXiv 2507.18071) replaces ρ by the sequence ratio s_i = exp(mean_t (log π_θ − log π_old)),
// shared by every token of row i. With `useBiasCorrectionKL` the k3 term is multiplied by ρ (or s_i).
// The per-token losses are then aggregated by `loss_type` (anchors §2e):
//   grpo, gspo: (1/B) Σ_i Σ_t m ℓ / max(1, Σ_t m)          (per-sequence mean, then batch mean)
//   bnpo:       Σ m ℓ / max(1, Σ m)                         (token mean of this micro-batch)
//   dr_grpo:    Σ m ℓ / (B · max_completion_length)         (constant normaliser)
//   dapo:       Σ m ℓ / N_global                            (token mean over the accumulated global batch)
// grpo, gspo, bnpo and dr_grpo are also divided by the gradient-accumulation count, as TRL does.
// At ties of the min and at clip boundaries the gradient follows torch (min splits, clamp passes).

import Foundation

/// Loss aggregation (TRL `loss_type`).
public enum GRPOLossType: String, Codable, Sendable, CaseIterable {
    /// Per-sequence token mean, then mean over sequences (original GRPO; length-biased).
    case grpo
    /// Token mean over the micro-batch.
    case bnpo
    /// Token sum divided by B · max_completion_length (Dr. GRPO).
    case drGRPO = "dr_grpo"
    /// Token mean over all active tokens of the global accumulated batch (DAPO; TRL default).
    case dapo
    /// Sequence-level importance ratio with per-sequence mean aggregation (GSPO).
    case gspo
}

/// Where the importance ratio is taken (TRL `importance_sampling_level`).
public enum ImportanceSamplingLevel: String, Codable, Sendable, CaseIterable {
    /// One ratio per token (PPO/GRPO).
    case token
    /// One ratio per sequence: the geometric mean of its token ratios (GSPO).
    case sequence
}

/// Hyper-parameters of the policy loss.
public struct PolicyLossConfiguration: Sendable, Equatable {
    /// ε_low: ratios below 1 − ε_low are clipped for negative advantages.
    public var epsilonLow: Double
    /// ε_high: ratios above 1 + ε_high are clipped for positive advantages (clip-higher).
    public var epsilonHigh: Double
    /// Optional upper cap δ on the unclipped ratio (INTELLECT-2 two-sided clipping); must be > 1 + ε_high.
    public var delta: Double?
    /// KL coefficient β; 0 disables the KL term and reference log-probs are not needed.
    public var beta: Double
    /// Aggregation of per-token losses.
    public var lossType: GRPOLossType
    /// Token- or sequence-level ratio; `.gspo` always uses `.sequence`.
    public var importanceSamplingLevel: ImportanceSamplingLevel
    /// Multiply the k3 term by the importance ratio (TRL `use_bias_correction_kl`, DeepSeek-V3.2); the
    /// DeepSeekMath/R1 formula is without it.
    public var useBiasCorrectionKL: Bool
    /// The constant L of `dr_grpo`.
    public var maxCompletionLength: Int
    /// Micro-batches accumulated per optimizer step (divides grpo/gspo/bnpo/dr_grpo losses).
    public var gradientAccumulationSteps: Int

    /// Creates a configuration (defaults are TRL's: ε 0.2, no KL, `dapo`, token level).
    public init(epsilonLow: Double = 0.2, epsilonHigh: Double? = nil, delta: Double? = nil, beta: Double = 0,
                lossType: GRPOLossType = .dapo, importanceSamplingLevel: ImportanceSamplingLevel = .token,
                maxCompletionLength: Int = 512, gradientAccumulationSteps: Int = 1, useBiasCorrectionKL: Bool = false) {
        self.useBiasCorrectionKL = useBiasCorrectionKL
        self.epsilonLow = epsilonLow
        self.epsilonHigh = epsilonHigh ?? epsilonLow
        self.delta = delta
        self.beta = beta
        self.lossType = lossType
        self.importanceSamplingLevel = importanceSamplingLevel
        self.maxCompletionLength = maxCompletionLength
        self.gradientAccumulationSteps = gradientAccumulationSteps
    }

    /// The level actually used: `.sequence` for `gspo`, else `importanceSamplingLevel`.
    public var effectiveLevel: ImportanceSamplingLevel {
        lossType == .gspo ? .sequence : importanceSamplingLevel
    }
}

/// One micro-batch of completions as the loss sees it. All per-token arrays are [B·T], row-major.
public struct PolicyLossBatch: Sendable {
    /// B, completions in the micro-batch.
    public var batchSize: Int
    /// T, padded completion length.
    public var length: Int
    /// [B·T] log π_θ of each sampled token under the current policy.
    public var logProbs: [Double]
    /// [B·T] log π_old at sampling time; nil when on-policy (π_old = stop-gradient(π_θ), ratio 1).
    public var oldLogProbs: [Double]?
    /// [B·T] log π_ref; required when β ≠ 0.
    public var referenceLogProbs: [Double]?
    /// [B] advantage of each completion.
    public var advantages: [Double]
    /// [B·T] completion mask, 1 for tokens in the loss (0 for padding and masked truncated rows).
    public var mask: [Double]
    /// Active tokens in the whole accumulated batch across micro-batches (the `dapo` normaliser);
    /// nil uses this micro-batch's Σ mask.
    public var globalActiveTokens: Double?
    /// When this batch is one chunk of a larger micro-batch (a token limit split it): the micro-batch's rows,
    /// the B of `grpo`, `gspo` and `dr_grpo`, so the chunks' losses and gradients add up to the micro-batch's.
    /// nil: this batch is the micro-batch.
    public var microBatchRows: Int?
    /// Likewise the micro-batch's active tokens, the `bnpo` normaliser; nil: this batch's Σ mask.
    public var microBatchActiveTokens: Double?

    /// Creates a batch; shapes are checked with preconditions (programmer errors).
    public init(batchSize: Int, length: Int, logProbs: [Double], oldLogProbs: [Double]? = nil,
                referenceLogProbs: [Double]? = nil, advantages: [Double], mask: [Double],
                globalActiveTokens: Double? = nil, microBatchRows: Int? = nil, microBatchActiveTokens: Double? = nil) {
        let n = batchSize * length
        precondition(logProbs.count == n && mask.count == n && advantages.count == batchSize,
                     "PolicyLossBatch: logProbs and mask must be [B·T] = \(n), advantages [B] = \(batchSize)")
        precondition(oldLogProbs.map { $0.count == n } ?? true, "PolicyLossBatch: oldLogProbs must be [B·T]")
        precondition(referenceLogProbs.map { $0.count == n } ?? true,
                     "PolicyLossBatch: referenceLogProbs must be [B·T]")
        self.batchSize = batchSize
        self.length = length
        self.logProbs = logProbs
        self.oldLogProbs = oldLogProbs
        self.referenceLogProbs = referenceLogProbs
        self.advantages = advantages
        self.mask = mask
        self.globalActiveTokens = globalActiveTokens
        self.microBatchRows = microBatchRows
        self.microBatchActiveTokens = microBatchActiveTokens
    }
}

/// Metrics of one loss evaluation, named after TRL's logs.
public struct PolicyLossMetrics: Sendable, Equatable {
    /// Active (masked-in) tokens in the micro-batch.
    public var activeTokens: Double = 0
    /// What the ratio and clip metrics average over: active tokens at token level, rows (B) at sequence
    /// level, where TRL averages one value per sequence.
    public var ratioCount: Double = 0
    /// Token mean of k3 (`kl`); 0 when β = 0.
    public var meanKL: Double = 0
    /// Mean importance ratio (per token; per sequence at sequence level).
    public var meanRatio: Double = 0
    /// Fraction of tokens (sequences at sequence level) with ratio < 1 − ε_low and Â < 0 (`clip_ratio/low_mean`).
    public var clipRatioLow: Double = 0
    /// Fraction of tokens with ratio > 1 + ε_high and Â > 0 (`clip_ratio/high_mean`).
    public var clipRatioHigh: Double = 0
    /// Fraction clipped either way (`clip_ratio/region_mean`).
    public var clipRatioRegion: Double = 0
    /// The surrogate part of the loss (without the KL term), aggregated like the loss.
    public var policyLoss: Double = 0
    /// The KL part of the loss (β·k3 aggregated like the loss).
    public var klLoss: Double = 0
}

/// Loss value, per-token gradient and metrics.
public struct PolicyLossResult: Sendable {
    /// The aggregated loss (to minimise).
    public var loss: Double
    /// [B·T] ∂loss/∂logProbs; zero at masked positions.
    public var logProbGradient: [Double]
    /// Logged statistics.
    public var metrics: PolicyLossMetrics

    /// [B·T] the gradient rounded to Float, as a model's `backward(logProbGradient:)` takes it.
    public var logProbGradientFloat: [Float] { logProbGradient.map { Float($0) } }
}

extension PolicyLossBatch {
    /// Creates a batch from the Float arrays a model returns (values are widened to Double).
    /// - Parameters: as the Double initialiser; per-token arrays are [B·T], `advantages` [B].
    public init(batchSize: Int, length: Int, logProbs: [Float], oldLogProbs: [Float]? = nil,
                referenceLogProbs: [Float]? = nil, advantages: [Double], mask: [Double],
                globalActiveTokens: Double? = nil) {
        self.init(batchSize: batchSize, length: length, logProbs: logProbs.map(Double.init),
                  oldLogProbs: oldLogProbs?.map(Double.init), referenceLogProbs: referenceLogProbs?.map(Double.init),
                  advantages: advantages, mask: mask, globalActiveTokens: globalActiveTokens)
    }
}

/// The GRPO family of policy losses.
public enum PolicyLoss {
    /// Computes the loss and its gradient with respect to `batch.logProbs`.
    /// - Parameters:
    ///   - batch: the micro-batch (shapes [B·T] and [B]).
    ///   - configuration: clip ranges, β, aggregation.
    /// - Returns: loss, gradient [B·T] and metrics.
    public static func compute(_ batch: PolicyLossBatch, configuration c: PolicyLossConfiguration) -> PolicyLossResult {
        precondition(c.beta == 0 || batch.referenceLogProbs != nil, "PolicyLoss: beta ≠ 0 needs referenceLogProbs")
        let b = batch.batchSize, t = batch.length
        let ga = Double(max(1, c.gradientAccumulationSteps))
        var rowTokens = [Double](repeating: 0, count: b)
        for i in 0..<b { for j in 0..<t { rowTokens[i] += batch.mask[i * t + j] } }
        let activeTokens = rowTokens.reduce(0, +)
        // Aggregation weight of each active token of row i: loss = Σ_{i,t} rowWeight_i · m_{i,t} · ℓ_{i,t}.
        let rows = Double(batch.microBatchRows ?? b), microActive = batch.microBatchActiveTokens ?? activeTokens
        var rowWeight = [Double](repeating: 0, count: b)
        for i in 0..<b {
            switch c.lossType {
            case .grpo, .gspo: rowWeight[i] = 1 / (rows * max(1, rowTokens[i])) / ga
            case .bnpo: rowWeight[i] = 1 / max(1, microActive) / ga
            case .drGRPO: rowWeight[i] = 1 / (rows * Double(c.maxCompletionLength)) / ga
            case .dapo: rowWeight[i] = 1 / max(1, batch.globalActiveTokens ?? activeTokens)
            }
        }
        var gradient = [Double](repeating: 0, count: b * t)
        var metrics = PolicyLossMetrics()
        metrics.activeTokens = activeTokens
        let sequenceLevel = c.effectiveLevel == .sequence
        for i in 0..<b {
            let advantage = batch.advantages[i]
            let row = (i * t)..<((i + 1) * t)
            var sequenceRatio = 1.0
            if sequenceLevel {
                var sum = 0.0
                if let old = batch.oldLogProbs {
                    for k in row { sum += batch.mask[k] * (batch.logProbs[k] - old[k]) }
                }
                sequenceRatio = exp(sum / max(1, rowTokens[i]))
            }
            // For GSPO: ∂ℓ_i/∂s_i summed over the row's aggregation weights.
            var sequenceWeight = 0.0
            var sequenceKLWeight = 0.0  // Σ_t w β k3 of the row, when the KL term is multiplied by s_i
            var sequenceSurrogate: (value: Double, slope: Double) = (0, 0)
            if sequenceLevel { sequenceSurrogate = surrogate(ratio: sequenceRatio, advantage: advantage, c) }
            for k in row where batch.mask[k] != 0 {
                let weight = rowWeight[i] * batch.mask[k]
                let ratio: Double
                let value: Double
                if sequenceLevel {
                    ratio = sequenceRatio
                    value = sequenceSurrogate.value
                    sequenceWeight += weight
                } else {
                    ratio = batch.oldLogProbs.map { exp(batch.logProbs[k] - $0[k]) } ?? 1
                    let s = surrogate(ratio: ratio, advantage: advantage, c)
                    value = s.value
                    gradient[k] += weight * s.slope * ratio  // ∂ρ/∂logp = ρ
                }
                metrics.policyLoss += weight * value
                if !sequenceLevel { addRatioMetrics(&metrics, ratio: ratio, advantage: advantage, weight: batch.mask[k], c) }
                if c.beta != 0, let ref = batch.referenceLogProbs {
                    let kl = KLPenalty.k3(logProb: batch.logProbs[k], referenceLogProb: ref[k])
                    let klSlope = KLPenalty.k3Gradient(logProb: batch.logProbs[k], referenceLogProb: ref[k])
                    // Bias correction (DeepSeek-V3.2, TRL use_bias_correction_kl): k3 · ρ, ρ with its gradient.
                    let factor = c.useBiasCorrectionKL ? ratio : 1
                    metrics.meanKL += batch.mask[k] * kl * factor
                    metrics.klLoss += weight * c.beta * kl * factor
                    gradient[k] += weight * c.beta * klSlope * factor
                    if c.useBiasCorrectionKL {
                        if sequenceLevel { sequenceKLWeight += weight * c.beta * kl }
                        else { gradient[k] += weight * c.beta * kl * ratio }
                    }
                }
            }
            if sequenceLevel {
                addRatioMetrics(&metrics, ratio: sequenceRatio, advantage: advantage, weight: 1, c)
                // ∂s_i/∂logp_{i,t} = s_i · m_t / max(1, n_i). On-policy (no π_old) s_i = exp(mean(logp − sg(logp)))
                // is 1 with the same gradient, which the formula gives since sequenceRatio is then 1.
                let scale = (sequenceWeight * sequenceSurrogate.slope + sequenceKLWeight) * sequenceRatio
                    / max(1, rowTokens[i])
                for k in row where batch.mask[k] != 0 { gradient[k] += scale * batch.mask[k] }
            }
        }
        if activeTokens > 0 { metrics.meanKL /= activeTokens }
        metrics.ratioCount = sequenceLevel ? Double(b) : activeTokens
        if metrics.ratioCount > 0 {
            metrics.meanRatio /= metrics.ratioCount
            metrics.clipRatioLow /= metrics.ratioCount
            metrics.clipRatioHigh /= metrics.ratioCount
            metrics.clipRatioRegion /= metrics.ratioCount
        }
        return PolicyLossResult(loss: metrics.policyLoss + metrics.klLoss, logProbGradient: gradient, metrics: metrics)
    }

    /// Accumulates the ratio and clip-fraction sums (TRL: low = ρ < 1 − ε_low with Â < 0, high = ρ > 1 + ε_high
    /// with Â > 0, region = either).
    private static func addRatioMetrics(_ m: inout PolicyLossMetrics, ratio: Double, advantage: Double, weight: Double,
                                        _ c: PolicyLossConfiguration) {
        m.meanRatio += weight * ratio
        let low = ratio < 1 - c.epsilonLow && advantage < 0
        let high = ratio > 1 + c.epsilonHigh && advantage > 0
        if low { m.clipRatioLow += weight }
        if high { m.clipRatioHigh += weight }
        if low || high { m.clipRatioRegion += weight }
    }

    /// Clipped surrogate ℓ = −min(ρ̃·A, clip(ρ)·A) and ∂ℓ/∂ρ, with torch's subgradients:
    /// the min splits a tie in half, clamp passes the gradient at its bounds.
    static func surrogate(ratio: Double, advantage a: Double, _ c: PolicyLossConfiguration)
        -> (value: Double, slope: Double) {
        var capped = ratio
        var cappedSlope = 1.0
        if let delta = c.delta, ratio > delta {
            capped = delta
            cappedSlope = 0
        }
        let lower = 1 - c.epsilonLow, upper = 1 + c.epsilonHigh
        let clipped = min(max(ratio, lower), upper)
        let clippedSlope: Double = (ratio >= lower && ratio <= upper) ? 1 : 0
        let unclippedTerm = capped * a, clippedTerm = clipped * a
        if unclippedTerm < clippedTerm { return (-unclippedTerm, -a * cappedSlope) }
        if unclippedTerm > clippedTerm { return (-clippedTerm, -a * clippedSlope) }
        return (-unclippedTerm, -a * 0.5 * (cappedSlope + clippedSlope))
    }
}
