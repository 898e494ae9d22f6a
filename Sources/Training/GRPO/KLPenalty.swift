// KLPenalty.swift — the per-token k3 estimator of KL(π_θ ‖ π_ref) used by GRPO (DeepSeekMath eq. 4;
// Schulman's "Approximating KL divergence" note): with δ = log π_ref − log π_θ,
// k3 = e^δ − δ − 1 (unbiased, always ≥ 0) and ∂k3/∂log π_θ = 1 − e^δ.

import Foundation

/// The k3 KL estimator and its gradient with respect to the policy's log-probability.
public enum KLPenalty {
    /// k3 for one token.
    /// - Parameters:
    ///   - logProb: log π_θ of the sampled token.
    ///   - referenceLogProb: log π_ref of the same token.
    /// - Returns: e^δ − δ − 1 with δ = referenceLogProb − logProb.
    @inlinable
    public static func k3(logProb: Double, referenceLogProb: Double) -> Double {
        let delta = referenceLogProb - logProb
        return exp(delta) - delta - 1
    }

    /// ∂k3/∂logProb for one token: 1 − e^(referenceLogProb − logProb).
    @inlinable
    public static func k3Gradient(logProb: Double, referenceLogProb: Double) -> Double {
        1 - exp(referenceLogProb - logProb)
    }
}
