// FormatReward.swift — R1 format rewards: strict (open-r1 `format`) and soft (`<think>…</think><answer>…</answer>`).
// Follows huggingface/open-r1 src/open_r1/rewards.py `format_reward` (read at commit 0056faa6).
// Implemented as a byte scan, not a regex engine; equivalence with Python `re` is checked by the fixture
// written by Scripts/fixtures/rewards_reference.py.

/// Which format the reward demands.
public enum FormatStrictness: String, Sendable, Codable, CaseIterable {
    /// `^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$` (DOTALL): the whole completion, newlines exactly.
    /// `$` has Python's default meaning (end of text or just before a final `\n`). open-r1 also passes
    /// `re.MULTILINE`, which additionally accepts arbitrary lines after `</answer>\n`; we do not.
    case strict
    /// `<think>.*?</think>\s*<answer>.*?</answer>` (DOTALL) matched at the start of the completion
    /// (`re.match`); anything may follow the closing `</answer>`. `\s` is ASCII whitespace.
    case soft
}

/// 1.0 when the completion has the R1 `<think>`/`<answer>` layout, else 0.0. Applies to every sample.
///
/// ```swift
/// try FormatReward(.strict).score(Completion("<think>\nr\n</think>\n<answer>\n4\n</answer>"), for: ex) // 1.0
/// ```
public struct FormatReward: RewardFunction {
    /// Strict or soft.
    public let strictness: FormatStrictness
    public let name: String

    /// Creates a format reward.
    /// - Parameters:
    ///   - strictness: `.strict` (registry name "format") or `.soft` ("format_soft").
    ///   - name: report name; defaults to the registry name.
    public init(_ strictness: FormatStrictness = .strict, name: String? = nil) {
        self.strictness = strictness
        self.name = name ?? (strictness == .strict ? "format" : "format_soft")
    }

    public func score(_ completion: Completion, for example: RewardExample) throws -> Double? {
        let ok: Bool
        switch strictness {
        case .strict: ok = Self.matchesStrict(completion.text)
        case .soft: ok = Self.matchesSoft(completion.text)
        }
        return ok ? 1 : 0
    }

    static let strictPrefix = Array("<think>\n".utf8)
    static let strictSuffix = Array("\n</answer>".utf8)
    static let strictSeparator = Array("\n</think>\n<answer>\n".utf8)

    /// Whether `text` matches the strict pattern. The pattern is `P A S B Q` with fixed P, S, Q and
    /// arbitrary A, B, so it matches iff the text starts with P, ends with Q (optionally + "\n"), and S
    /// occurs in between.
    /// - Parameter text: completion text.
    /// - Returns: true on a match.
    public static func matchesStrict(_ text: String) -> Bool {
        TextScan.withBytes(text) { b in
            var end = b.count
            func endsWithSuffix(_ e: Int) -> Bool {
                e - strictSuffix.count >= 0 && TextScan.hasPrefix(strictSuffix, in: b, at: e - strictSuffix.count)
            }
            guard TextScan.hasPrefix(strictPrefix, in: b) else { return false }
            let candidates: [Int] = (end > 0 && b[end - 1] == 0x0A) ? [end, end - 1] : [end]
            for e in candidates where endsWithSuffix(e) {
                end = e - strictSuffix.count
                if TextScan.find(strictSeparator, in: b, from: strictPrefix.count, before: end) != nil { return true }
            }
            return false
        }
    }

    /// Whether `text` matches the soft pattern at its start.
    /// - Parameter text: completion text.
    /// - Returns: true on a match.
    public static func matchesSoft(_ text: String) -> Bool {
        TextScan.withBytes(text) { b in
            guard TextScan.hasPrefix(ThinkAnswer.thinkOpen, in: b) else { return false }
            var from = ThinkAnswer.thinkOpen.count
            // The first `</think>` followed by whitespace and `<answer>`; a later one would only leave less
            // room for `</answer>`.
            while let close = TextScan.find(ThinkAnswer.thinkClose, in: b, from: from) {
                var k = close + ThinkAnswer.thinkClose.count
                while k < b.count && TextScan.isASCIIWhitespace(b[k]) { k += 1 }
                if TextScan.hasPrefix(ThinkAnswer.answerOpen, in: b, at: k) {
                    return TextScan.find(ThinkAnswer.answerClose, in: b, from: k + ThinkAnswer.answerOpen.count) != nil
                }
                from = close + 1
            }
            return false
        }
    }
}
