// AnswerExtractor: finds the final answer in a completion or gold string. Each rule is a separate static
// function, tested separately; `extract(from:)` tries the configured rules in order.
// Rule order for completions follows math-verify's priorities (boxed first, then "final answer is",
// then the last LaTeX block, then plain expressions): https://github.com/huggingface/Math-Verify
// (src/math_verify/parser.py, v0.9.0). The "####" rule follows GSM8K's reference format
// (https://github.com/openai/grade-school-math, dataset.py `extract_answer`).

/// Extracts final answers from texts with an ordered list of `ExtractionRule`s.
///
/// ```swift
/// let x = AnswerExtractor.completion.extract(from: "so \\boxed{\\frac{1}{2}}.")
/// // x?.text == "\\frac{1}{2}", x?.rule == .boxed
/// ```
public struct AnswerExtractor: Sendable, Equatable, Codable {
    /// Rules tried in order; the first that finds something wins.
    public var rules: [ExtractionRule]

    /// Creates an extractor with the given rule order.
    public init(rules: [ExtractionRule]) { self.rules = rules }

    /// Rules for model completions: answer tag (R1 format; a box inside it wins), boxed, ####, answer phrase,
    /// last LaTeX block, last number. The tag comes first so that a `\boxed{}` inside `<think>` does not
    /// override the declared answer.
    public static let completion = AnswerExtractor(rules: [.answerTag, .boxed, .gsm8kHashes, .answerPhrase, .lastLatex, .lastNumber])
    /// Rules for gold answers: #### (GSM8K), boxed (MATH solutions), otherwise the whole string.
    public static let gold = AnswerExtractor(rules: [.gsm8kHashes, .boxed, .answerTag, .wholeString])

    /// Applies the rules in order.
    /// - Parameter text: a completion or gold string.
    /// - Returns: the first non-empty extraction, or `nil` when no rule fires.
    public func extract(from text: String) -> ExtractedAnswer? {
        for rule in rules {
            // A final box that is empty or unclosed ("\boxed{}", "\boxed{3" from a truncated completion) is a
            // malformed answer, not a reason to fall back to the last number (math-verify also rejects these).
            if rule == .boxed || rule == .lastBoxed, Self.hasBoxCommand(text), Self.lastBoxed(in: text)?.trimmingWhitespace().isEmpty ?? true { return nil }
            if let found = Self.apply(rule, to: text) {
                let trimmed = found.trimmingWhitespace()
                if !trimmed.isEmpty { return ExtractedAnswer(text: trimmed, rule: rule) }
            }
        }
        return nil
    }

    /// Applies one rule.
    /// - Returns: the rule's raw match, or `nil`.
    public static func apply(_ rule: ExtractionRule, to text: String) -> String? {
        switch rule {
        case .boxed:
            guard let boxes = allBoxed(in: text) else { return nil }
            if boxes.count > 1, lastBoxIsAnnounced(in: text) { return boxes.last }
            return joinedBoxes(boxes)
        case .lastBoxed: return lastBoxed(in: text)
        case .answerTag: return answerTag(in: text)
        case .gsm8kHashes: return gsm8kHashes(in: text)
        case .answerPhrase: return answerPhrase(in: text)
        case .lastLatex: return lastLatexBlock(in: text)
        case .lastNumber: return lastNumber(in: text)
        case .wholeString: return text
        }
    }

    /// Whether the text contains a `\boxed` or `\fbox` command at all.
    public static func hasBoxCommand(_ text: String) -> Bool { text.utf8Contains("\\boxed") || text.utf8Contains("\\fbox") }

