// CompletionMask.swift — building the [B·T] completion mask: tokens up to and including the end of
// each completion, and DAPO's overlong filtering (TRL `mask_truncated_completions`): a completion cut
// by the length limit (no end-of-sequence token) is removed from the loss entirely.

import Foundation

/// Masks for the policy loss.
public enum CompletionMask {
    /// A [B·T] mask with 1 for the first `lengths[i]` tokens of row i and 0 for padding.
    /// - Parameters:
    ///   - lengths: [B] completion lengths (including the end-of-sequence token when present), ≤ T.
    ///   - paddedLength: T.
    /// - Returns: [B·T] mask.
    public static func fromLengths(_ lengths: [Int], paddedLength: Int) -> [Double] {
        var mask = [Double](repeating: 0, count: lengths.count * paddedLength)
        for (i, length) in lengths.enumerated() {
            precondition(length >= 0 && length <= paddedLength, "CompletionMask: length \(length) > T \(paddedLength)")
            for j in 0..<length { mask[i * paddedLength + j] = 1 }
        }
        return mask
    }

    /// Zeroes the rows of truncated completions (TRL `mask_truncated_completions`).
    /// - Parameters:
    ///   - mask: [B·T] mask, modified in place.
    ///   - truncated: [B] true where the completion hit the length limit without an end token.
    ///   - paddedLength: T.
    /// - Returns: the number of rows masked.
    @discardableResult
    public static func maskTruncated(_ mask: inout [Double], truncated: [Bool], paddedLength: Int) -> Int {
        precondition(mask.count == truncated.count * paddedLength, "CompletionMask: mask must be [B·T]")
        var masked = 0
        for (i, isTruncated) in truncated.enumerated() where isTruncated {
            for j in 0..<paddedLength { mask[i * paddedLength + j] = 0 }
            masked += 1
        }
        return masked
    }
}
