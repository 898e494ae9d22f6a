// PassAtK: pass@1 averaged over samples and the unbiased pass@k estimator of Chen et al. (2021, Codex),
// pass@k = 1 − C(n−c, k) / C(n, k), evaluated as the product 1 − ∏_{i=n−c+1}^{n} (1 − k/i) in Double so that
// no binomial coefficient (which overflows for n ≳ 1000) is ever formed.

/// Pass-rate estimators for problems sampled `n` times with `c` correct samples.
public enum PassAtK {
    /// The unbiased estimate of the probability that at least one of `k` samples drawn without replacement
    /// from the `n` generated samples is correct: `1 − C(n−c, k) / C(n, k)`.
    /// - Parameters:
    ///   - n: samples generated, `n >= 1`.
    ///   - c: correct samples, `0 <= c <= n`.
    ///   - k: samples drawn, `1 <= k <= n`.
    /// - Returns: the estimate in `[0, 1]`; exactly 1 when `n − c < k`, exactly 0 when `c == 0`.
    public static func estimate(n: Int, c: Int, k: Int) -> Double {
        precondition(n >= 1 && c >= 0 && c <= n && k >= 1 && k <= n, "pass@k needs 1 <= k <= n and 0 <= c <= n")
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        // C(n−c, k)/C(n, k) = ∏_{i=n−c+1}^{n} (i − k)/i
        var product = 1.0
        for i in (n - c + 1)...n {
            product *= 1 - Double(k) / Double(i)
        }
        return 1 - product
    }

    /// pass@1 of one problem averaged over its samples: the fraction of correct samples (R1's pass@1 with k samples).
    /// - Parameter correct: one flag per sample.
    /// - Returns: `c / n`, or 0 for no samples.
    public static func passAt1(_ correct: [Bool]) -> Double {
        correct.isEmpty ? 0 : Double(correct.lazy.filter { $0 }.count) / Double(correct.count)
    }

    /// Mean of the per-problem pass@k estimates.
    /// - Parameters:
    ///   - problems: per problem, (samples n, correct c); every `n >= k`.
    ///   - k: samples drawn.
    /// - Returns: the mean estimate, or 0 for no problems.
    public static func mean(_ problems: [(n: Int, c: Int)], k: Int) -> Double {
        guard !problems.isEmpty else { return 0 }
        return problems.reduce(0) { $0 + estimate(n: $1.n, c: $1.c, k: k) } / Double(problems.count)
    }
}
