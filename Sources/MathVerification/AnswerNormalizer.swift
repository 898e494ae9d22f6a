// AnswerNormalizer: string clean-up applied to an extracted answer before it is parsed. Each step is a
// separate function that cites the official normaliser it follows:
//  [MATH]    Hendrycks et al. 2021, `_strip_string` in math_equivalence.py
//            https://github.com/hendrycks/math/blob/main/modeling/math_equivalence.py
//  [Minerva] Lewkowycz et al. 2022, appendix D.1 `normalize_final_answer` (SUBSTITUTIONS / REMOVED_EXPRESSIONS)
//            https://arxiv.org/abs/2206.14858
//  [MV]      huggingface/Math-Verify v0.9.0 latex2sympy2_extended `normalize_latex` (units, \text, percent)
// It is deliberately not a parser: structure (fractions, sqrt without braces, a/b) is left to ExpressionParser.

/// Normalises extracted answers (LaTeX or plain text) into a canonical string.
///
/// ```swift
/// AnswerNormalizer.normalize("$x = \\dfrac{1}{2}\\,\\text{cm}.$")   // "\\frac{1}{2}"
/// ```
public enum AnswerNormalizer {
    /// Runs every step in order.
    /// - Parameter answer: an extracted answer.
    /// - Returns: the normalised string (may be empty).
    public static func normalize(_ answer: String) -> String {
        var s = answer
        s = replaceUnicode(s)
        s = stripMathDelimiters(s)
        s = removeDollarSigns(s)
        s = removeSpacingCommands(s)
        s = removeLeftRight(s)
        s = unifyFractionCommands(s)
        s = removeDegrees(s)
        s = stripTrailingPunctuation(s)
        s = removeTrailingUnits(s)
        s = unwrapTextCommands(s)
        s = replaceWords(s)
        s = removeThousandsSeparators(s)
        s = stripTrailingPunctuation(s)
        s = stripEquationPrefix(s)
        s = normalizeMultipleChoice(s)
        s = fixLeadingDecimalPoint(s)
        s = collapseWhitespace(s)
        return s
    }

