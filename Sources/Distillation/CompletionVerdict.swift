// CompletionVerdict: why a teacher completion was accepted or rejected, checked in a fixed order: truncated,
// too short, too long, wrong format, then the verifier (incorrect / not applicable / failed).

/// The outcome of checking one completion.
public enum CompletionVerdict: String, Codable, Sendable, CaseIterable, Comparable {
    /// Passed every check.
    case accepted
    /// Cut by the token budget while `requireStop` is set.
    case truncated
    /// Shorter than `minCharacters`.
    case tooShort = "too_short"
    /// Longer than `maxCharacters`.
    case tooLong = "too_long"
    /// Not in the required format.
    case badFormat = "bad_format"
    /// The verifier scored it below `acceptThreshold`.
    case incorrect
    /// The verifier does not apply to the example (returned nil).
    case notApplicable = "not_applicable"
    /// The verifier threw or timed out.
    case verifierFailed = "verifier_failed"

    public static func < (a: CompletionVerdict, b: CompletionVerdict) -> Bool { a.rawValue < b.rawValue }
}

/// Text normalisation for `KeepPolicy.dedup`: lowercased, runs of whitespace collapsed to one space, trimmed.
/// - Parameter text: a completion.
/// - Returns: the key two duplicates share.
public func dedupKey(_ text: String) -> String {
    text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}
