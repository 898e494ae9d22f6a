// AnswerValueParser: reads the structure of a normalised answer (matrix, union, set, interval, tuple,
// ± pair, comma list, equation, inequality) and hands each component to ExpressionParser. What does not
// parse as mathematics becomes `.text`. Bracket conventions follow math-verify v0.9.0: "(a, b)" is a
// point that also matches the open interval, "[a, b)" is an interval, a bare "a, b" is a set.

/// Parses normalised answers into `AnswerValue`s.
public enum AnswerValueParser {
    /// Parses `text` (already normalised).
    /// - Parameters:
    ///   - text: normalised answer.
    ///   - budget: work budget.
    /// - Returns: the structured value; `.text` when it is not mathematics.
    /// - Throws: `MathVerificationError.budgetExceeded` only.
    public static func parse(_ text: String, budget: WorkBudget) throws(MathVerificationError) -> AnswerValue {
        try budget.spend(1, stage: "structure")
        let s = text.trimmingWhitespace()
        if s.isEmpty { return .text("") }
        if let m = try matrix(s, budget: budget) { return m }
        let unionParts = splitTopLevel(s, on: ["\\cup"])
        if unionParts.count > 1 {
            var items: [AnswerValue] = []
            for p in unionParts { items.append(try parse(p, budget: budget)) }
            return .union(items)
        }
        if s.hasPrefix("\\{"), s.hasSuffix("\\}"), enclosing(s, openLength: 2, closeLength: 2) {
            let inner = String(s.dropFirst(2).dropLast(2))
            var items: [AnswerValue] = []
            for p in splitTopLevel(inner, on: [","]) where !p.trimmingWhitespace().isEmpty { items.append(try parse(p, budget: budget)) }
            return .set(items)
        }
        if let first = s.first, let last = s.last, "([".contains(first), ")]".contains(last), enclosing(s, openLength: 1, closeLength: 1) {
            let inner = String(s.dropFirst().dropLast())
            let parts = splitTopLevel(inner, on: [","])
            if parts.count == 2, first == "[" || last == "]" || inner.contains("\\infty") {
                if let lo = try expression(parts[0], budget: budget), let hi = try expression(parts[1], budget: budget) {
                    return .interval(lower: lo, upper: hi, lowerClosed: first == "[", upperClosed: last == "]")
                }
            }
            if parts.count >= 2 {
                var items: [AnswerValue] = []
                for p in parts { items.append(try parse(p, budget: budget)) }
                return .tuple(items)
            }
        }
        let commaParts = splitTopLevel(s, on: [","])
        if commaParts.count > 1 {
            var items: [AnswerValue] = []
            for p in commaParts where !p.trimmingWhitespace().isEmpty { items.append(try parse(p, budget: budget)) }
            return items.count == 1 ? items[0] : .set(items)
        }
        for (pm, signs) in [("\\pm", ("+", "-")), ("\\mp", ("-", "+"))] {
            let parts = splitTopLevel(s, on: [pm])
            if parts.count == 2 {
                let a = try parse(parts[0] + signs.0 + "(" + parts[1] + ")", budget: budget)
                let b = try parse(parts[0] + signs.1 + "(" + parts[1] + ")", budget: budget)
                return .set([a, b])
            }
        }
        let ratio = splitTopLevel(s, on: [":"])
        if ratio.count == 2, let a = try expression(ratio[0], budget: budget), let b = try expression(ratio[1], budget: budget) {
            // A ratio "3:4" is the number 3/4 (math-verify reads it the same way).
            return .expression(.product([a, .reciprocal(b)]))
        }
        let inParts = splitTopLevel(s, on: ["\\in"])
        if inParts.count == 2 { return try parse(inParts[1], budget: budget) }
        let eq = splitTopLevel(s, on: ["="])
        if eq.count >= 2 {
            if let l = try expression(eq[0], budget: budget), let r = try expression(eq[eq.count - 1], budget: budget) { return .equation(l, r) }
            return .text(s)
        }
        if let chain = try inequalityChain(s, budget: budget) { return chain }
        for (ops, strict, flipped) in [(["\\leq", "\\leqslant", "\\le"], false, false), (["\\geq", "\\geqslant", "\\ge"], false, true),
                                       (["<", "\\lt"], true, false), ([">", "\\gt"], true, true)] {
            let parts = splitTopLevel(s, on: ops)
            if parts.count == 2 {
                if let l = try expression(parts[0], budget: budget), let r = try expression(parts[1], budget: budget) {
                    return flipped ? .inequality(r, l, strict: strict) : .inequality(l, r, strict: strict)
                }
                return .text(s)
            }
        }
        if isWord(s) { return .text(s) }
        if let e = try expression(s, budget: budget) { return .expression(e) }
        return .text(s)
    }

