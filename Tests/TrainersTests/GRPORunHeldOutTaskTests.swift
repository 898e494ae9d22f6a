// HeldOutTask: training and held-out problems are disjoint, the held-out set is distinct and complete for a
// tiny problem space, the split is deterministic, and training draws that are not held out keep their place.
import Testing
import Rewards
@testable import Trainers

@Suite struct GRPORunHeldOutTaskTests {
    /// Single-digit multiplication: "What is a * b?" for a, b in 0…9 — 100 problems.
    func multiplication() throws -> ArithmeticTask {
        try ArithmeticTask(difficulty: .init(digits: 1, operandCount: 2, operations: [.multiply]))
    }

    /// Every problem of the space, enumerated independently of the generator.
    let space: Set<String> = Set((0...9).flatMap { a in (0...9).map { b in "What is \(a) * \(b)?" } })

    @Test func trainingAndHeldOutProblemsAreDisjointAndCoverTheSpace() throws {
        let task = try HeldOutTask(base: try multiplication(), fraction: 0.3)
        let heldOut = try task.examples(split: .test, count: 1000, seed: 0)
        let heldOutPrompts = Set(heldOut.map(\.prompt))
        #expect(heldOutPrompts.count == heldOut.count, "held-out problems are distinct")
        #expect(heldOutPrompts.isSubset(of: space))
        // The whole held-out side of the space, counted by the rule over the enumeration.
        let expected = space.filter { task.isHeldOut(RewardExample(prompt: $0, kind: .math)) }
        #expect(heldOutPrompts == expected, "asking for more than exist returns all of them")
        #expect((15...45).contains(expected.count), "about 30 % of 100 problems: \(expected.count)")
        var trained = Set<String>()
        for seed in 0..<2000 as Range<UInt64> {
            for example in try task.examples(split: .train, count: 1, seed: seed) { trained.insert(example.prompt) }
        }
        #expect(trained.isDisjoint(with: heldOutPrompts))
        #expect(trained == space.subtracting(expected), "training reaches every other problem")
        for example in heldOut { #expect(try task.reward.score(Completion("The answer is \(example.goldAnswer!)"), for: example) == 1) }
    }

    @Test func theSplitIsDeterministicAndSaltDependent() throws {
        let a = try HeldOutTask(base: try multiplication(), fraction: 0.3)
        let b = try HeldOutTask(base: try multiplication(), fraction: 0.3, salt: 99)
        #expect(try a.examples(split: .test, count: 10, seed: 3) == a.examples(split: .test, count: 10, seed: 3))
        #expect(try a.examples(split: .train, count: 16, seed: 3) == a.examples(split: .train, count: 16, seed: 3))
        let heldA = Set(try a.examples(split: .test, count: 100, seed: 0).map(\.prompt))
        let heldB = Set(try b.examples(split: .test, count: 100, seed: 0).map(\.prompt))
        #expect(heldA != heldB)
    }

    @Test func trainingDrawsThatAreNotHeldOutKeepTheirPositions() throws {
        let base = try ArithmeticTask()  // level 2: a large space
        let task = try HeldOutTask(base: base, fraction: 0.25)
        var kept = 0, replaced = 0
        for seed in 0..<400 as Range<UInt64> {
            let original = try base.examples(split: .train, count: 1, seed: seed)[0]
            let split = try task.examples(split: .train, count: 1, seed: seed)[0]
            if task.isHeldOut(original) {
                #expect(split != original && !task.isHeldOut(split))
                replaced += 1
            } else {
                #expect(split == original)
                kept += 1
            }
        }
        #expect(replaced > 50 && kept > 200, "kept \(kept), replaced \(replaced)")
    }

    @Test func fractionsOutsideTheOpenIntervalAreRejected() throws {
        for fraction in [0.0, 1.0, -0.1, 1.5] {
            #expect(throws: RewardsError.self) { _ = try HeldOutTask(base: try multiplication(), fraction: fraction) }
        }
    }
}
