// RewardOutcome.swift — what scoring one sample with one reward produced.

/// The result of one reward on one sample: a value, "not applicable", or a per-sample failure.
///
/// Failures (a thrown error, a timeout, a crashed external command) never stop a run: they are
/// reported here and treated like `notApplicable` in group statistics and weighted sums.
public enum RewardOutcome: Sendable, Equatable {
    /// A finite score.
    case value(Double)
    /// The reward does not apply to this sample (TRL's `None`); excluded from statistics.
    case notApplicable
    /// Scoring failed; the error says why.
    case failed(RewardsError)

    /// The score, or nil for `notApplicable` and `failed`.
    public var value: Double? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The error, when scoring failed.
    public var error: RewardsError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}
