// LanguageMixing.swift — language-mixing measures for chains of thought. DeepSeek-R1 (arXiv 2501.12948
// §2.3.2) adds a language-consistency reward: the proportion of target-language words in the CoT.
// Here "language" is approximated by script: a run of Latin letters or of Cyrillic letters is one unit,
// each CJK character (Han, kana, Hangul) is one unit (CJK text has no spaces). Digits, punctuation and
// symbols are ignored.

import Foundation

/// Writing systems distinguished by the mixing measure.
public enum Script: String, Sendable, CaseIterable, Codable {
    /// Latin letters (scalars below U+0250).
    case latin
    /// Cyrillic (U+0400–U+04FF).
    case cyrillic
    /// Han, Hiragana/Katakana, Hangul syllables.
    case cjk
}

/// Script composition of one text.
public struct ScriptComposition: Sendable, Equatable {
    /// Units per script.
    public var units: [Script: Int]
    /// All units.
    public var total: Int { units.values.reduce(0, +) }

    /// Fraction of units in `script` (1 for a text without letters: nothing is mixed in).
    public func fraction(of script: Script) -> Double {
        total == 0 ? 1 : Double(units[script, default: 0]) / Double(total)
    }

    /// True if units of more than one script occur.
    public var isMixed: Bool { units.values.filter { $0 > 0 }.count > 1 }
}

/// Language-mixing helpers.
public enum LanguageMixing {
    /// The script composition of `text`.
    public static func composition(of text: String) -> ScriptComposition {
        var units: [Script: Int] = [:]
        var current: Script?
        for scalar in text.unicodeScalars {
            switch script(of: scalar) {
            case .cjk?:
                units[.cjk, default: 0] += 1
                current = nil
            case let s?:
                if current != s { units[s, default: 0] += 1 }
                current = s
            case nil:
                current = nil
            }
        }
        return ScriptComposition(units: units)
    }

    /// R1's language-consistency value: the fraction of units of `text` in the `target` script.
    public static func consistency(_ text: String, target: Script = .latin) -> Double {
        composition(of: text).fraction(of: target)
    }

    /// Fraction of texts that mix scripts (the "language mixing rate" of a step).
    public static func mixingRate(_ texts: [String]) -> Double {
        texts.isEmpty ? 0 : Double(texts.filter { composition(of: $0).isMixed }.count) / Double(texts.count)
    }

    static func script(of scalar: Unicode.Scalar) -> Script? {
        let v = scalar.value
        if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x3040...0x30FF).contains(v)
            || (0xAC00...0xD7AF).contains(v) {
            return .cjk
        }
        if (0x0400...0x04FF).contains(v) { return .cyrillic }
        if v < 0x0250 {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .latin
            default: return nil
            }
        }
        return nil
    }
}
