// AdamW.swift — AdamW (Loshchilov & Hutter, arXiv 1711.05101) over one flat Float parameter buffer.
// Follows torch.optim.AdamW's update order: decoupled decay p ← p·(1 − lr·wd), moment updates,
// bias-corrected step p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
// Not here: parameter groups beyond "decay / no decay" ranges, AMSGrad, fused mixed precision.

import Foundation
import TensorEngine

/// Hyper-parameters of AdamW. Defaults are PyTorch's and TRL's (β1 0.9, β2 0.999, ε 1e-8).
public struct AdamWConfiguration: Codable, Sendable, Equatable {
    /// Exponential decay of the first moment, in [0, 1).
    public var beta1: Double
    /// Exponential decay of the second moment, in [0, 1).
    public var beta2: Double
    /// Added to the denominator for numerical stability.
    public var epsilon: Double
    /// Decoupled weight decay coefficient (multiplied by the learning rate).
    public var weightDecay: Double

    /// Creates a configuration.
    /// - Parameters:
    ///   - beta1: first-moment decay (0.9).
    ///   - beta2: second-moment decay (0.999).
    ///   - epsilon: denominator constant (1e-8).
    ///   - weightDecay: decoupled decay coefficient (0; TRL's default).
    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    private enum CodingKeys: String, CodingKey {
        case beta1 = "adam_beta1", beta2 = "adam_beta2", epsilon = "adam_epsilon", weightDecay = "weight_decay"
    }
}

/// Moments and step count of AdamW, laid out like the parameter buffer; serialisable for checkpoints.
public struct AdamWState: Codable, Sendable, Equatable {
    /// First moments, one per parameter.
    public var firstMoment: [Float]
    /// Second moments, one per parameter.
    public var secondMoment: [Float]
    /// Number of updates taken so far (the `t` of the bias correction).
    public var step: Int

    /// Zero state for `parameterCount` parameters.
    public init(parameterCount: Int) {
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
        step = 0
    }

    /// State with given moments (e.g. read from a checkpoint).
    /// - Throws: `TrainingError.optimizerStateMismatch` if the two moment arrays differ in length.
    public init(firstMoment: [Float], secondMoment: [Float], step: Int) throws {
        guard firstMoment.count == secondMoment.count else {
            throw TrainingError.optimizerStateMismatch(expected: firstMoment.count, found: secondMoment.count)
        }
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }
}

/// AdamW optimizer over a flat parameter buffer of `parameterCount` Floats.
///
/// ```swift
/// var optimizer = AdamW(parameterCount: n, configuration: .init(weightDecay: 0.1))
/// optimizer.update(parameters: params, gradients: grads, learningRate: 3e-6)
/// ```
public struct AdamW: Sendable {
    /// Hyper-parameters.
    public var configuration: AdamWConfiguration
    /// Moments and step; save this in checkpoints.
    public var state: AdamWState
    /// Index ranges of the parameter buffer that are excluded from weight decay (norm weights, biases).
    public var noDecayRanges: [Range<Int>]

    /// Number of parameters the optimizer was built for.
    public var parameterCount: Int { state.firstMoment.count }

