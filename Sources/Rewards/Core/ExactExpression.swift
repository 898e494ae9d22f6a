// ExactExpression.swift — parser and exact (rational) evaluator for + − × ÷ integer expressions.
// Used by the countdown verifier and the arithmetic task; no floating point, overflow is an error.

/// A rational number with Int numerator/denominator (denominator > 0, reduced). Operations report
/// overflow instead of trapping.
public struct ExactRational: Sendable, Equatable, CustomStringConvertible {
    /// Numerator.
    public let numerator: Int
    /// Denominator (> 0).
    public let denominator: Int

    /// Creates n/d reduced; nil when d == 0 or on overflow.
    public init?(_ n: Int, _ d: Int = 1) {
        guard d != 0, n != .min, d != .min else { return nil }
        var g = Self.gcd(abs(n), abs(d))
        if g == 0 { g = 1 }
        let sign = d < 0 ? -1 : 1
        numerator = sign * n / g
        denominator = sign * d / g
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    private static func mul(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? nil : r
    }
    private static func add(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.addingReportingOverflow(b); return o ? nil : r
    }

    /// a + b, nil on overflow.
    public func adding(_ o: ExactRational) -> ExactRational? {
        guard let x = Self.mul(numerator, o.denominator), let y = Self.mul(o.numerator, denominator),
              let n = Self.add(x, y), let d = Self.mul(denominator, o.denominator) else { return nil }
        return ExactRational(n, d)
    }
    /// a − b, nil on overflow.
    public func subtracting(_ o: ExactRational) -> ExactRational? {
        guard let neg = ExactRational(-o.numerator, o.denominator) else { return nil }
        return adding(neg)
    }
    /// a × b, nil on overflow.
    public func multiplying(_ o: ExactRational) -> ExactRational? {
        guard let n = Self.mul(numerator, o.numerator), let d = Self.mul(denominator, o.denominator) else { return nil }
        return ExactRational(n, d)
    }
    /// a ÷ b, nil on division by zero or overflow.
    public func dividing(_ o: ExactRational) -> ExactRational? {
        guard o.numerator != 0, let n = Self.mul(numerator, o.denominator), let d = Self.mul(denominator, o.numerator) else { return nil }
        return ExactRational(n, d)
    }

    /// The integer value when the denominator is 1.
    public var integerValue: Int? { denominator == 1 ? numerator : nil }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}

/// A parsed expression of non-negative integer literals, `+ - * /` (also `×`, `÷`, `−`), unary ±, parentheses.
public struct ExactExpression: Sendable, Equatable {
    /// Why parsing or evaluating failed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case emptyExpression
        case unexpectedCharacter(Character, position: Int)
        case unexpectedEnd
        case unbalancedParenthesis(position: Int)
        case trailingInput(position: Int)
        case divisionByZero
        case overflow
        case tooDeep

        public var description: String {
            switch self {
            case .emptyExpression: return "empty expression"
            case .unexpectedCharacter(let c, let p): return "unexpected character '\(c)' at position \(p)"
            case .unexpectedEnd: return "expression ends too early"
            case .unbalancedParenthesis(let p): return "unbalanced parenthesis at position \(p)"
            case .trailingInput(let p): return "unexpected input at position \(p)"
            case .divisionByZero: return "division by zero"
            case .overflow: return "number too large"
            case .tooDeep: return "expression nested too deeply"
            }
        }
    }

    /// The integer literals in order of appearance.
    public let literals: [Int]
    /// The exact value.
    public let value: ExactRational

    /// Parses and evaluates `source`.
    /// - Parameter source: the expression text.
    /// - Throws: `ExactExpression.Failure`.
    public init(_ source: String) throws {
        var p = Parser(chars: Array(source))
        p.skipSpaces()
        guard p.pos < p.chars.count else { throw Failure.emptyExpression }
        let v = try p.parseSum(depth: 0)
        p.skipSpaces()
        if p.pos < p.chars.count {
            if p.chars[p.pos] == ")" { throw Failure.unbalancedParenthesis(position: p.pos) }
            throw Failure.trailingInput(position: p.pos)
        }
        value = v
        literals = p.literals
    }

    private struct Parser {
        let chars: [Character]
        var pos = 0
        var literals: [Int] = []

        mutating func skipSpaces() { while pos < chars.count && chars[pos].isWhitespace { pos += 1 } }

        func peek() -> Character? { pos < chars.count ? chars[pos] : nil }

        mutating func parseSum(depth: Int) throws -> ExactRational {
            var v = try parseProduct(depth: depth)
            while true {
                skipSpaces()
                guard let c = peek(), c == "+" || c == "-" || c == "−" else { return v }
                pos += 1
                let r = try parseProduct(depth: depth)
                guard let n = (c == "+" ? v.adding(r) : v.subtracting(r)) else { throw Failure.overflow }
                v = n
            }
        }

        mutating func parseProduct(depth: Int) throws -> ExactRational {
            var v = try parseUnary(depth: depth)
            while true {
                skipSpaces()
                guard let c = peek(), c == "*" || c == "/" || c == "×" || c == "÷" else { return v }
                pos += 1
                let r = try parseUnary(depth: depth)
                if c == "*" || c == "×" {
                    guard let n = v.multiplying(r) else { throw Failure.overflow }
                    v = n
                } else {
                    guard r.numerator != 0 else { throw Failure.divisionByZero }
                    guard let n = v.dividing(r) else { throw Failure.overflow }
                    v = n
                }
            }
        }

        mutating func parseUnary(depth: Int) throws -> ExactRational {
            guard depth < 200 else { throw Failure.tooDeep }
            skipSpaces()
            guard let c = peek() else { throw Failure.unexpectedEnd }
            if c == "+" { pos += 1; return try parseUnary(depth: depth + 1) }
            if c == "-" || c == "−" {
                pos += 1
                let v = try parseUnary(depth: depth + 1)
                guard let n = ExactRational(0)?.subtracting(v) else { throw Failure.overflow }
                return n
            }
            if c == "(" {
                let open = pos
                pos += 1
                let v = try parseSum(depth: depth + 1)
                skipSpaces()
                guard peek() == ")" else { throw Failure.unbalancedParenthesis(position: open) }
                pos += 1
                return v
            }
            if let d = c.wholeNumberValue, c.isASCII {
                var n = d
                pos += 1
                while let c2 = peek(), c2.isASCII, let d2 = c2.wholeNumberValue {
                    let (m, o1) = n.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d2)
                    guard !o1 && !o2 else { throw Failure.overflow }
                    n = s
                    pos += 1
                }
                literals.append(n)
                return ExactRational(n)!
            }
            throw Failure.unexpectedCharacter(c, position: pos)
        }
    }
}
