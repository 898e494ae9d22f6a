// LengthUnit.swift — how length-shaping rewards measure a completion.

/// How a length-shaping reward measures a completion.
public enum LengthUnit: String, Sendable, Codable, CaseIterable {
    /// `Completion.tokenCount` (TRL, DAPO). A completion without a token count is a per-sample error.
    case tokens
    /// Unicode code points of the text (Python `len(str)`, open-r1's cosine reward).
    case characters

    /// The length of `completion` in this unit.
    /// - Parameters:
    ///   - completion: the completion.
    ///   - reward: reward name for the error message.
    /// - Returns: the length.
    /// - Throws: `RewardsError.missingTokenCount` for `.tokens` without a count.
    public func length(of completion: Completion, reward: String) throws -> Int {
        switch self {
        case .tokens:
            guard let n = completion.tokenCount else { throw RewardsError.missingTokenCount(reward: reward) }
            return n
        case .characters:
            return completion.text.unicodeScalars.count
        }
    }
}
