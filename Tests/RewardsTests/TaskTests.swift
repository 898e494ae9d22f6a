// TaskTests.swift — generators (seeded determinism, gold verified by the task's own verifier, countdown
// solvability by brute force) and dataset-backed tasks (formats, malformed lines).

import Foundation
import Testing
@testable import Rewards

@Suite struct TaskTests {
    @Test(arguments: 1...5)
    func arithmeticGoldIsVerifiedAndDeterministic(level: Int) throws {
        let task = try ArithmeticTask(difficulty: try .level(level))
        let a = try task.examples(split: .train, count: 200, seed: 42)
        let b = try task.examples(split: .train, count: 200, seed: 42)
        #expect(a == b)
        #expect(a != (try task.examples(split: .train, count: 200, seed: 43)))
        #expect(a != (try task.examples(split: .test, count: 200, seed: 42)))
        for ex in a {
            // Independent evaluation of the printed expression (exact parser) equals the gold.
            let expr = try #require(ex.metadata["expression"])
            #expect(try ExactExpression(expr).value.integerValue.map(String.init) == ex.goldAnswer, "\(expr)")
            let ref = try #require(task.referenceCompletion(for: ex))
            #expect(try task.reward.score(Completion(ref), for: ex) == 1, "\(ex.prompt)")
            #expect(try task.reward.score(Completion("<answer>\(Int(ex.goldAnswer!)! + 1)</answer>"), for: ex) == 0)
            #expect(task.prompt(for: ex).contains(expr))
        }
        let d = try ArithmeticTask.Difficulty.level(level)
        let maxOperand = a.flatMap { ex in ex.metadata["expression"]!.split(separator: " ").compactMap { Int($0) } }.max()!
        #expect(String(maxOperand).count <= d.digits)
    }

    @Test func arithmeticRejectsBadDifficulty() {
        #expect(throws: RewardsError.self) { try ArithmeticTask.Difficulty.level(9) }
        #expect(throws: RewardsError.self) { try ArithmeticTask(difficulty: .init(digits: 0, operandCount: 2, operations: [.add])) }
        #expect(throws: RewardsError.self) { try ArithmeticTask(difficulty: .init(digits: 2, operandCount: 2, operations: [])) }
        #expect(throws: RewardsError.self) { try ArithmeticTask().examples(split: .train, count: nil, seed: 1) }
    }

    /// Independent brute-force solver (Double arithmetic): can `numbers` reach `target` using each once?
    static func solvable(_ numbers: [Double], _ target: Double) -> Bool {
        if numbers.count == 1 { return abs(numbers[0] - target) < 1e-9 }
        for i in 0..<numbers.count {
            for j in 0..<numbers.count where j != i {
                let a = numbers[i], b = numbers[j]
                var rest = numbers
                rest.remove(at: max(i, j)); rest.remove(at: min(i, j))
                var options = [a + b, a - b, a * b]
                if b != 0 { options.append(a / b) }
                for v in options where solvable(rest + [v], target) { return true }
            }
        }
        return false
    }

    @Test func countdownPuzzlesAreSolvableAndGoldIsVerified() throws {
        let task = try CountdownTask()
        let examples = try task.examples(split: .train, count: 150, seed: 7)
        #expect(examples == (try task.examples(split: .train, count: 150, seed: 7)))
        var counts: Set<Int> = []
        for ex in examples {
            guard case .countdown(let numbers, let target) = ex.kind else { Issue.record("kind"); continue }
            counts.insert(numbers.count)
            #expect((3...4).contains(numbers.count) && numbers.allSatisfy { (1...99).contains($0) })
            #expect((1...100).contains(target))
            #expect(Self.solvable(numbers.map(Double.init), Double(target)), "\(numbers) → \(target)")
            #expect(try task.reward.score(Completion(task.referenceCompletion(for: ex)!), for: ex) == 1, "\(ex.goldAnswer!)")
            #expect(try task.reward.score(Completion("<answer>\(numbers.map(String.init).joined(separator: " + ")) + 1</answer>"), for: ex) == 0.1)
        }
        #expect(counts == [3, 4])
    }

    @Test func countdownValidatesConfiguration() {
        var c = CountdownTask.Configuration()
        c.numberCount = 1...4
        #expect(throws: RewardsError.self) { try CountdownTask(configuration: c) }
    }

    func dataset(_ format: DatasetFormat, _ file: String, policy: MalformedLinePolicy = .fail) -> DatasetTask {
        DatasetTask(format: format, files: [.test: RewardsFixtures.url("data/\(file)")],
                    reward: MathAccuracyReward(checker: IntegerAnswerChecker()), policy: policy)
    }

    @Test func gsm8kRecordsAndGold() throws {
        let task = dataset(.gsm8k, "gsm8k_sample.jsonl")
        let ex = try task.examples(split: .test, count: nil, seed: 0)
        #expect(ex.map(\.goldAnswer) == ["18", "3", "70000"])
        #expect(ex[0].prompt.hasPrefix("Janet"))
        #expect(try task.reward.score(Completion(task.referenceCompletion(for: ex[2])!), for: ex[2]) == 1)
        #expect(task.prompt(for: ex[0]).hasSuffix("Assistant:"))
        // Seeded sample: deterministic, a subset.
        let s1 = try task.examples(split: .test, count: 2, seed: 5)
        #expect(s1 == (try task.examples(split: .test, count: 2, seed: 5)))
        #expect(s1.count == 2 && s1.allSatisfy { ex.contains($0) })
        #expect(throws: RewardsError.self) { try task.examples(split: .train, count: nil, seed: 0) }
    }

