// ComputeAccounting.swift — FLOPs and cost of training, by the standard transformer estimates
// (Kaplan et al., arXiv 2001.08361 §2.1): a forward pass costs 2·N FLOPs per token plus the attention
// term 2·L·d_attn per attended position for QKᵀ and again for the weighted sum of V, so a token at
// position t (attending to t positions, causal) costs 2N + 4·L·d·t. Backward costs twice the forward,
// so training costs 6N per token plus three times the attention term. Cost converts FLOPs to
// GPU-hours at an effective throughput and to dollars at a rental price (DeepSeek-R1's supplement
// prices an H800 hour at $2).

import Foundation

/// The size figures the FLOP estimate needs.
public struct ComputeModel: Codable, Sendable, Equatable {
    /// N, non-embedding parameter count (the matmul weights a token passes through).
    public var parameters: Double
    /// L, transformer layers.
    public var layers: Int
    /// d_attn, query width per layer (heads × head dimension).
    public var attentionWidth: Int

    /// Creates a model description.
    public init(parameters: Double, layers: Int, attentionWidth: Int) {
        self.parameters = parameters
        self.layers = layers
        self.attentionWidth = attentionWidth
    }

    /// Forward FLOPs for one causal sequence of `tokens` tokens processed together (prefill, or a
    /// training forward): Σ_{t=1..n} (2N + 4·L·d·t) = 2N·n + 2·L·d·n(n+1).
    public func forwardFLOPs(tokens n: Int) -> Double {
        let n = Double(n)
        return 2 * parameters * n + 2 * Double(layers * attentionWidth) * n * (n + 1)
    }

    /// FLOPs of generating `completion` tokens after a `prompt`-token prefill with a KV cache: the same
    /// sum as a forward over prompt + completion positions (each new token attends to all earlier ones).
    public func generationFLOPs(prompt: Int, completion: Int) -> Double {
        forwardFLOPs(tokens: prompt + completion)
    }

    /// Training FLOPs (forward + backward = 3 × forward) for one sequence of `tokens` tokens: 6N·n plus
    /// three times the attention term.
    public func trainingFLOPs(tokens n: Int) -> Double { 3 * forwardFLOPs(tokens: n) }

    /// 6·N·tokens, the attention-free estimate usually quoted for training.
    public func approximateTrainingFLOPs(tokens: Double) -> Double { 6 * parameters * tokens }
}

/// Converts FLOPs into accelerator time and money.
public struct CostModel: Codable, Sendable, Equatable {
    /// Peak dense FLOP/s of one accelerator (H800 BF16 dense: 989 TFLOP/s).
    public var peakFLOPsPerSecond: Double
    /// Model FLOP utilisation actually achieved, in (0, 1].
    public var utilization: Double
    /// Rental price of one accelerator-hour in dollars (R1 supplement: $2 per H800 hour).
    public var dollarsPerHour: Double

    /// Creates a cost model (defaults: H800, 40 % MFU, $2/hour).
    public init(peakFLOPsPerSecond: Double = 989e12, utilization: Double = 0.4, dollarsPerHour: Double = 2) {
        self.peakFLOPsPerSecond = peakFLOPsPerSecond
        self.utilization = utilization
        self.dollarsPerHour = dollarsPerHour
    }

    /// Accelerator-hours needed for `flops` at the effective throughput.
    public func hours(for flops: Double) -> Double { flops / (peakFLOPsPerSecond * utilization) / 3600 }

    /// Dollars for `flops`.
    public func dollars(for flops: Double) -> Double { hours(for: flops) * dollarsPerHour }
}

/// A running tally of the FLOPs a GRPO run spends, by phase.
public struct CostAccount: Codable, Sendable, Equatable {
    /// FLOPs spent sampling completions (prefill + decode).
    public var generationFLOPs: Double = 0
    /// FLOPs of policy forward + backward passes.
    public var trainingFLOPs: Double = 0
    /// FLOPs of extra forward passes (reference model, π_old log-probs).
    public var scoringFLOPs: Double = 0
    /// Tokens generated.
    public var generatedTokens: Int = 0
    /// Tokens trained on (prompt + completion positions through forward/backward).
    public var trainedTokens: Int = 0

    /// An empty account.
    public init() {}

    /// All FLOPs.
    public var totalFLOPs: Double { generationFLOPs + trainingFLOPs + scoringFLOPs }

    /// Records one GRPO step over sequences of the given prompt and completion lengths.
    /// - Parameters:
    ///   - model: size figures.
    ///   - promptLengths: [S] prompt tokens of each sampled sequence (repeat a prompt G times).
    ///   - completionLengths: [S] completion tokens of each sequence.
    ///   - optimizationPasses: forward+backward passes over the batch (`num_iterations`).
    ///   - referenceForward: whether a reference-model forward runs (β ≠ 0).
    ///   - oldPolicyForward: whether π_old log-probs are computed by an extra forward (μ > 1).
    public mutating func recordStep(model: ComputeModel, promptLengths: [Int], completionLengths: [Int],
                                    optimizationPasses: Int = 1, referenceForward: Bool = false,
                                    oldPolicyForward: Bool = false) {
        precondition(promptLengths.count == completionLengths.count, "CostAccount: one prompt length per sequence")
        for (p, c) in zip(promptLengths, completionLengths) {
            generationFLOPs += model.generationFLOPs(prompt: p, completion: c)
            trainingFLOPs += Double(optimizationPasses) * model.trainingFLOPs(tokens: p + c)
            let extra = (referenceForward ? 1 : 0) + (oldPolicyForward ? 1 : 0)
            scoringFLOPs += Double(extra) * model.forwardFLOPs(tokens: p + c)
            generatedTokens += c
            trainedTokens += optimizationPasses * (p + c)
        }
    }
}
