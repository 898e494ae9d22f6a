// AnswerValue: the structured reading of a normalised answer (expression, tuple, set, interval, union,
// equation, inequality, matrix or text), produced by AnswerValueParser and compared by Equivalence.

/// A structured final answer.
public indirect enum AnswerValue: Hashable, Sendable {
    /// A single expression.
    case expression(MathExpression)
    /// An ordered tuple / point `(a, b, …)`.
    case tuple([AnswerValue])
    /// An unordered collection: `\{a, b\}`, a bare list `a, b`, or the two values of `a \pm b`.
    case set([AnswerValue])
    /// An interval with its end points and whether each end is closed.
    case interval(lower: MathExpression, upper: MathExpression, lowerClosed: Bool, upperClosed: Bool)
    /// A union of intervals (`\cup`).
    case union([AnswerValue])
    /// `lhs = rhs`.
    case equation(MathExpression, MathExpression)
    /// `lhs < rhs` / `lhs ≤ rhs`, stored with `<` direction (`a > b` becomes `b < a`).
    case inequality(MathExpression, MathExpression, strict: Bool)
    /// A matrix or vector, row-major.
    case matrix([[MathExpression]])
    /// Text that is not mathematics (names, words, choice letters), compared case-insensitively.
    case text(String)

    /// A short name of the structure kind, for explanations.
    public var kind: String {
        switch self {
        case .expression: return "expression"
        case .tuple: return "tuple"
        case .set: return "set"
        case .interval: return "interval"
        case .union: return "union"
        case .equation: return "equation"
        case .inequality: return "inequality"
        case .matrix: return "matrix"
        case .text: return "text"
        }
    }
}
