// MathExpression: the abstract syntax tree produced by ExpressionParser. Plain data; evaluation lives in
// CanonicalForm (exact) and NumericEvaluator (sampling).

/// A parsed mathematical expression.
public indirect enum MathExpression: Hashable, Sendable, CustomStringConvertible {
    /// An exact rational literal (integers, decimals, fractions of literals).
    case number(Rational)
    /// A free variable such as `x` or `a_1`.
    case symbol(String)
    /// A named constant.
    case constant(Constant)
    /// Sum of terms.
    case sum([MathExpression])
    /// Product of factors.
    case product([MathExpression])
    /// `base ^ exponent` (also roots: `\sqrt[n]{x}` is `x^(1/n)`, and division is `x^-1`).
    case power(MathExpression, MathExpression)
    /// A function application such as `sin`, `log`, `abs`, `floor`, `binom`.
    case function(String, [MathExpression])
    /// `n!`.
    case factorial(MathExpression)

    /// Named constants.
    public enum Constant: String, Hashable, Sendable {
        case pi, e, i, infinity
    }

    /// `-x` as `(-1)·x`.
    public static func negated(_ x: MathExpression) -> MathExpression {
        if case let .number(r) = x { return .number(-r) }
        return .product([.number(Rational(-1)), x])
    }

    /// `1/x` as `x^(-1)`.
    public static func reciprocal(_ x: MathExpression) -> MathExpression { .power(x, .number(Rational(-1))) }

    /// Whether a written `\\infty` occurs in the expression.
    public var containsInfinity: Bool {
        switch self {
        case .number, .symbol: return false
        case let .constant(c): return c == .infinity
        case let .sum(xs), let .product(xs), let .function(_, xs): return xs.contains { $0.containsInfinity }
        case let .power(a, b): return a.containsInfinity || b.containsInfinity
        case let .factorial(a): return a.containsInfinity
        }
    }

    /// Free symbols in the expression, sorted.
    public var freeSymbols: [String] {
        var set = Set<String>()
        collectSymbols(into: &set)
        return set.sorted()
    }

    private func collectSymbols(into set: inout Set<String>) {
        switch self {
        case .number, .constant: break
        case let .symbol(s): set.insert(s)
        case let .sum(xs), let .product(xs), let .function(_, xs): for x in xs { x.collectSymbols(into: &set) }
        case let .power(a, b): a.collectSymbols(into: &set); b.collectSymbols(into: &set)
        case let .factorial(a): a.collectSymbols(into: &set)
        }
    }

    /// A plain-text rendering for explanations and debugging (not LaTeX).
    public var description: String {
        switch self {
        case let .number(r): return r.description
        case let .symbol(s): return s
        case let .constant(c): return c.rawValue
        case let .sum(xs): return "(" + xs.map(\.description).joined(separator: " + ") + ")"
        case let .product(xs): return xs.map(\.description).joined(separator: "*")
        case let .power(a, b): return "(\(a))^(\(b))"
        case let .function(f, xs): return f + "(" + xs.map(\.description).joined(separator: ", ") + ")"
        case let .factorial(a): return "(\(a))!"
        }
    }
}