    /// Unicode minus/dashes → "-", × → \times, ÷ → \div, π → \pi, ∞ → \infty, √ → \sqrt, ≤/≥/≠, ° → ^\circ,
    /// non-breaking and thin spaces → " ". [Minerva] (their outputs are ASCII LaTeX).
    public static func replaceUnicode(_ s: String) -> String {
        if s.isASCIIOnly { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "−", "–", "—", "‐": out.append("-")
            case "×", "⋅", "·": out += "\\times "
            case "÷": out += "\\div "
            case "π": out += "\\pi "
            case "∞": out += "\\infty "
            case "√": out += "\\sqrt"
            case "≤": out += "\\le "
            case "≥": out += "\\ge "
            case "≠": out += "\\ne "
            case "°": out += "^\\circ"
            case "\u{00A0}", "\u{2009}", "\u{202F}", "\u{2002}", "\u{2003}": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }

    /// Removes one pair of surrounding `$…$`, `$$…$$`, `\(…\)`, `\[…\]`. [MATH] removes "$"; [MV] strips environments.
    public static func stripMathDelimiters(_ s: String) -> String {
        var t = s.trimmingWhitespace()
        for (open, close) in [("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            if t.count >= open.count + close.count, t.hasPrefix(open), t.hasSuffix(close) {
                t = String(t.dropFirst(open.count).dropLast(close.count)).trimmingWhitespace()
                break
            }
        }
        return t
    }

    /// Removes `\$` and stray `$`. [MATH] `string.replace("\\$", "")`.
    public static func removeDollarSigns(_ s: String) -> String {
        s.utf8Replacing("\\$", with: "").utf8Replacing("$", with: "")
    }

    /// `\!` removed; `\,` `\;` `\:` `\ ` `~` `\quad` `\qquad` `\displaystyle` become spaces. [MATH] removes "\\!";
    /// [Minerva] removes spacing commands.
    public static func removeSpacingCommands(_ s: String) -> String {
        // "11,\! 111" is a thousands separator in MATH answers, not a list.
        // Protect the matrix row separator "\\\\" so that "\\\\ 2" is not read as "\\" + "\\ ".
        let rowMark = "\u{1}"
        var t = s.utf8Replacing("\\\\", with: rowMark)
        t = t.utf8Replacing(",\\! ", with: ",").utf8Replacing(",\\!", with: ",")
        t = t.utf8Replacing("\\!", with: "")
        for cmd in ["\\qquad", "\\quad", "\\displaystyle", "\\,", "\\;", "\\:", "\\ ", "~"] {
            t = t.utf8Replacing(cmd, with: " ")
        }
        return t.utf8Replacing(rowMark, with: "\\\\")
    }

    /// Removes `\left` and `\right` before a delimiter (keeps `\rightarrow`). [MATH] `replace("\\left", "")`.
    public static func removeLeftRight(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while s.utf8Contains("\\left") || s.utf8Contains("\\right"), let r = rest.range(of: "\\left") ?? rest.range(of: "\\right") {
            let after = rest[r.upperBound...]
            out += rest[..<r.lowerBound]
            if let next = after.first, next.isLetter {
                out += rest[r]
            }
            rest = after
        }
        out += rest
        // \right also appears without \left match handled above; "\bigl(" style sizing too:
        for cmd in ["\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big"] {
            out = out.utf8Replacing(cmd, with: "")
        }
        return out
    }

    /// `\dfrac`, `\tfrac`, `\cfrac` → `\frac`. [MATH] `replace("tfrac", "frac").replace("dfrac", "frac")`.
    public static func unifyFractionCommands(_ s: String) -> String {
        s.utf8Replacing("\\dfrac", with: "\\frac")
            .utf8Replacing("\\tfrac", with: "\\frac")
            .utf8Replacing("\\cfrac", with: "\\frac")
    }

    /// Removes degree marks `^\circ`, `^{\circ}`, `\circ`, `\degree`. [MATH] removes "^{\\circ}" and "^\\circ".
    public static func removeDegrees(_ s: String) -> String {
        var t = s
        for mark in ["^{\\circ}", "^\\circ", "^ {\\circ}", "^ \\circ", "\\degree", "\\circ"] {
            t = t.utf8Replacing(mark, with: "")
        }
        return t
    }

    /// Removes a trailing unit: `\text{…}`/`\mbox{…}`/`\mathrm{…}` after a value, or plain unit words after
    /// a number ("18 dollars"). [MATH] `_remove_right_units`; [Minerva] removes unit words.
    public static func removeTrailingUnits(_ s: String) -> String {
        var t = s.trimmingWhitespace()
        // "5\\text{ cm}^2": the exponent belongs to the unit.
        for power in ["^2", "^3", "^{2}", "^{3}"] where t.hasSuffix("}" + power) && (t.contains("\\text") || t.contains("\\mbox") || t.contains("\\mathrm")) {
            let candidate = removeTrailingUnits(String(t.dropLast(power.count)))
            if candidate != String(t.dropLast(power.count)) { return candidate }
        }
        for cmd in ["\\text", "\\mbox", "\\mathrm", "\\textbf"] {
            guard t.utf8Contains(cmd), let r = t.range(of: cmd + "{", options: .backwards) ?? t.range(of: cmd + " {", options: .backwards) else { continue }
            let chars = Array(t)
            let openOffset = t.distance(from: t.startIndex, to: r.upperBound) - 1
            guard let close = AnswerExtractor.matchingBrace(chars, open: openOffset), close == chars.count - 1 else { continue }
            let before = String(t[..<r.lowerBound]).trimmingWhitespace()
            let content = String(chars[(openOffset + 1)..<close]).trimmingWhitespace()
            // Only a unit if a value precedes it and the content is a word, not "(A)" or a number.
            if !before.isEmpty, before.last.map({ $0.isASCIIDigit || $0 == "}" || $0 == ")" }) == true,
               content.first?.isLetter == true, content.allSatisfy({ $0.isLetter || $0 == " " || $0 == "^" || $0 == "2" || $0 == "3" || $0 == "/" || $0 == "." }) {
                t = before
            }
            break
        }
        // Known unit words after any value: "\frac{270}7 degrees", "5 cm^2" ([Minerva] unit list, abridged).
        let lowered = t.last?.isLetter == true && t.utf8Contains(" ") ? t.lowercased() : ""
        for unit in Self.unitWords where !lowered.isEmpty {
            for spelled in [" " + unit, "\\ " + unit] where lowered.hasSuffix(spelled) {
                let head = String(t.dropLast(spelled.count)).trimmingWhitespace()
                if let last = head.last, last.isASCIIDigit || last == "}" || last == ")" { t = head }
            }
        }
        // Plain unit words after a number: "18 dollars", "5 cm^2".
        let chars = Array(t)
        var k = 0
        if k < chars.count, chars[k] == "-" { k += 1 }
        let numStart = k
        while k < chars.count, chars[k].isASCIIDigit || chars[k] == "." || chars[k] == "," { k += 1 }
        if k > numStart, k < chars.count, chars[k] == " " {
            let tail = chars[k...]
            if tail.allSatisfy({ $0.isLetter || $0 == " " || $0 == "^" || $0 == "2" || $0 == "3" || $0 == "." }),
               tail.contains(where: \.isLetter), tail.filter(\.isLetter).count >= 2 {
                t = String(chars[..<k])
            }
        }
        return t
    }

    /// Unit words removed after a value ([Minerva] `normalize_final_answer` list, abridged).
    static let unitWords = ["degrees", "degree", "dollars", "dollar", "cents", "cm^2", "cm^3", "cm", "meters", "meter", "m^2", "km",
                            "inches", "inch", "feet", "foot", "ft", "units", "unit", "square units", "sq units", "hours", "hour",
                            "minutes", "minute", "seconds", "second", "miles", "mile", "mph", "pounds", "ounces", "students",
                            "people", "days", "years", "cups", "gallons", "liters", "grams", "kg", "points", "ways", "percent"]

    /// `\text{X}`, `\textbf{X}`, `\mathrm{X}`, `\mbox{X}`, `\mathbf{X}`, `\operatorname{X}` → `X`. [Minerva]
    /// `re.sub(r"\\text\{(.*?)\}", r"\1", ...)`.
    public static func unwrapTextCommands(_ s: String) -> String {
        var t = s
        for cmd in ["\\textbf", "\\textit", "\\text", "\\mbox", "\\mathrm", "\\mathbf", "\\mathit", "\\operatorname"] {
            while t.utf8Contains(cmd + "{"), let r = t.range(of: cmd + "{") {
                let chars = Array(t)
                let open = t.distance(from: t.startIndex, to: r.upperBound) - 1
                guard let close = AnswerExtractor.matchingBrace(chars, open: open) else { break }
                let startOffset = t.distance(from: t.startIndex, to: r.lowerBound)
                let isFunction = cmd == "\\operatorname"
                let inner = String(chars[(open + 1)..<close])
                t = String(chars[..<startOffset]) + (isFunction ? "\\" + inner : inner) + String(chars[(close + 1)...])
            }
        }
        return t
    }

    /// Words for infinity and "and"/"or" lists: "infinity" → `\infty`, "1 and 2" → "1, 2". [MV]
    public static func replaceWords(_ s: String) -> String {
        var t = s
        for (w, r) in [(" and ", ", "), (" or ", ", "), ("infinity", "\\infty"), ("\\inf ", "\\infty "), ("\\varpi", "\\pi")] {
            t = t.utf8Replacing(w, with: r)
        }
        if t.hasSuffix("\\inf") { t += "ty" }
        return t
    }

    /// `1,000,000` → `1000000` (whole answer only, or after `\$`); `{,}` → `,` first. [Minerva]
    /// `re.sub(r"(\d),(\d\d\d)($|\D)", ...)` restricted to unambiguous groups of three.
    public static func removeThousandsSeparators(_ s: String) -> String {
        let t = s.utf8Replacing("{,}", with: ",").trimmingWhitespace()
        let chars = Array(t)
        var k = 0
        if k < chars.count, chars[k] == "-" { k += 1 }
        var groups: [Int] = []
        var run = 0
        var sawComma = false
        while k < chars.count, chars[k].isASCIIDigit || chars[k] == "," {
            if chars[k] == "," { groups.append(run); run = 0; sawComma = true } else { run += 1 }
            k += 1
        }
        groups.append(run)
        guard sawComma, groups.count >= 2, (1...3).contains(groups[0]), groups.dropFirst().allSatisfy({ $0 == 3 }) else { return t }
        let restOK = k == chars.count || chars[k] == "." || chars[k] == " " || chars[k] == "%" || chars[k] == "\\"
        guard restOK else { return t }
        return String(t.prefix(k)).utf8Replacing(",", with: "") + t.dropFirst(k)
    }

    /// Trailing ".", ",", ";", "\\." and whitespace removed. [Minerva] `final_answer.strip(".")`-style clean-up.
    public static func stripTrailingPunctuation(_ s: String) -> String {
        var t = s.trimmingWhitespace()
        while let last = t.last, last == "." || last == "," || last == ";" || last == "\\" {
            t.removeLast()
            t = t.trimmingWhitespace()
        }
        return t
    }

    /// `x = 5` → `5` when the left side is a short variable name (≤ 2 characters or `x_1`-style) and there is
    /// exactly one "=". [MATH] `if len(string.split("=")[0]) <= 2: string = string.split("=")[1]`, restricted to
    /// right sides without variables: "a = b" and "y = 2x + 3" stay equations (Equivalence compares an equation
    /// whose left side is a lone symbol with a bare value).
    public static func stripEquationPrefix(_ s: String) -> String {
        let parts = s.split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return s }
        let lhs = parts[0].trimmingWhitespace()
        let isShortName = !lhs.isEmpty && lhs.count <= 2 && lhs.first!.isLetter && lhs.allSatisfy { $0.isLetter || $0.isNumber }
        let isSubscripted = lhs.count <= 6 && lhs.first?.isLetter == true && lhs.contains("_") && !lhs.contains(" ")
        // "f(x) = x^2" names a function: the right side is the answer even though it has variables.
        let isFunctionName = lhs.count <= 8 && lhs.first?.isLetter == true && lhs.dropFirst().first == "(" && lhs.hasSuffix(")")
            && lhs.allSatisfy { $0.isLetter || $0 == "(" || $0 == ")" || $0 == "," || $0 == " " }
        if isFunctionName, !parts[1].trimmingWhitespace().isEmpty { return parts[1].trimmingWhitespace() }
        guard isShortName || isSubscripted, !parts[1].trimmingWhitespace().isEmpty, !hasVariableLetters(String(parts[1])) else { return s }
        return parts[1].trimmingWhitespace()
    }

