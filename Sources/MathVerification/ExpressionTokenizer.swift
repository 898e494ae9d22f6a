// ExpressionTokenizer: splits a normalised LaTeX / plain-math string into tokens for ExpressionParser.
// Multi-letter plain words that name functions or constants ("sin", "sqrt", "pi") become commands;
// any other letter run is a product of single-letter symbols, as in LaTeX math mode.

/// One lexical token of a math expression.
enum MathToken: Equatable, Sendable {
    case number(String)
    case letter(Character)
    case command(String)
    case op(Character)
}

enum ExpressionTokenizer {
    /// Plain-text words recognised as commands (longest first so that "arcsin" wins over "sin").
    static let words = ["arcsin", "arccos", "arctan", "sqrt", "sinh", "cosh", "tanh", "sin", "cos", "tan", "cot", "sec",
                        "csc", "log", "exp", "ln", "pi"]

    static func tokenize(_ text: String, budget: WorkBudget) throws(MathVerificationError) -> [MathToken] {
        let chars = Array(text)
        var tokens: [MathToken] = []
        var i = 0
        let n = chars.count
        while i < n {
            try budget.spend(1, stage: "tokenize")
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isASCIIDigit || (c == "." && i + 1 < n && chars[i + 1].isASCIIDigit) {
                var j = i
                var sawDot = false
                while j < n, chars[j].isASCIIDigit || (chars[j] == "." && !sawDot && j + 1 < n && chars[j + 1].isASCIIDigit) {
                    if chars[j] == "." { sawDot = true }
                    j += 1
                }
                // Scientific notation "1.5e-3" / "2E5" (only directly after a literal, followed by digits).
                if j < n, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < n, chars[k] == "-" || chars[k] == "+" { k += 1 }
                    let digitsStart = k
                    while k < n, chars[k].isASCIIDigit { k += 1 }
                    if k > digitsStart, k == n || !chars[k].isLetter { j = k }
                }
                tokens.append(.number(String(chars[i..<j])))
                i = j
                continue
            }
            if c == "\\" {
                guard i + 1 < n else { i += 1; continue }
                let d = chars[i + 1]
                if d.isLetter {
                    var j = i + 1
                    while j < n, chars[j].isLetter { j += 1 }
                    tokens.append(.command(String(chars[(i + 1)..<j])))
                    i = j
                } else {
                    switch d {
                    case "%": tokens.append(.op("%"))
                    case "\\": tokens.append(.command("\\"))
                    default: tokens.append(.command(String(d)))
                    }
                    i += 2
                }
                continue
            }
            if c.isLetter {
                var j = i
                while j < n, chars[j].isLetter { j += 1 }
                let run = chars[i..<j]
                var k = run.startIndex
                while k < run.endIndex {
                    var matched = false
                    for w in words where run.count - (k - run.startIndex) >= w.count {
                        if String(run[k..<(k + w.count)]) == w {
                            tokens.append(.command(w))
                            k += w.count
                            matched = true
                            break
                        }
                    }
                    if !matched {
                        tokens.append(.letter(run[k]))
                        k += 1
                    }
                }
                i = j
                continue
            }
            if c == "'" { tokens.append(.op("'")); i += 1; continue }
            tokens.append(.op(c))
            i += 1
        }
        return tokens
    }
}
