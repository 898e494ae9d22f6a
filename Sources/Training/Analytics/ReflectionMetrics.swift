// ReflectionMetrics.swift — frequencies of reflective words in completions, the "aha moment" signal
// of DeepSeek-R1 (Nature 2025, Extended Data Fig. 1 tracks wait, mistake, however, but, retry, error,
// verify, wrong, evaluate, check over training). Words are maximal runs of ASCII letters joined by
// inner apostrophes or hyphens, lower-cased, so "double-check" and "re-evaluate" are single words
// that do not also count as "check"/"evaluate"; "let me" is matched as a two-word phrase.

import Foundation

/// Counts of reflective words in one text.
public struct ReflectionCounts: Sendable, Equatable {
    /// Number of words in the text.
    public var words: Int
    /// Occurrences of each tracked word or phrase.
    public var counts: [String: Int]
    /// Sum of `counts`.
    public var total: Int { counts.values.reduce(0, +) }
    /// Reflective words per 1,000 words (0 for an empty text).
    public var perThousandWords: Double { words == 0 ? 0 : Double(total) * 1000 / Double(words) }
}

/// Reflection-word statistics over completions.
public enum ReflectionMetrics {
    /// The default tracked vocabulary: R1's expert-curated list plus common self-check phrases.
    /// ("but" from the R1 list is left out: it is mostly not reflective.)
    public static let defaultWords: [String] = [
        "wait", "verify", "check", "recheck", "re-evaluate", "hmm", "let me", "double-check",
        "mistake", "however", "retry", "error", "wrong", "evaluate",
    ]

    /// Counts tracked words in `text`.
    /// - Parameters:
    ///   - text: a completion.
    ///   - vocabulary: single words and two-word phrases, lower-case.
    /// - Returns: word count and per-entry occurrences.
    public static func count(in text: String, vocabulary: [String] = defaultWords) -> ReflectionCounts {
        let words = tokenize(text)
        var counts = Dictionary(uniqueKeysWithValues: vocabulary.map { ($0, 0) })
        let phrases = vocabulary.filter { $0.contains(" ") }.map { $0.split(separator: " ").map(String.init) }
        for (i, word) in words.enumerated() {
            if counts[word] != nil { counts[word]! += 1 }
            for phrase in phrases where phrase.count == 2 && phrase[0] == word
                && i + 1 < words.count && words[i + 1] == phrase[1] {
                counts[phrase.joined(separator: " ")]! += 1
            }
        }
        return ReflectionCounts(words: words.count, counts: counts)
    }

    /// Aggregate over completions: reflective words per 1,000 words and the fraction of completions that
    /// contain at least one tracked word.
    /// - Parameter texts: completions of one step.
    /// - Returns: (per-thousand rate over all words, fraction of completions with any reflection).
    public static func rate(_ texts: [String], vocabulary: [String] = defaultWords)
        -> (perThousandWords: Double, completionFraction: Double) {
        var words = 0, hits = 0, withAny = 0
        for text in texts {
            let c = count(in: text, vocabulary: vocabulary)
            words += c.words
            hits += c.total
            if c.total > 0 { withAny += 1 }
        }
        return (words == 0 ? 0 : Double(hits) * 1000 / Double(words),
                texts.isEmpty ? 0 : Double(withAny) / Double(texts.count))
    }

    /// Lower-cased words: runs of ASCII letters, joined across a single ' or - between letters.
    static func tokenize(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        while i < bytes.count {
            let b = bytes[i]
            if isLetter(b) {
                current.append(b | 0x20)
            } else if (b == 39 || b == 45), !current.isEmpty, i + 1 < bytes.count, isLetter(bytes[i + 1]) {
                current.append(b)
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
            i += 1
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