    /// Whether `s` has a letter outside a backslash command (`\\frac`, `\\pi` do not count).
    static func hasVariableLetters(_ s: String) -> Bool {
        var inCommand = false
        for c in s {
            if c == "\\" { inCommand = true; continue }
            if c.isLetter {
                if !inCommand { return true }
            } else {
                inCommand = false
            }
        }
        return false
    }

    /// Multiple choice: `(A)`, `A)`, `(a)`, `\textbf{(C)}` → `A`…`E` upper-case. [MV] compares choice letters case-insensitively.
    public static func normalizeMultipleChoice(_ s: String) -> String {
        var t = s.trimmingWhitespace()
        if t.hasPrefix("("), t.hasSuffix(")"), t.count == 3 { t = String(t.dropFirst().dropLast()) } else if t.hasSuffix(")"), t.count == 2 { t = String(t.dropLast()) }
        if t.count == 1, let c = t.first, ("A"..."E").contains(c) || ("a"..."e").contains(c), s.contains("(") || s.contains(")") || c.isUppercase {
            return c.uppercased()
        }
        return s
    }

    /// ".5" → "0.5" and " .5" → " 0.5". [MATH] `_strip_string`: "0." prefix fix.
    public static func fixLeadingDecimalPoint(_ s: String) -> String {
        var t = s
        if t.hasPrefix(".") { t = "0" + t }
        if t.hasPrefix("-.") { t = "-0" + t.dropFirst() }
        return t.utf8Replacing(" .", with: " 0.").utf8Replacing("{.", with: "{0.")
    }

    /// Runs of whitespace → one space; trimmed.
    public static func collapseWhitespace(_ s: String) -> String {
        var out = ""
        var lastSpace = false
        for c in s {
            if c.isWhitespace {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(c)
                lastSpace = false
            }
        }
        return out.trimmingWhitespace()
    }

    /// Removes a trailing percent sign (`\%` or `%`). [MATH] `replace("\\%", "")`; the caller records that one was present
    /// so that `50\%` matches both `50` and `0.5`, as math-verify does.
    /// - Returns: the string without the sign and whether one was removed.
    public static func stripPercent(_ s: String) -> (text: String, hadPercent: Bool) {
        var t = s.trimmingWhitespace()
        var had = false
        if t.hasSuffix("\\%") { t.removeLast(2); had = true } else if t.hasSuffix("%") { t.removeLast(); had = true }
        if had { t = t.trimmingWhitespace() }
        if t.contains("%") { t = t.utf8Replacing("\\%", with: "").utf8Replacing("%", with: "") }
        return (t, had)
    }
}