    @Test func math500HumanEvalMBPPRecords() throws {
        let m = try dataset(.math500, "math500_sample.jsonl").examples(split: .test, count: nil, seed: 0)
        #expect(m.count == 3 && m[0].goldAnswer == "\\left( 3, \\frac{\\pi}{2} \\right)")
        #expect(m[0].metadata["level"] == "2" && m[0].id == "test/precalculus/807.json")
        let h = try dataset(.humaneval, "humaneval_sample.jsonl").examples(split: .test, count: nil, seed: 0)
        #expect(h.map(\.id) == ["HumanEval/0", "HumanEval/1", "HumanEval/2"])
        if case .code(.humanEval(_, let test, let entry)) = h[0].kind {
            #expect(entry == "has_close_elements" && test.contains("def check(candidate)"))
        } else { Issue.record("humaneval kind") }
        let b = try dataset(.mbpp, "mbpp_sample.jsonl").examples(split: .test, count: nil, seed: 0)
        #expect(b.map(\.id) == ["mbpp/2", "mbpp/3", "mbpp/4"])
        #expect(b[0].tests?.declaredTestCount == 3)
    }

    @Test func malformedLinesFailWithFileAndLine() throws {
        #expect(throws: RewardsError.malformedJSONLine(file: "gsm8k_malformed.jsonl", line: 3, reason: "invalid JSON")) {
            try dataset(.gsm8k, "gsm8k_malformed.jsonl").examples(split: .test, count: nil, seed: 0)
        }
        let message = RewardsError.malformedJSONLine(file: "gsm8k_malformed.jsonl", line: 3, reason: "invalid JSON").description
        #expect(message.hasPrefix("gsm8k_malformed.jsonl:3: not a JSON object"))
    }

    @Test func malformedLinesSkippedWithReport() throws {
        let (examples, skipped) = try dataset(.gsm8k, "gsm8k_malformed.jsonl", policy: .skip).load(split: .test)
        #expect(examples.map(\.goldAnswer) == ["18", "3", "70000"])
        #expect(skipped.map(\.line) == [3, 4, 6, 8])
        #expect(skipped[1].error == .malformedJSONLine(file: "gsm8k_malformed.jsonl", line: 4, reason: "a JSON value that is not an object"))
        #expect(skipped[2].error == .missingField(file: "gsm8k_malformed.jsonl", line: 6, field: "answer", expected: "a string"))
        #expect(skipped[3].error == .missingField(file: "gsm8k_malformed.jsonl", line: 8, field: "answer", expected: "a solution ending in '#### <number>'"))
    }

    @Test func missingFileIsATypedError() {
        let t = DatasetTask(format: .gsm8k, files: [.test: RewardsFixtures.url("data/nope.jsonl")], reward: TagCountReward())
        #expect(throws: RewardsError.self) { try t.examples(split: .test, count: nil, seed: 0) }
    }

    @Test func seededGeneratorIsStable() {
        var g = SeededGenerator(seed: 0)
        // SplitMix64 reference outputs for seed 0 (Vigna's splitmix64.c).
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        var h = SeededGenerator(seed: 9)
        for _ in 0..<1000 { #expect((3...7).contains(h.int(in: 3...7))) }
    }
}

@Suite struct TaskCatalogTests {
    let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: IntegerAnswerChecker(), codeRunner: nil))

    @Test func buildsTasksByName() throws {
        let a = try TaskCatalog.make("arithmetic", parameters: ["level": .number(5)], registry: registry)
        #expect((a as? ArithmeticTask)?.difficulty == (try ArithmeticTask.Difficulty.level(5)))
        let c = try TaskCatalog.make("countdown", parameters: ["min_numbers": .number(4), "max_numbers": .number(4)], registry: registry)
        let ex = try c.examples(split: .train, count: 5, seed: 1)
        #expect(ex.allSatisfy { if case .countdown(let n, _) = $0.kind { n.count == 4 } else { false } })
        let g = try TaskCatalog.make("gsm8k", dataDirectory: RewardsFixtures.url("missing"), registry: registry)
        #expect(g.name == "gsm8k")
        #expect(throws: RewardsError.self) { try g.examples(split: .test, count: 1, seed: 0) }  // no such file
    }

    @Test func rejectsBadRequests() {
        #expect(throws: RewardsError.self) { try TaskCatalog.make("chess", registry: registry) }
        #expect(throws: RewardsError.self) { try TaskCatalog.make("gsm8k", registry: registry) }
        let unknown: [String: RewardParameterValue] = ["digits": .number(3)]
        #expect(throws: RewardsError.self) { try TaskCatalog.make("arithmetic", parameters: unknown, registry: registry) }
        let inverted: [String: RewardParameterValue] = ["min_numbers": .number(5), "max_numbers": .number(4)]
        #expect(throws: RewardsError.self) { try TaskCatalog.make("countdown", parameters: inverted, registry: registry) }
    }
}
