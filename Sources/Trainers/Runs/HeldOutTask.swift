// HeldOutTask: splits a generated task (arithmetic, countdown) into disjoint training and held-out
// problems by a hash of the problem text, so a GRPO run can be evaluated on problems it never trains on —
// also when the problem space is tiny (single-digit multiplication has 100 problems). A problem is held
// out when FNV-1a-64(salt, prompt) maps below `fraction`; the rule depends on the problem only, never on
// seeds or positions.
//
// Training split: draw `count` examples from the wrapped task's training stream and replace each held-out
// draw by a re-draw from a derived seed, so the non-held-out prompts of a run keep the positions they
// had without the split. Test split: distinct held-out problems (duplicates skipped), in the order a
// seeded stream first meets them; when the held-out space is smaller than `count`, all of it (the search
// stops after 16,384 draws that bring nothing new).
import Rewards

/// A generated task restricted to training problems (split `.train`) or to held-out problems (`.test`).
///
/// ```swift
/// let task = try HeldOutTask(base: ArithmeticTask(difficulty: .init(digits: 1, operandCount: 2, operations: [.multiply])),
///                            fraction: 0.3)
/// let eval = try task.examples(split: .test, count: 30, seed: 0)   // ≈ 30 distinct held-out products
/// let train = try task.examples(split: .train, count: 1, seed: 7)  // never one of them
/// ```
public struct HeldOutTask: VerifiableTask {
    /// The wrapped generated task.
    public let base: any VerifiableTask
    /// Fraction of the problem space held out, in (0, 1).
    public let fraction: Double
    /// Salt of the hash (another salt gives another split).
    public let salt: UInt64

    public var name: String { base.name }
    public var reward: any RewardFunction { base.reward }

    /// Draw attempts (per requested example) before giving up on finding a problem of the wanted side.
    static let attemptsPerExample = 4096

    /// Creates the split.
    /// - Parameters:
    ///   - base: a generated task (its `examples` must accept any count and seed).
    ///   - fraction: share of problems held out, `0 < fraction < 1`.
    ///   - salt: hash salt (default 0).
    /// - Throws: `RewardsError.invalidTaskRequest` for a fraction outside (0, 1).
    public init(base: any VerifiableTask, fraction: Double, salt: UInt64 = 0) throws {
        guard fraction > 0, fraction < 1 else {
            throw RewardsError.invalidTaskRequest(task: base.name, reason: "held-out fraction \(fraction); use a value in (0, 1), e.g. 0.25")
        }
        self.base = base
        self.fraction = fraction
        self.salt = salt
    }

    /// Whether a problem belongs to the held-out side (a pure function of its prompt text and the salt).
    /// - Parameter example: the problem.
    /// - Returns: true for a held-out problem.
    public func isHeldOut(_ example: RewardExample) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ salt
        for byte in example.prompt.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        // Final avalanche so nearby prompts spread over the whole range.
        hash = PromptSource.mix(hash, 0, 0x4E1D)
        return Double(hash >> 11) / Double(1 << 53) < fraction
    }

    public func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        guard let count, count >= 0 else {
            throw RewardsError.invalidTaskRequest(task: name, reason: "a generated task needs a non-negative count")
        }
        return split == .train ? try training(count: count, seed: seed) : try heldOut(count: count, seed: seed)
    }

    /// `count` training problems: the base stream's draws with held-out ones re-drawn.
    func training(count: Int, seed: UInt64) throws -> [RewardExample] {
        var out = try base.examples(split: .train, count: count, seed: seed)
        for i in out.indices where isHeldOut(out[i]) {
            var attempt: UInt64 = 1
            repeat {
                guard attempt <= UInt64(Self.attemptsPerExample) else {
                    throw RewardsError.invalidTaskRequest(task: name, reason: "no training problem found outside the held-out "
                                                          + "fraction \(fraction); lower run.eval_holdout")
                }
                guard let redraw = try base.examples(split: .train, count: 1, seed: PromptSource.mix(seed, UInt64(i) << 20 | attempt, 0x7A1D)).first else {
                    throw RewardsError.invalidTaskRequest(task: name, reason: "the generator returned no example")
                }
                out[i] = redraw
                attempt += 1
            } while isHeldOut(out[i])
        }
        return out
    }

    /// Up to `count` distinct held-out problems.
    func heldOut(count: Int, seed: UInt64) throws -> [RewardExample] {
        var out: [RewardExample] = []
        var seen = Set<String>()
        let chunk = 256
        let rounds = max(1, (count * Self.attemptsPerExample) / chunk)
        var round = 0, roundsWithoutNew = 0
        // Stop early once 64 rounds (16,384 draws) meet no new held-out problem: the space is exhausted.
        while out.count < count && round < rounds && roundsWithoutNew < 64 {
            let before = out.count
            let draws = try base.examples(split: .test, count: chunk, seed: PromptSource.mix(seed, UInt64(round), 0x4E1D_0075))
            for example in draws where out.count < count && isHeldOut(example) && seen.insert(example.prompt).inserted {
                var copy = example
                copy.id = "\(name)/heldout/\(out.count)"
                out.append(copy)
            }
            round += 1
            roundsWithoutNew = out.count == before ? roundsWithoutNew + 1 : 0
        }
        if out.isEmpty && count > 0 {
            throw RewardsError.invalidTaskRequest(task: name, reason: "no held-out problem found; raise run.eval_holdout")
        }
        return out
    }

    public func prompt(for example: RewardExample) -> String { base.prompt(for: example) }

    public func referenceCompletion(for example: RewardExample) -> String? { base.referenceCompletion(for: example) }
}
