// AccuracyReward.swift — "accuracy" for any built-in task: dispatches on the example's task kind.

/// Task-aware accuracy: math examples go to `MathAccuracyReward`, countdown to `CountdownReward`, code to
/// `CodeExecutionReward` (when a code runner is configured). Generic examples and code without a runner
/// give nil (not applicable).
public struct AccuracyReward: RewardFunction {
    public let name: String
    /// Math accuracy.
    public let math: MathAccuracyReward
    /// Countdown verifier.
    public let countdown: CountdownReward
    /// Code accuracy, if a sandbox is available.
    public let code: CodeExecutionReward?

    /// Creates the reward.
    /// - Parameters:
    ///   - math: math accuracy.
    ///   - countdown: countdown verifier.
    ///   - code: code accuracy or nil.
    ///   - name: report name (default "accuracy").
    public init(math: MathAccuracyReward, countdown: CountdownReward, code: CodeExecutionReward?, name: String = "accuracy") {
        self.math = math
        self.countdown = countdown
        self.code = code
        self.name = name
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        switch example.kind {
        case .math: return try math.score(completion, for: example)
        case .countdown: return try countdown.score(completion, for: example)
        case .code: return try code?.score(completion, for: example)
        case .generic: return nil
        }
    }

    /// Scores code examples in one sandbox batch and the others concurrently in process.
    public func scoreBatch(_ samples: [RewardSample], timeout: Double?) -> [RewardOutcome] {
        guard let code else { return RewardScoring.scoreConcurrently(self, samples, timeout: timeout) }
        var codeIndices: [Int] = [], otherIndices: [Int] = []
        for (i, s) in samples.enumerated() {
            if case .code = s.example.kind { codeIndices.append(i) } else { otherIndices.append(i) }
        }
        var out = [RewardOutcome](repeating: .notApplicable, count: samples.count)
        let codeOut = code.scoreBatch(codeIndices.map { samples[$0] }, timeout: timeout)
        let otherOut = RewardScoring.scoreConcurrently(self, otherIndices.map { samples[$0] }, timeout: timeout)
        for (i, o) in zip(codeIndices, codeOut) { out[i] = o }
        for (i, o) in zip(otherIndices, otherOut) { out[i] = o }
        return out
    }
}
