// LogitsTransform: the steps that turn a row of logits into a sampling distribution, and their plain
// (full-sort, Double precision) reference composition. Sampler runs the same composition fused and without
// a full sort; the reference is kept beside it as its specification and as the oracle in tests.

import Foundation

/// One step that reshapes or truncates the next-token distribution.
///
/// Truncating steps set removed tokens' logits to `-inf`; each step sees the distribution left by the
/// previous one (so top-p measures mass after top-k, as in Hugging Face's logits warpers).
public enum LogitsTransform: Sendable, Equatable, Hashable {
    /// Divide every logit by the temperature (`> 0`).
    case temperature(Float)
    /// Keep the `k` largest logits and every logit tied with the `k`-th largest.
    case topK(Int)
    /// Keep the most likely tokens, in decreasing probability, while the mass before each is below `p`.
    case topP(Float)
    /// Keep tokens whose probability is at least `p` times the largest probability.
    case minP(Float)

    /// The transforms a validated `SamplingParameters` value asks for, in application order; disabled steps
    /// are omitted. Greedy parameters (temperature 0) give `[]` (the arg-max is taken instead of sampling).
    /// - Parameter parameters: validated sampling parameters.
    /// - Returns: the active transforms in order temperature, top-k, top-p, min-p.
    public static func transforms(for parameters: SamplingParameters) -> [LogitsTransform] {
        guard parameters.temperature > 0 else { return [] }
        var result: [LogitsTransform] = []
        if parameters.temperature != 1 { result.append(.temperature(parameters.temperature)) }
        if parameters.topK > 0 { result.append(.topK(parameters.topK)) }
        if parameters.topP < 1 { result.append(.topP(parameters.topP)) }
        if parameters.minP > 0 { result.append(.minP(parameters.minP)) }
        return result
    }

    /// Applies this step to a row of logits in place (reference implementation: Double, full sort).
    /// - Parameter logits: `[V]` logits; removed tokens become `-inf`.
    public func apply(to logits: inout [Double]) {
        switch self {
        case let .temperature(t):
            for i in logits.indices { logits[i] /= Double(t) }
        case let .topK(k):
            guard k < logits.count else { return }
            let kth = logits.sorted(by: >)[k - 1]
            for i in logits.indices where logits[i] < kth { logits[i] = -.infinity }
        case let .topP(p):
            let probabilities = Self.softmax(logits)
            let order = logits.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            var before = 0.0
            for i in order {
                if before >= Double(p) { logits[i] = -.infinity }
                before += probabilities[i]
            }
        case let .minP(p):
            let probabilities = Self.softmax(logits)
            let bound = Double(p) * (probabilities.max() ?? 0)
            for i in logits.indices where probabilities[i] < bound { logits[i] = -.infinity }
        }
    }

    /// The sampling distribution that a list of transforms gives for a row of logits (reference path).
    /// - Parameters:
    ///   - logits: `[V]` logits.
    ///   - transforms: steps applied in order (e.g. `transforms(for:)`).
    /// - Returns: `[V]` probabilities summing to 1; removed tokens have probability 0.
    public static func referenceDistribution(logits: [Float], transforms: [LogitsTransform]) -> [Double] {
        var values = logits.map(Double.init)
        for transform in transforms { transform.apply(to: &values) }
        return softmax(values)
    }

    /// Softmax in Double; `-inf` entries get probability 0.
    static func softmax(_ logits: [Double]) -> [Double] {
        let maximum = logits.max() ?? 0
        let exps = logits.map { $0 == -.infinity ? 0 : Foundation.exp($0 - maximum) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}
