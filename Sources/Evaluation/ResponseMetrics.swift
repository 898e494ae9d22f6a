// ResponseMetrics: how the completions read — mean length, reflective-word rate, language mixing —
// aggregated over every sample of an evaluation (Training's ReflectionMetrics and LanguageMixing measures).

import Training

/// Text statistics over a set of completions.
public struct ResponseMetrics: Sendable, Equatable, Codable {
    /// Number of completions measured.
    public var completions: Int
    /// Mean completion length in tokens (0 for none).
    public var meanLength: Double
    /// Reflective words ("wait", "verify", "let me", …) per 1,000 words over all completions.
    public var reflectionPerThousandWords: Double
    /// Fraction of completions containing at least one reflective word.
    public var reflectionCompletionFraction: Double
    /// Fraction of completions that mix scripts (Latin, Cyrillic, CJK).
    public var languageMixingRate: Double

    /// Creates metrics from their values.
    /// - Parameters:
    ///   - completions: count.
    ///   - meanLength: mean tokens.
    ///   - reflectionPerThousandWords: reflective words per 1,000 words.
    ///   - reflectionCompletionFraction: share of completions with reflection.
    ///   - languageMixingRate: share of completions mixing scripts.
    public init(completions: Int, meanLength: Double, reflectionPerThousandWords: Double,
                reflectionCompletionFraction: Double, languageMixingRate: Double) {
        self.completions = completions
        self.meanLength = meanLength
        self.reflectionPerThousandWords = reflectionPerThousandWords
        self.reflectionCompletionFraction = reflectionCompletionFraction
        self.languageMixingRate = languageMixingRate
    }

    /// Measures completions.
    /// - Parameters:
    ///   - texts: completion texts, `[N]`.
    ///   - lengths: completion lengths in tokens, `[N]`.
    /// - Returns: the metrics (all zero for no completions).
    public static func measure(texts: [String], lengths: [Int]) -> ResponseMetrics {
        precondition(texts.count == lengths.count, "one length per text")
        let reflection = ReflectionMetrics.rate(texts)
        return ResponseMetrics(
            completions: texts.count,
            meanLength: meanLength(lengths),
            reflectionPerThousandWords: reflection.perThousandWords,
            reflectionCompletionFraction: reflection.completionFraction,
            languageMixingRate: LanguageMixing.mixingRate(texts))
    }

    /// Mean of lengths.
    /// - Parameter lengths: lengths in tokens.
    /// - Returns: the mean, or 0 when empty.
    public static func meanLength(_ lengths: [Int]) -> Double {
        lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    }
}
