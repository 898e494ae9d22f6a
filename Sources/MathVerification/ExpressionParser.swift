// ExpressionParser: recursive-descent parser from normalised LaTeX / plain math to MathExpression.
// Supports + - * / \cdot \times \div, implicit multiplication, ^ (right-associative), \frac (also \frac12),
// \sqrt[n]{}, \binom, |x|, \lfloor/\lceil, n!, %, functions (sin cos tan cot sec csc arcsin arccos arctan
// sinh cosh tanh log ln exp, \log_b), subscripted symbols, π, e, i, ∞, and mixed numbers (2\frac{1}{2}).
// It is deliberately not a structure parser: tuples, sets, intervals and relations are split off first
// by AnswerValueParser.

/// Parses one mathematical expression into a `MathExpression`.
///
/// ```swift
/// let budget = WorkBudget(operationLimit: 10_000, timeLimitSeconds: 0.1)
/// let e = try ExpressionParser.parse("2\\sqrt{2}x + \\frac{1}{2}", budget: budget)
/// ```
public struct ExpressionParser {
    private var tokens: [MathToken]
    private var pos = 0
    private var depth = 0
    private var absDepth = 0
    private let budget: WorkBudget
    private let source: String
    private static let maxDepth = 150
    static let functionNames: Set<String> = ["sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
                                             "sinh", "cosh", "tanh", "log", "ln", "exp", "lg"]

    private init(tokens: [MathToken], budget: WorkBudget, source: String) {
        self.tokens = tokens
        self.budget = budget
        self.source = source
    }

    /// Parses a complete expression.
    /// - Parameters:
    ///   - text: a normalised answer (see `AnswerNormalizer`).
    ///   - budget: work budget charged per token and per nesting level.
    /// - Returns: the expression tree.
    /// - Throws: `MathVerificationError.parseFailure` for unsupported or malformed input,
    ///   `.budgetExceeded` when the budget runs out.
    public static func parse(_ text: String, budget: WorkBudget) throws(MathVerificationError) -> MathExpression {
        let tokens = try ExpressionTokenizer.tokenize(text, budget: budget)
        var parser = ExpressionParser(tokens: tokens, budget: budget, source: text)
        guard !tokens.isEmpty else { throw .parseFailure(input: text, position: 0, reason: "empty expression") }
        let e = try parser.parseAdditive()
        guard parser.pos == parser.tokens.count else {
            throw parser.failure("unexpected \(parser.describe(parser.tokens[parser.pos]))")
        }
        return e
    }

    // MARK: grammar

    private mutating func parseAdditive() throws(MathVerificationError) -> MathExpression {
        try enter()
        defer { depth -= 1 }
        var terms = [try parseTerm()]
        while let t = peek() {
            if t == .op("+") { pos += 1; terms.append(try parseTerm()) } else if t == .op("-") {
                pos += 1
                terms.append(.negated(try parseTerm()))
            } else { break }
        }
        return terms.count == 1 ? terms[0] : .sum(terms)
    }

    private mutating func parseTerm() throws(MathVerificationError) -> MathExpression {
        var factors = [try parseUnary()]
        // Mixed number: integer literal immediately followed by \frac{int}{int} means n + p/q (MATH convention).
        if case let .number(whole) = factors[0], whole.isInteger, peek() == .command("frac") {
            let save = pos
            let frac = try parsePower()
            if case let .product(parts) = frac, parts.count == 2, case let .number(p) = parts[0],
               case let .power(.number(q), .number(minusOne)) = parts[1], minusOne == Rational(-1), p.isInteger, q.isInteger, !p.isNegative {
                let f = p.divided(by: q) ?? .zero
                factors[0] = .number(whole.isNegative ? whole - f : whole + f)
            } else {
                pos = save
            }
        }
        while let t = peek() {
            try budget.spend(1, stage: "parse")
            switch t {
            case .op("*"), .command("cdot"), .command("times"):
                pos += 1
                factors.append(try parseUnary())
            case .op("/"), .command("div"), .command("over"):
                pos += 1
                factors.append(.reciprocal(try parseUnary()))
            default:
                if startsPrimary(t) { factors.append(try parsePower()) } else { return factors.count == 1 ? factors[0] : .product(factors) }
            }
        }
        return factors.count == 1 ? factors[0] : .product(factors)
    }