    /// Contents of every complete box, in order.
    /// - Returns: the contents (possibly empty array), or `nil` when the last box is unclosed.
    public static func allBoxed(in text: String) -> [String]? {
        let starts = boxCommandOffsets(in: text)
        guard !starts.isEmpty else { return [] }
        let bytes = Array(text.utf8)
        var found: [String] = []
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : bytes.count
            let segment = String(decoding: bytes[start..<end], as: UTF8.self)
            if let content = lastBoxed(in: segment) {
                found.append(content)
            } else if k + 1 == starts.count {
                return nil
            }
        }
        return found
    }

    /// Byte offsets of every `\boxed` / `\fbox` command, ascending.
    static func boxCommandOffsets(in text: String) -> [Int] {
        (text.utf8Occurrences(of: "\\boxed") + text.utf8Occurrences(of: "\\fbox")).sorted()
    }

    /// Whether the last box is singled out as the answer: it sits inside a math block (`$\boxed{4}$`,
    /// `\[\boxed{4}\]`) or directly follows "answer:". Then it alone is the answer even if other boxes precede
    /// it; otherwise several boxes are joined (both as math-verify 0.9.0 behaves).
    static func lastBoxIsAnnounced(in text: String) -> Bool {
        let candidates = [text.range(of: "\\boxed", options: .backwards), text.range(of: "\\fbox", options: .backwards)].compactMap { $0 }
        guard let last = candidates.max(by: { $0.lowerBound < $1.lowerBound }) else { return false }
        var before = Substring(text[..<last.lowerBound])
        while let c = before.last, c == " " || c == "\n" { before = before.dropLast() }
        if before.last == "$" || before.hasSuffix("\\(") || before.hasSuffix("\\[") { return true }
        while let c = before.last, c == " " || c == "*" { before = before.dropLast() }
        return before.lowercased().hasSuffix("answer:")
    }

    /// Joins distinct box contents with ", " (one box: its content).
    static func joinedBoxes(_ boxes: [String]) -> String? {
        var distinct: [String] = []
        for b in boxes {
            let t = b.trimmingWhitespace()
            if !distinct.contains(t) { distinct.append(t) }
        }
        return distinct.isEmpty ? nil : distinct.joined(separator: ", ")
    }

    /// Content of the last `\boxed{…}` or `\fbox{…}` (balanced nested braces), or of `\boxed 5`.
    /// - Returns: the content, or `nil` if there is no box or the last box is unclosed.
    public static func lastBoxed(in text: String) -> String? {
        // Only the last command matters: scan from it (byte search), not the whole completion.
        guard let lastStart = boxCommandOffsets(in: text).last else { return nil }
        let suffix = String(decoding: Array(text.utf8)[lastStart...], as: UTF8.self)
        let chars = Array(suffix)
        var best: String?
        var i = 0
        let n = chars.count
        while i < n {
            guard chars[i] == "\\" else { i += 1; continue }
            var cmdLen = 0
            if matches(chars, at: i + 1, "boxed") { cmdLen = 6 } else if matches(chars, at: i + 1, "fbox") { cmdLen = 5 }
            guard cmdLen > 0 else { i += 1; continue }
            var j = i + cmdLen
            if j < n, chars[j].isLetter { i = j; continue }  // e.g. \boxedfoo
            if j < n, chars[j] == "{" {
                if let close = matchingBrace(chars, open: j) {
                    best = String(chars[(j + 1)..<close])
                    i = close + 1
                    continue
                }
                return nil  // the last box is unclosed: nothing after it can close it
            }
            while j < n, chars[j] == " " { j += 1 }
            var k = j
            while k < n, !chars[k].isWhitespace, chars[k] != "$" { k += 1 }
            if k > j { best = String(chars[j..<k]) }
            i = max(k, i + 1)
        }
        if let b = best, b.hasSuffix("."), !b.contains("{") { return String(b.dropLast()) }
        return best
    }

    /// Content of the last `<answer>…</answer>`; a `\boxed{}` inside it is unwrapped.
    public static func answerTag(in text: String) -> String? {
        guard text.utf8Contains("<answer>"), let open = text.range(of: "<answer>", options: .backwards) else { return nil }
        let rest = text[open.upperBound...]
        guard let close = rest.range(of: "</answer>") else { return nil }
        let inner = String(rest[..<close.lowerBound])
        return lastBoxed(in: inner) ?? inner
    }

    /// Text after the last `####` up to the end of its line (GSM8K reference answers).
    public static func gsm8kHashes(in text: String) -> String? {
        guard text.utf8Contains("####"), let r = text.range(of: "####", options: .backwards) else { return nil }
        let line = text[r.upperBound...].prefix { $0 != "\n" }
        return String(line).trimmingWhitespace()
    }

    /// The answer after the last "the answer is", "final answer is", "final answer:" or "answer:"
    /// (case-insensitive): a following `$…$` block, otherwise the rest of the sentence.
    public static func answerPhrase(in text: String) -> String? {
        var bestStart: String.Index?
        for phrase in ["the answer is", "final answer is", "final answer:", "answer is:", "answer:"] {
            if let idx = text.utf8LastEnd(ofCaseInsensitive: phrase), bestStart == nil || idx > bestStart! { bestStart = idx }
        }
        guard let start = bestStart else { return nil }
        var rest = Substring(text[start...])
        rest = rest.drop { $0 == " " || $0 == ":" || $0 == "*" || $0 == "\n" }
        if let block = leadingLatexBlock(rest) { return block }
        var out = ""
        var prev: Character = " "
        for (k, c) in zip(rest.indices, rest) {
            if c == "\n" { break }
            if c == ".", prev != "\\" {
                let next = rest.index(after: k)
                if next == rest.endIndex || rest[next] == " " || rest[next] == "\n" { break }
            }
            out.append(c)
            prev = c
        }
        // Markdown emphasis around the answer ("**Answer: 18**") is not part of it.
        var trimmed = Substring(out.trimmingWhitespace())
        while let l = trimmed.last, l == "*" || l == "_" { trimmed = trimmed.dropLast() }
        let answer = trimmed.trimmingWhitespace()
        return answer.isEmpty ? nil : answer
    }

    /// Content of the last `$…$`, `$$…$$`, `\(…\)` or `\[…\]` block (escaped `\$` is not a delimiter).
    public static func lastLatexBlock(in text: String) -> String? {
        let chars = Array(text)
        var blocks: [(Int, String)] = []
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            if c == "\\", i + 1 < n, chars[i + 1] == "(" || chars[i + 1] == "[" {
                let closer: Character = chars[i + 1] == "(" ? ")" : "]"
                var j = i + 2
                while j + 1 < n, !(chars[j] == "\\" && chars[j + 1] == closer) { j += 1 }
                if j + 1 < n { blocks.append((i, String(chars[(i + 2)..<j]))); i = j + 2; continue }
                i += 2; continue
            }
            if c == "\\" { i += 2; continue }
            if c == "$" {
                let double = i + 1 < n && chars[i + 1] == "$"
                let start = i + (double ? 2 : 1)
                var j = start
                while j < n {
                    if chars[j] == "\\" { j += 2; continue }
                    if chars[j] == "$" { break }
                    j += 1
                }
                if j < n {
                    blocks.append((i, String(chars[start..<min(j, n)])))
                    i = j + (double ? 2 : 1)
                    continue
                }
                i = n
                continue
            }
            i += 1
        }
        return blocks.last(where: { !$0.1.trimmingWhitespace().isEmpty })?.1
    }

    /// The last number: optional sign, digits with `,` thousands groups, decimals, or `a/b`.
    public static func lastNumber(in text: String) -> String? {
        let chars = Array(text)
        var i = chars.count - 1
        while i >= 0 {
            if chars[i].isASCIIDigit {
                var end = i + 1
                var start = i
                while start > 0, chars[start - 1].isASCIIDigit || chars[start - 1] == "." ||
                    (chars[start - 1] == "," && start >= 2 && chars[start - 2].isASCIIDigit) ||
                    (chars[start - 1] == "/" && start >= 2 && chars[start - 2].isASCIIDigit) { start -= 1 }
                if start > 0, chars[start - 1] == "-" || chars[start - 1] == "−" { start -= 1 }
                while end < chars.count, chars[end] == "%" { end += 1 }
                var s = String(chars[start..<end])
                while let last = s.last, last == "." || last == "," { s.removeLast() }
                return s
            }
            i -= 1
        }
        return nil
    }

    // MARK: helpers

    private static func matches(_ chars: [Character], at i: Int, _ word: String) -> Bool {
        var k = i
        for c in word {
            guard k < chars.count, chars[k] == c else { return false }
            k += 1
        }
        return true
    }

    /// Index of the `}` matching the `{` at `open`, honouring `\{`/`\}` escapes; nil if unbalanced.
    static func matchingBrace(_ chars: [Character], open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < chars.count {
            let c = chars[i]
            if c == "\\" { i += 2; continue }
            if c == "{" { depth += 1 } else if c == "}" {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    private static func leadingLatexBlock(_ s: Substring) -> String? {
        if s.hasPrefix("$") || s.hasPrefix("\\(") || s.hasPrefix("\\[") {
            return lastLatexBlock(in: String(firstBlockPrefix(s)))
        }
        if s.hasPrefix("\\boxed") || s.hasPrefix("\\fbox") { return lastBoxed(in: String(s)) }
        return nil
    }

    private static func firstBlockPrefix(_ s: Substring) -> Substring {
        // Cut after the first complete block so that later blocks do not win.
        let chars = Array(s)
        if chars.first == "$" {
            let double = chars.count > 1 && chars[1] == "$"
            var j = double ? 2 : 1
            while j < chars.count {
                if chars[j] == "\\" { j += 2; continue }
                if chars[j] == "$" { return s.prefix(j + (double ? 2 : 1)) }
                j += 1
            }
            return s
        }
        let closer = chars.count > 1 && chars[1] == "(" ? "\\)" : "\\]"
        if let r = s.range(of: closer) { return s[..<r.upperBound] }
        return s
    }
}

extension String {
    func trimmingWhitespace() -> String { Substring(self).trimmingWhitespace() }
}

extension Substring {
    func trimmingWhitespace() -> String {
        // Fast path: first and last bytes are printable ASCII, so nothing to trim.
        if let f = utf8.first, let l = utf8.last, f > 32, f < 127, l > 32, l < 127 { return String(self) }
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
