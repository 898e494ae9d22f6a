// MajorityVote: cons@k — the answer most of a problem's k samples agree on, where "agree" means
// mathematically equivalent under MathVerifier (so "0.5", "1/2" and "\frac{1}{2}" are one vote), not equal strings.

import MathVerification

/// A set of samples whose final answers are mutually equivalent to the group's representative.
public struct AnswerGroup: Sendable, Equatable, Codable {
    /// The answer of the group's first member (as extracted, not normalised).
    public var representative: String
    /// Sample indices in the group, ascending; the first is the representative's sample.
    public var members: [Int]

    /// Creates a group.
    /// - Parameters:
    ///   - representative: the first member's answer.
    ///   - members: the member sample indices.
    public init(representative: String, members: [Int]) {
        self.representative = representative
        self.members = members
    }
}

/// Majority voting over the final answers of a problem's samples.
///
/// Grouping: samples are visited in index order; a sample joins the first existing group whose
/// representative is equivalent to its answer (`MathVerifier.verify(gold: representative, prediction: answer)`),
/// otherwise it starts a new group. Samples without an extractable answer do not vote.
///
/// Ties: the winner is the largest group; among groups of equal size, the one whose first member has the
/// smallest sample index (the answer that appeared first) wins. The result therefore depends only on the
/// ordered answers, never on hashing or thread timing.
///
/// ```swift
/// let vote = MajorityVote()
/// let winner = vote.winner(["0.5", "\\frac{1}{2}", "3", nil])   // group ["0.5", members 0 and 1]
/// ```
public struct MajorityVote: Sendable {
    /// Extracts final answers from completions (the verifier's prediction rules).
    public let extractor: AnswerExtractor
    /// Compares two bare answers (both sides read as whole strings).
    private let comparer: MathVerifier

    /// Creates a vote.
    /// - Parameter verifier: supplies the extraction rules for completions and the equivalence settings
    ///   (tolerances, budgets). Default: `MathVerifier()`.
    public init(verifier: MathVerifier = MathVerifier()) {
        extractor = AnswerExtractor(rules: verifier.configuration.predictionRules)
        var bare = verifier.configuration
        bare.goldRules = [.wholeString]
        bare.predictionRules = [.wholeString]
        comparer = (try? MathVerifier(configuration: bare)) ?? MathVerifier()
    }

    /// The final answer of a completion, as the accuracy reward would extract it.
    /// - Parameter completion: the model's text.
    /// - Returns: the answer text, or nil when no rule finds one (or it is blank).
    public func answer(in completion: String) -> String? {
        guard let text = extractor.extract(from: completion)?.text else { return nil }
        return text.allSatisfy(\.isWhitespace) ? nil : text
    }

    /// Whether two bare answers are mathematically equivalent.
    /// - Parameters:
    ///   - a: an answer (plays the gold's role).
    ///   - b: another answer.
    /// - Returns: the verifier's verdict.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        a == b || comparer.verify(gold: a, prediction: b).isEquivalent
    }

    /// Groups answers by equivalence (see the type summary).
    /// - Parameter answers: one entry per sample, nil for samples without an answer.
    /// - Returns: the groups in order of their first member.
    public func groups(_ answers: [String?]) -> [AnswerGroup] {
        var groups: [AnswerGroup] = []
        for (index, answer) in answers.enumerated() {
            guard let answer else { continue }
            if let g = groups.firstIndex(where: { equivalent($0.representative, answer) }) {
                groups[g].members.append(index)
            } else {
                groups.append(AnswerGroup(representative: answer, members: [index]))
            }
        }
        return groups
    }

    /// The majority group: the largest, ties going to the group that appeared first.
    /// - Parameter answers: one entry per sample, nil for samples without an answer.
    /// - Returns: the winning group, or nil when no sample has an answer.
    public func winner(_ answers: [String?]) -> AnswerGroup? {
        var best: AnswerGroup?
        for group in groups(answers) where group.members.count > (best?.members.count ?? 0) {
            best = group   // strictly larger only: an equal-sized later group never displaces an earlier one
        }
        return best
    }
}