    /// Creates an optimizer with zero moments.
    /// - Parameters:
    ///   - parameterCount: length of the flat parameter buffer.
    ///   - configuration: hyper-parameters.
    ///   - noDecayRanges: ranges of the buffer that get no weight decay (must lie inside the buffer).
    public init(parameterCount: Int, configuration: AdamWConfiguration = .init(), noDecayRanges: [Range<Int>] = []) {
        let sorted = noDecayRanges.sorted { $0.lowerBound < $1.lowerBound }
        precondition(sorted.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= parameterCount },
                     "AdamW: a no-decay range lies outside the parameter buffer")
        precondition(zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound },
                     "AdamW: no-decay ranges overlap")
        self.configuration = configuration
        self.state = AdamWState(parameterCount: parameterCount)
        self.noDecayRanges = sorted
    }

    /// Restores an optimizer from saved state.
    /// - Throws: `TrainingError.optimizerStateMismatch` if `state` does not hold `parameterCount` values.
    public init(state: AdamWState, parameterCount: Int, configuration: AdamWConfiguration,
                noDecayRanges: [Range<Int>] = []) throws {
        guard state.firstMoment.count == parameterCount else {
            throw TrainingError.optimizerStateMismatch(expected: parameterCount, found: state.firstMoment.count)
        }
        self.init(parameterCount: parameterCount, configuration: configuration, noDecayRanges: noDecayRanges)
        self.state = state
    }

    /// Applies one AdamW update in place.
    /// - Parameters:
    ///   - parameters: [N] parameter buffer, updated in place.
    ///   - gradients: [N] gradients of the loss (already clipped if clipping is wanted).
    ///   - learningRate: the learning rate for this step (from a `LearningRateSchedule`).
    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>,
                                gradients: UnsafeBufferPointer<Float>, learningRate: Float) {
        precondition(parameters.count == parameterCount && gradients.count == parameterCount,
                     "AdamW: buffer sizes differ from the optimizer's parameter count")
        state.step += 1
        let t = Double(state.step)
        let c = configuration
        let bias1 = 1 - pow(Double(c.beta1), t)
        let bias2 = 1 - pow(Double(c.beta2), t)
        // Constants are formed in Double and rounded once, as PyTorch does with its Python-float betas
        // (Float(1 − 0.999) is exact to 1 ulp; 1 − Float(0.999) is off by 1.3e-5 relative).
        let coefficients = StepCoefficients(
            stepSize: Float(Double(learningRate) / bias1),
            inverseSqrtBias2: Float(1 / bias2.squareRoot()),
            beta1: Float(c.beta1), beta2: Float(c.beta2), oneMinusBeta1: Float(1 - c.beta1),
            oneMinusBeta2: Float(1 - c.beta2), epsilon: Float(c.epsilon))
        let decayFactor = Float(1 - Double(learningRate) * c.weightDecay)
        var start = 0
        let segments = noDecayRanges + [parameterCount..<parameterCount]
        // Move the moments out of `state` so both can be borrowed mutably at once (no copy).
        var firstMoment = state.firstMoment, secondMoment = state.secondMoment
        state.firstMoment = []
        state.secondMoment = []
        defer {
            state.firstMoment = firstMoment
            state.secondMoment = secondMoment
        }
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for range in segments {
                    if start < range.lowerBound {
                        Self.kernel(p: parameters, g: gradients, m: m, v: v, range: start..<range.lowerBound,
                                    decay: decayFactor, k: coefficients)
                    }
                    if !range.isEmpty {
                        Self.kernel(p: parameters, g: gradients, m: m, v: v, range: range, decay: 1, k: coefficients)
                    }
                    start = max(start, range.upperBound)
                }
            }
        }
    }

    /// Per-step constants of the inner loop.
    private struct StepCoefficients {
        var stepSize: Float, inverseSqrtBias2: Float, beta1: Float, beta2: Float
        var oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float
    }

    /// The update over `range`, split across the engine's workers in chunks that start at multiples of 8 from
    /// `range.lowerBound`, so every element takes the same (SIMD or tail) path as in one serial pass.
    private static func kernel(p: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
                               m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>,
                               range: Range<Int>, decay: Float, k: StepCoefficients) {
        Parallel.chunks(range.count, alignment: 8, grain: 1 << 16) { chunk in
            chunkKernel(p: p, g: g, m: m, v: v, range: (range.lowerBound + chunk.lowerBound)..<(range.lowerBound + chunk.upperBound),
                        decay: decay, k: k)
        }
    }

    /// The update over `range`: SIMD8 body (square roots per lane in scalar code: SIMD `squareRoot`
    /// scalarises anyway, see platform.md §3) and a scalar tail.
    @inline(__always)
    private static func chunkKernel(p: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
                                    m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>,
                                    range: Range<Int>, decay: Float, k: StepCoefficients) {
        guard let pb = p.baseAddress, let gb = g.baseAddress, let mb = m.baseAddress, let vb = v.baseAddress
        else { return }
        let oneMinusBeta1 = k.oneMinusBeta1, oneMinusBeta2 = k.oneMinusBeta2
        var i = range.lowerBound
        let end = range.upperBound
        let pr = UnsafeMutableRawPointer(pb), gr = UnsafeRawPointer(gb)
        let mr = UnsafeMutableRawPointer(mb), vr = UnsafeMutableRawPointer(vb)
        while i + 8 <= end {
            let o = i * 4
            let gv = gr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            var mv = mr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            var vv = vr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            mv = (mv * k.beta1).addingProduct(gv, oneMinusBeta1)
            vv = (vv * k.beta2).addingProduct(gv * gv, oneMinusBeta2)
            var denominator = SIMD8<Float>()
            for lane in 0..<8 { denominator[lane] = vv[lane].squareRoot() }
            denominator = denominator * k.inverseSqrtBias2 + k.epsilon
            var pv = pr.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * decay
            pv = pv - k.stepSize * mv / denominator
            mr.storeBytes(of: mv, toByteOffset: o, as: SIMD8<Float>.self)
            vr.storeBytes(of: vv, toByteOffset: o, as: SIMD8<Float>.self)
            pr.storeBytes(of: pv, toByteOffset: o, as: SIMD8<Float>.self)
            i += 8
        }
        while i < end {
            let gi = gb[i]
            let mi = k.beta1 * mb[i] + oneMinusBeta1 * gi
            let vi = k.beta2 * vb[i] + oneMinusBeta2 * gi * gi
            mb[i] = mi
            vb[i] = vi
            pb[i] = pb[i] * decay - k.stepSize * mi / (vi.squareRoot() * k.inverseSqrtBias2 + k.epsilon)
            i += 1
        }
    }
}
