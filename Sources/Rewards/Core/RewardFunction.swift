// RewardFunction.swift — the reward contract: a pure function of (example, completion) → Double?.

import Dispatch

/// A reward: a pure, thread-safe function of an example and a completion.
///
/// Contract:
/// - `score(_:for:)` returns a finite number, or `nil` when the reward does not apply to the sample
///   (TRL's `None`: excluded from group statistics). It may throw; the caller reports the error for that
///   sample and carries on — a reward never stops a run.
/// - No global mutable state: `score` may be called from many threads at once.
/// - Batch rewards (an external process) override `scoreBatch(_:timeout:)`.
///
/// ```swift
/// let reward = FormatReward()
/// let r = try reward.score(Completion("<think>\nx\n</think>\n<answer>\n1\n</answer>"), for: example) // 1.0
/// ```
public protocol RewardFunction: Sendable {
    /// Name used in reports and metrics (`rewards/<name>/mean`).
    var name: String { get }

    /// Scores one completion.
    /// - Parameters:
    ///   - completion: the model output.
    ///   - example: the reference example.
    /// - Returns: the score, or nil when not applicable.
    /// - Throws: any error; it is reported per sample as `RewardsError.rewardThrew`.
    func score(_ completion: Completion, for example: RewardExample) throws -> Double?

    /// Scores a batch. The default scores samples concurrently with `score(_:for:)`, each sample under
    /// `timeout`; batch rewards override it.
    /// - Parameters:
    ///   - samples: the samples, any count (may be empty).
    ///   - timeout: seconds allowed per sample (per batch for batch rewards); nil = no limit.
    /// - Returns: one outcome per sample, in order.
    func scoreBatch(_ samples: [RewardSample], timeout: Double?) -> [RewardOutcome]
}

extension RewardFunction {
    public func scoreBatch(_ samples: [RewardSample], timeout: Double?) -> [RewardOutcome] {
        RewardScoring.scoreConcurrently(self, samples, timeout: timeout)
    }

    /// Scores one sample into an outcome (errors and non-finite values become `.failed`), no timeout.
    /// - Parameter sample: the sample.
    /// - Returns: the outcome.
    public func outcome(for sample: RewardSample) -> RewardOutcome {
        RewardScoring.guarded(self, sample)
    }
}

/// Helpers shared by reward implementations: per-sample guarding, timeouts and concurrency.
public enum RewardScoring {
    /// Runs `reward.score` for one sample and converts throws / NaN into `.failed`.
    /// - Parameters:
    ///   - reward: the reward.
    ///   - sample: the sample.
    /// - Returns: the outcome.
    public static func guarded(_ reward: some RewardFunction, _ sample: RewardSample) -> RewardOutcome {
        do {
            guard let v = try reward.score(sample.completion, for: sample.example) else { return .notApplicable }
            guard v.isFinite else { return .failed(.nonFiniteScore(reward: reward.name, value: v)) }
            return .value(v)
        } catch let e as RewardsError {
            return .failed(e)
        } catch {
            return .failed(.rewardThrew(reward: reward.name, message: String(describing: error)))
        }
    }

    /// Scores samples concurrently (`DispatchQueue.concurrentPerform`), each under an optional timeout.
    ///
    /// In-process timeouts cannot stop a running Swift function: a timed-out sample is reported as
    /// `RewardsError.timedOut` and its computation is abandoned on a background thread (its result is
    /// discarded). Rewards that run external code (sandbox, external command) enforce real kills.
    /// - Parameters:
    ///   - reward: the reward.
    ///   - samples: the samples.
    ///   - timeout: seconds per sample, or nil.
    /// - Returns: one outcome per sample, in order.
    public static func scoreConcurrently(
        _ reward: some RewardFunction, _ samples: [RewardSample], timeout: Double?
    ) -> [RewardOutcome] {
        let results = OutcomeBuffer(count: samples.count)
        if samples.count == 1 {
            results.set(0, run(reward, samples[0], timeout: timeout))
        } else if !samples.isEmpty {
            DispatchQueue.concurrentPerform(iterations: samples.count) { i in
                results.set(i, run(reward, samples[i], timeout: timeout))
            }
        }
        return results.values
    }

    static func run(_ reward: some RewardFunction, _ sample: RewardSample, timeout: Double?) -> RewardOutcome {
        guard let timeout else { return guarded(reward, sample) }
        let box = OutcomeBuffer(count: 1)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.set(0, guarded(reward, sample))
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            return .failed(.timedOut(reward: reward.name, seconds: timeout))
        }
        return box.values[0]
    }
}
