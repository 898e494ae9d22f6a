// LanguageConsistencyReward.swift — DeepSeek-R1's language-consistency reward (arXiv 2501.12948 §2.3.2):
// the proportion of words in the chain of thought that are in the target language.
// R1 does not publish its word classifier; this implementation classifies words by Unicode script.

/// A writing system, used as a proxy for the language of a word.
public enum Script: String, Sendable, Codable, CaseIterable {
    case latin, greek, cyrillic, armenian, hebrew, arabic, devanagari, thai
    /// Chinese characters.
    case han
    /// Hiragana and Katakana.
    case kana
    /// Korean Hangul.
    case hangul
    /// Letters of any other script.
    case other

    /// The script of a letter, by Unicode block.
    /// - Parameter s: a Unicode scalar that is a letter.
    /// - Returns: its script.
    public static func of(_ s: Unicode.Scalar) -> Script {
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A, 0xAA, 0xBA, 0xC0...0x24F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: return .greek
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return .cyrillic
        case 0x530...0x58F: return .armenian
        case 0x590...0x5FF: return .hebrew
        case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return .arabic
        case 0x900...0x97F: return .devanagari
        case 0xE00...0xE7F: return .thai
        case 0x2E80...0x2FDF, 0x3005, 0x3007, 0x3021...0x3029, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF:
            return .han
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return .kana
        case 0x1100...0x11FF, 0x3130...0x318F, 0xA960...0xA97F, 0xAC00...0xD7AF, 0xD7B0...0xD7FF, 0xFFA0...0xFFDC: return .hangul
        default: return .other
        }
    }

    /// Whether each letter is a word on its own (scripts written without spaces between words).
    public var isLogographic: Bool { self == .han || self == .kana || self == .thai }
}

/// The language a chain of thought should be written in, as a set of accepted scripts.
public struct TargetLanguage: Sendable, Equatable, Codable {
    /// Scripts whose words count as "in the target language".
    public var scripts: Set<Script>

    /// Creates a target from scripts.
    public init(scripts: Set<Script>) { self.scripts = scripts }

    /// Parses a language code ("en", "zh", "ja", "ko", "ru", …) or a script name ("latin", "cjk", "han", …).
    /// - Parameter name: the code or script name (case-insensitive).
    /// - Returns: the target, or nil if unknown.
    public init?(named name: String) {
        let n = name.lowercased()
        if let s = Script(rawValue: n), s != .other { scripts = [s]; return }
        switch n {
        case "cjk": scripts = [.han, .kana, .hangul]
        case "zh", "chinese": scripts = [.han]
        case "ja", "japanese": scripts = [.han, .kana]
        case "ko", "korean": scripts = [.hangul, .han]
        case "en", "english", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "tr", "vi", "id", "ro", "hu":
            scripts = [.latin]
        case "ru", "uk", "bg", "sr", "be", "kk": scripts = [.cyrillic]
        case "el", "greek": scripts = [.greek]
        case "ar", "fa", "ur": scripts = [.arabic]
        case "he": scripts = [.hebrew]
        case "hi", "mr", "ne": scripts = [.devanagari]
        case "th": scripts = [.thai]
        case "hy": scripts = [.armenian]
        default: return nil
        }
    }
}

/// R1 language-consistency reward: the share of chain-of-thought words written in the target script.
///
/// Words: a maximal run of letters (Unicode category L*, with combining marks M* continuing the word) of
/// one script; every Han/Kana/Thai letter is a word by itself (those scripts do not separate words with
/// spaces). Digits, punctuation, symbols and LaTeX commands' backslashes separate words; LaTeX command
/// names are Latin words, which is the usual case for math reasoning in English. Returns nil when the
/// completion has no closed `<think>` block (scope `.thinking`) or no words at all.
public struct LanguageConsistencyReward: RewardFunction {
    /// Which text is measured.
    public enum Scope: String, Sendable, Codable, CaseIterable {
        /// The `<think>` block (R1).
        case thinking
        /// The whole completion.
        case completion
    }

    public let name: String
    /// The target language.
    public let target: TargetLanguage
    /// Measured text.
    public let scope: Scope

    /// Creates the reward.
    /// - Parameters:
    ///   - target: target language (default English / Latin script).
    ///   - scope: measured text (default the `<think>` block).
    ///   - name: report name (default "language").
    public init(target: TargetLanguage = TargetLanguage(scripts: [.latin]), scope: Scope = .thinking, name: String = "language") {
        self.target = target
        self.scope = scope
        self.name = name
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        let text: String
        switch scope {
        case .thinking:
            guard let t = ThinkAnswer.thinking(in: completion.text) else { return nil }
            text = t
        case .completion:
            text = completion.text
        }
        let counts = Self.wordCounts(text)
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let inTarget = target.scripts.reduce(0) { $0 + (counts[$1] ?? 0) }
        return Double(inTarget) / Double(total)
    }

    /// Counts words per script.
    /// - Parameter text: the text.
    /// - Returns: number of words of each script present.
    public static func wordCounts(_ text: String) -> [Script: Int] {
        var counts: [Script: Int] = [:]
        var current: Script? = nil
        for s in text.unicodeScalars {
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                let script = Script.of(s)
                if script.isLogographic {
                    counts[script, default: 0] += 1
                    current = nil
                } else if script != current {
                    counts[script, default: 0] += 1
                    current = script
                }
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue  // combining marks continue the current word
            default:
                current = nil
            }
        }
        return counts
    }
}
