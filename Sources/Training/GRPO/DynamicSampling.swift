// DynamicSampling.swift — DAPO's dynamic sampling filter (arXiv 2503.14476 §3.2): a group whose G
// rewards are all equal has zero advantage everywhere and contributes no policy gradient, so DAPO drops
// it and keeps sampling until the batch holds enough groups with mixed outcomes.

import Foundation

/// Which groups carry learning signal.
public enum DynamicSampling {
    /// Indices of groups whose rewards are all equal (within `tolerance`), i.e. zero-signal groups.
    /// - Parameters:
    ///   - rewards: [N] rewards, groups of `groupSize` adjacent.
    ///   - groupSize: G.
    ///   - tolerance: absolute tolerance for "equal".
    /// - Returns: sorted group indices in 0..<N/G.
    public static func uniformGroups(rewards: [Double], groupSize: Int, tolerance: Double = 1e-9) -> [Int] {
        precondition(groupSize >= 1 && rewards.count % groupSize == 0,
                     "DynamicSampling: \(rewards.count) rewards are not a whole number of groups of \(groupSize)")
        return stride(from: 0, to: rewards.count, by: groupSize).enumerated().compactMap { group, start in
            let slice = rewards[start..<(start + groupSize)]
            let lo = slice.min()!, hi = slice.max()!
            return hi - lo <= tolerance ? group : nil
        }
    }

    /// Indices of groups with mixed rewards (the ones DAPO keeps).
    public static func informativeGroups(rewards: [Double], groupSize: Int, tolerance: Double = 1e-9) -> [Int] {
        let uniform = Set(uniformGroups(rewards: rewards, groupSize: groupSize, tolerance: tolerance))
        return (0..<(rewards.count / groupSize)).filter { !uniform.contains($0) }
    }

    /// Completion indices (0..<N) belonging to the given groups, in order: for gathering kept rows.
    public static func completionIndices(ofGroups groups: [Int], groupSize: Int) -> [Int] {
        groups.flatMap { g in (g * groupSize)..<((g + 1) * groupSize) }
    }
}