    private mutating func parseUnary() throws(MathVerificationError) -> MathExpression {
        try enter()
        defer { depth -= 1 }
        if peek() == .op("-") { pos += 1; return .negated(try parseUnary()) }
        if peek() == .op("+") { pos += 1; return try parseUnary() }
        return try parsePower()
    }

    private mutating func parsePower() throws(MathVerificationError) -> MathExpression {
        try enter()
        defer { depth -= 1 }
        let base = try parsePostfix()
        if peek() == .op("^") {
            pos += 1
            let exponent = try parseExponent()
            return try parsePostfixOperators(.power(base, exponent))
        }
        return base
    }

    private mutating func parseExponent() throws(MathVerificationError) -> MathExpression {
        try enter()
        defer { depth -= 1 }
        if peek() == .op("-") { pos += 1; return .negated(try parseExponent()) }
        let atom = try parsePostfix()
        if peek() == .op("^") {
            pos += 1
            return .power(atom, try parseExponent())
        }
        return atom
    }

    private mutating func parsePostfix() throws(MathVerificationError) -> MathExpression {
        try parsePostfixOperators(try parsePrimary())
    }

    private mutating func parsePostfixOperators(_ start: MathExpression) throws(MathVerificationError) -> MathExpression {
        var e = start
        while let t = peek() {
            switch t {
            case .op("!"):
                pos += 1
                e = .factorial(e)
            case .op("%"):
                pos += 1
                e = .product([e, .number(Rational(BigIntLiteral.one, BigIntLiteral.hundred))])
            case .op("_"):
                pos += 1
                let sub = try subscriptText()
                if case let .symbol(name) = e { e = .symbol(name + "_" + sub) }
            case .op("'"):
                pos += 1
                if case let .symbol(name) = e { e = .symbol(name + "'") }
            default:
                return e
            }
        }
        return e
    }

    private mutating func parsePrimary() throws(MathVerificationError) -> MathExpression {
        try budget.spend(1, stage: "parse")
        guard let t = next() else { throw failure("expression ends early") }
        switch t {
        case let .number(s):
            guard let r = Rational(decimal: s) else { throw failure("bad number \(s)") }
            return .number(r)
        case let .letter(c):
            if c == "e" { return .constant(.e) }
            if c == "i" { return .constant(.i) }
            return .symbol(String(c))
        case .op("("):
            let e = try parseAdditive()
            try expect(.op(")"))
            return e
        case .op("["):
            let e = try parseAdditive()
            try expect(.op("]"))
            return e
        case .op("{"):
            let e = try parseAdditive()
            try expect(.op("}"))
            return e
        case .op("|"), .command("|"):
            absDepth += 1
            let e = try parseAdditive()
            absDepth -= 1
            guard let close = next(), close == .op("|") || close == .command("|") else { throw failure("missing closing |") }
            return .function("abs", [e])
        case let .command(name):
            return try parseCommand(name)
        default:
            throw failure("unexpected \(describe(t))")
        }
    }

    private mutating func parseCommand(_ name: String) throws(MathVerificationError) -> MathExpression {
        switch name {
        case "frac", "dfrac", "tfrac", "cfrac":
            let num = try parseArgument()
            let den = try parseArgument()
            return .product([num, .reciprocal(den)])
        case "binom", "dbinom", "tbinom":
            let n = try parseArgument()
            let k = try parseArgument()
            return .function("binom", [n, k])
        case "sqrt":
            var index: MathExpression = .number(Rational(2))
            if peek() == .op("[") {
                pos += 1
                index = try parseAdditive()
                try expect(.op("]"))
            }
            let radicand = try parseArgument()
            return .power(radicand, .reciprocal(index))
        case "pi": return .constant(.pi)
        case "infty", "infin": return .constant(.infinity)
        case "lfloor", "lceil":
            let e = try parseAdditive()
            try expect(.command(name == "lfloor" ? "rfloor" : "rceil"))
            return .function(name == "lfloor" ? "floor" : "ceil", [e])
        case "exponentialE": return .constant(.e)
        default:
            if Self.functionNames.contains(name) { return try parseFunction(name) }
            throw failure("unsupported command \\\(name)")
        }
    }

