// ProgressLine.swift — the one-line console summary of a training step, e.g.
//   step 120/1000 | reward 0.625 | acc 55.0% | kl 0.0012 | len 183 | 412 tok/s | lr 1.00e-06 | ETA 1h02m
// A pure formatter: printing and timing belong to the caller.

import Foundation

/// Numbers shown on the progress line; nil fields are left out.
public struct ProgressSnapshot: Sendable, Equatable {
    /// Optimizer steps completed.
    public var step: Int
    /// Total optimizer steps.
    public var totalSteps: Int
    /// Mean total reward of the step.
    public var reward: Double?
    /// Fraction of completions judged correct, in [0, 1].
    public var accuracy: Double?
    /// Mean k3 KL to the reference.
    public var kl: Double?
    /// Mean completion length in tokens.
    public var completionLength: Double?
    /// Generated + trained tokens per second.
    public var tokensPerSecond: Double?
    /// Current learning rate.
    public var learningRate: Double?
    /// Seconds per step, for the ETA (remaining steps × this).
    public var secondsPerStep: Double?

    /// Creates a snapshot.
    public init(step: Int, totalSteps: Int, reward: Double? = nil, accuracy: Double? = nil, kl: Double? = nil,
                completionLength: Double? = nil, tokensPerSecond: Double? = nil, learningRate: Double? = nil,
                secondsPerStep: Double? = nil) {
        self.step = step
        self.totalSteps = totalSteps
        self.reward = reward
        self.accuracy = accuracy
        self.kl = kl
        self.completionLength = completionLength
        self.tokensPerSecond = tokensPerSecond
        self.learningRate = learningRate
        self.secondsPerStep = secondsPerStep
    }
}

/// Formats progress lines.
public enum ProgressLine {
    /// The progress line for `snapshot`.
    public static func format(_ s: ProgressSnapshot) -> String {
        var parts = ["step \(s.step)/\(s.totalSteps)"]
        if let v = s.reward { parts.append("reward " + fixed(v, 3)) }
        if let v = s.accuracy { parts.append("acc " + fixed(v * 100, 1) + "%") }
        if let v = s.kl { parts.append("kl " + fixed(v, 4)) }
        if let v = s.completionLength { parts.append("len " + fixed(v, 0)) }
        if let v = s.tokensPerSecond { parts.append(fixed(v, 0) + " tok/s") }
        if let v = s.learningRate { parts.append("lr " + String(format: "%.2e", v)) }
        if let v = s.secondsPerStep { parts.append("ETA " + duration(Double(max(0, s.totalSteps - s.step)) * v)) }
        return parts.joined(separator: " | ")
    }

    /// `h`h`mm`m for an hour or more, `m`m`ss`s for a minute or more, else `s`s; "?" if not finite.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, sec = total % 60
        if h > 0 { return String(format: "%dh%02dm", h, m) }
        if m > 0 { return String(format: "%dm%02ds", m, sec) }
        return "\(sec)s"
    }

    private static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "nan"
    }
}