    /// `a < x \le b` (or with `>`/`\ge`, all pointing the same way) as the interval between a and b.
    static func inequalityChain(_ s: String, budget: WorkBudget) throws(MathVerificationError) -> AnswerValue? {
        for (ops, flipped) in [(["\\leqslant", "\\leq", "\\le", "<", "\\lt"], false), (["\\geqslant", "\\geq", "\\ge", ">", "\\gt"], true)] {
            let (parts, used) = splitTopLevelWithSeparators(s, on: ops)
            guard parts.count == 3 else { continue }
            guard let a = try expression(parts[0], budget: budget), let b = try expression(parts[2], budget: budget),
                  case .symbol = try expression(parts[1], budget: budget) else { return nil }
            let closed = used.map { $0.hasPrefix("\\le") || $0.hasPrefix("\\ge") }
            return flipped ? .interval(lower: b, upper: a, lowerClosed: closed[1], upperClosed: closed[0])
                           : .interval(lower: a, upper: b, lowerClosed: closed[0], upperClosed: closed[1])
        }
        return nil
    }

    /// Parses an expression; nil on a parse failure (budget errors propagate).
    static func expression(_ s: String, budget: WorkBudget) throws(MathVerificationError) -> MathExpression? {
        do {
            return try ExpressionParser.parse(s, budget: budget)
        } catch {
            if case .budgetExceeded = error { throw error }
            return nil
        }
    }

    /// A run of four or more letters with spaces ("Evelyn", "no solution") is a word, not a product of symbols.
    static func isWord(_ s: String) -> Bool {
        let letters = s.filter(\.isLetter).count
        return letters >= 4 && s.allSatisfy { $0.isLetter || $0 == " " || $0 == "'" || $0 == "-" } && !s.contains("\\")
            && !ExpressionTokenizer.words.contains(where: { s.hasPrefix($0) })
    }

    static func matrix(_ s: String, budget: WorkBudget) throws(MathVerificationError) -> AnswerValue? {
        guard s.hasPrefix("\\begin{"), let close = s.firstIndex(of: "}") else { return nil }
        let env = s[s.index(s.startIndex, offsetBy: 7)..<close]
        guard env.hasSuffix("matrix") || env == "array" else { return nil }
        let endTag = "\\end{\(env)}"
        guard s.hasSuffix(endTag) else { return nil }
        var body = String(s[s.index(after: close)..<s.index(s.endIndex, offsetBy: -endTag.count)])
        if env == "array", body.hasPrefix("{"), let c = body.firstIndex(of: "}") { body = String(body[body.index(after: c)...]) }
        var rows: [[MathExpression]] = []
        for rowText in body.components(separatedBy: "\\\\") where !rowText.trimmingWhitespace().isEmpty {
            var row: [MathExpression] = []
            for cell in rowText.components(separatedBy: "&") {
                guard let e = try expression(cell, budget: budget) else { return .text(s) }
                row.append(e)
            }
            rows.append(row)
        }
        guard !rows.isEmpty, rows.allSatisfy({ $0.count == rows[0].count }) else { return .text(s) }
        return .matrix(rows)
    }

    /// Whether the first opening bracket's match is the last character.
    static func enclosing(_ s: String, openLength: Int, closeLength: Int) -> Bool {
        let chars = Array(s)
        var depth = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "{" || chars[i + 1] == "}" {
                depth += chars[i + 1] == "{" ? 1 : -1
                i += 2
            } else {
                if "([{".contains(c) { depth += 1 } else if ")]}".contains(c) { depth -= 1 }
                i += 1
            }
            if depth == 0 { return i == chars.count }
        }
        return false
    }

    private static func hasPrefix(_ chars: [Character], at i: Int, _ sep: [Character]) -> Bool {
        for k in 0..<sep.count where chars[i + k] != sep[k] { return false }
        return true
    }

    /// Splits at separators that are outside every bracket (`()`, `[]`, `{}`, `\{\}`).
    /// A command separator ("\\le") only matches when not followed by another letter.
    static func splitTopLevel(_ s: String, on separators: [String]) -> [String] {
        splitTopLevelWithSeparators(s, on: separators).parts
    }

    /// `splitTopLevel` that also returns which separator was found at each split.
    static func splitTopLevelWithSeparators(_ s: String, on separators: [String]) -> (parts: [String], separators: [String]) {
        // Fast exit (byte scan) when no separator occurs at all: the common case.
        guard separators.contains(where: { s.utf8Contains($0) }) else { return ([s.trimmingWhitespace()], []) }
        let chars = Array(s)
        var used: [String] = []
        var parts: [String] = []
        var current = ""
        var depth = 0
        var i = 0
        let seps = separators.map { Array($0) }.sorted { $0.count > $1.count }
        outer: while i < chars.count {
            let c = chars[i]
            if depth == 0 {
                for sep in seps where sep[0] == c && i + sep.count <= chars.count && hasPrefix(chars, at: i, sep) {
                    let endsWord = sep.first == "\\" && sep.last!.isLetter && i + sep.count < chars.count && chars[i + sep.count].isLetter
                    if endsWord { continue }
                    parts.append(current)
                    used.append(String(sep))
                    current = ""
                    i += sep.count
                    continue outer
                }
            }
            if c == "\\", i + 1 < chars.count {
                let d = chars[i + 1]
                if d == "{" { depth += 1 } else if d == "}" { depth -= 1 }
                current.append(c)
                current.append(d)
                i += 2
                continue
            }
            switch c {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: break
            }
            current.append(c)
            i += 1
        }
        parts.append(current)
        return (parts.map { $0.trimmingWhitespace() }, used)
    }
}