    private mutating func parseFunction(_ name: String) throws(MathVerificationError) -> MathExpression {
        // \log without a base is base 10 (competition convention, and math-verify's reading); \ln is natural.
        var fname = name == "lg" || name == "log" ? "log10" : name
        var power: MathExpression?
        var base: MathExpression?
        for _ in 0..<2 {
            if peek() == .op("^") {
                pos += 1
                let p = try parseExponent()
                if p == .number(Rational(-1)), ["sin", "cos", "tan"].contains(fname) { fname = "arc" + fname } else { power = p }
            } else if peek() == .op("_"), fname == "log10" {
                pos += 1
                base = try parseArgument()
            }
        }
        let argument: MathExpression
        if peek() == .op("(") || peek() == .op("{") {
            argument = try parsePrimary()
        } else {
            // \sin 2x means sin(2x): an implicit product of power-level factors, stopping at operators.
            var factors = [try parsePower()]
            while let t = peek(), startsPrimary(t), !isFunctionCommand(t) { factors.append(try parsePower()) }
            argument = factors.count == 1 ? factors[0] : .product(factors)
        }
        var value: MathExpression = .function(fname, [argument])
        if let b = base { value = .product([.function("ln", [argument]), .reciprocal(.function("ln", [b]))]) }
        if let p = power { value = .power(value, p) }
        return value
    }

    /// A LaTeX macro argument: `{…}`, or a single token (`\frac12` → 1 and 2; `\sqrt2` → 2).
    private mutating func parseArgument() throws(MathVerificationError) -> MathExpression {
        guard let t = peek() else { throw failure("missing argument") }
        if t == .op("{") {
            pos += 1
            let e = try parseAdditive()
            try expect(.op("}"))
            return e
        }
        if case let .number(s) = t, s.count > 1 {
            // LaTeX reads one character: \frac12 = \frac{1}{2}.
            let first = String(s.prefix(1))
            tokens[pos] = .number(String(s.dropFirst()))
            guard let r = Rational(decimal: first) else { throw failure("bad digit") }
            if s.dropFirst().first == "." { throw failure("ambiguous macro argument \(s)") }
            return .number(r)
        }
        return try parsePrimary()
    }

    private mutating func subscriptText() throws(MathVerificationError) -> String {
        guard let t = next() else { throw failure("missing subscript") }
        switch t {
        case let .number(s): return s
        case let .letter(c): return String(c)
        case .op("{"):
            var parts = ""
            var level = 1
            while let u = next() {
                try budget.spend(1, stage: "parse")
                if u == .op("{") { level += 1 }
                if u == .op("}") { level -= 1; if level == 0 { return parts } }
                parts += describe(u)
            }
            throw failure("unclosed subscript")
        default:
            return describe(t)
        }
    }

    // MARK: helpers

    private func startsPrimary(_ t: MathToken) -> Bool {
        switch t {
        case .number, .letter: return true
        case .op("("), .op("{"): return true
        case .op("["): return true
        case .op("|"), .command("|"): return absDepth == 0
        case let .command(c):
            return ["frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "binom", "dbinom", "tbinom", "lfloor", "lceil"].contains(c)
                || Self.functionNames.contains(c)
        default: return false
        }
    }

    private func isFunctionCommand(_ t: MathToken) -> Bool {
        if case let .command(c) = t { return Self.functionNames.contains(c) }
        return false
    }

    private mutating func enter() throws(MathVerificationError) {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth)") }
        try budget.spend(1, stage: "parse")
    }

    private func peek() -> MathToken? { pos < tokens.count ? tokens[pos] : nil }

    private mutating func next() -> MathToken? {
        guard pos < tokens.count else { return nil }
        defer { pos += 1 }
        return tokens[pos]
    }

    private mutating func expect(_ t: MathToken) throws(MathVerificationError) {
        guard peek() == t else { throw failure("expected \(describe(t))") }
        pos += 1
    }

    private func failure(_ reason: String) -> MathVerificationError {
        .parseFailure(input: source, position: pos, reason: reason)
    }

    private func describe(_ t: MathToken) -> String {
        switch t {
        case let .number(s): return s
        case let .letter(c): return String(c)
        case let .command(c): return "\\" + c
        case let .op(c): return String(c)
        }
    }
}

import BigInt

enum BigIntLiteral {
    static let one = BigInt(1)
    static let hundred = BigInt(100)
}
