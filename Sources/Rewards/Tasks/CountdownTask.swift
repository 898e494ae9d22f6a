// CountdownTask.swift — TinyZero's countdown task: reach a target with 3–4 numbers, each used once.
// The dataset TinyZero trains on is Jiayi-Pan/Countdown-Tasks-3to4; this generator builds solvable
// puzzles by construction (the target is the value of a random expression over the numbers).

/// Generated countdown puzzles, verified by `CountdownReward`.
public struct CountdownTask: VerifiableTask {
    /// Generator settings.
    public struct Configuration: Sendable, Equatable, Codable {
        /// How many numbers per puzzle (TinyZero: 3…4).
        public var numberCount: ClosedRange<Int> = 3...4
        /// Largest given number (numbers are drawn from 1…maxNumber; default 99).
        public var maxNumber: Int = 99
        /// Targets are in 1…maxTarget (default 100).
        public var maxTarget: Int = 100

        /// Creates the default configuration.
        public init() {}

        /// Checks the ranges.
        /// - Throws: `RewardsError.invalidTaskRequest`.
        public func validate() throws {
            guard numberCount.lowerBound >= 2 && numberCount.upperBound <= 6 else {
                throw RewardsError.invalidTaskRequest(task: "countdown", reason: "number_count \(numberCount) must lie within 2…6")
            }
            guard maxNumber >= 2 && maxNumber <= 10_000 else {
                throw RewardsError.invalidTaskRequest(task: "countdown", reason: "max_number = \(maxNumber); use 2…10000")
            }
            guard maxTarget >= 1 && maxTarget <= 1_000_000 else {
                throw RewardsError.invalidTaskRequest(task: "countdown", reason: "max_target = \(maxTarget); use 1…1000000")
            }
        }
    }

    public let name = "countdown"
    /// Settings.
    public let configuration: Configuration
    public let reward: any RewardFunction

    /// Creates the task.
    /// - Parameters:
    ///   - configuration: validated settings.
    ///   - formatScore: score for a present but wrong answer (default 0.1, TinyZero).
    /// - Throws: `RewardsError`.
    public init(configuration: Configuration = .init(), formatScore: Double = 0.1) throws {
        try configuration.validate()
        self.configuration = configuration
        reward = try CountdownReward(formatScore: formatScore)
    }

    public func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        guard let count, count >= 0 else {
            throw RewardsError.invalidTaskRequest(task: name, reason: "a generated task needs a non-negative count")
        }
        var rng = SeededGenerator(seed: splitSeed(seed, split))
        var out: [RewardExample] = []
        out.reserveCapacity(count)
        while out.count < count {
            let n = rng.int(in: configuration.numberCount)
            let numbers = (0..<n).map { _ in rng.int(in: 1...configuration.maxNumber) }
            // A few random expression trees over these numbers; keep the first in range.
            for _ in 0..<20 {
                guard let (expr, value) = randomExpression(numbers, &rng), (1...configuration.maxTarget).contains(value) else { continue }
                out.append(RewardExample(
                    id: "countdown/\(split.rawValue)/\(seed)/\(out.count)",
                    prompt: "Using the numbers \(numbers), create an equation that equals \(value).",
                    goldAnswer: expr, kind: .countdown(numbers: numbers, target: value)))
                break
            }
        }
        return out
    }

    /// Combines the numbers pairwise in random order with random operators, keeping every intermediate a
    /// non-negative integer (larger − smaller, exact division only).
    func randomExpression(_ numbers: [Int], _ rng: inout SeededGenerator) -> (String, Int)? {
        var pool: [(text: String, value: Int, atomic: Bool)] = numbers.map { (String($0), $0, true) }
        while pool.count > 1 {
            let i = rng.int(in: 0...(pool.count - 1))
            let a = pool.remove(at: i)
            let j = rng.int(in: 0...(pool.count - 1))
            let b = pool.remove(at: j)
            func wrap(_ x: (text: String, value: Int, atomic: Bool)) -> String { x.atomic ? x.text : "(\(x.text))" }
            let combined: (String, Int)?
            switch rng.int(in: 0...3) {
            case 0: combined = ("\(wrap(a)) + \(wrap(b))", a.value + b.value)
            case 1:
                let (hi, lo) = a.value >= b.value ? (a, b) : (b, a)
                combined = ("\(wrap(hi)) - \(wrap(lo))", hi.value - lo.value)
            case 2:
                let (p, o) = a.value.multipliedReportingOverflow(by: b.value)
                combined = o ? nil : ("\(wrap(a)) * \(wrap(b))", p)
            default:
                if b.value != 0 && a.value % b.value == 0 {
                    combined = ("\(wrap(a)) / \(wrap(b))", a.value / b.value)
                } else if a.value != 0 && b.value % a.value == 0 {
                    combined = ("\(wrap(b)) / \(wrap(a))", b.value / a.value)
                } else {
                    combined = ("\(wrap(a)) + \(wrap(b))", a.value + b.value)
                }
            }
            guard let (t, v) = combined else { return nil }
            pool.append((t, v, false))
        }
        return (pool[0].text, pool[0].value)
    }

    public func prompt(for example: RewardExample) -> String {
        R1PromptTemplate.zero(example.prompt
            + " You may use +, -, * and /, and each number must be used exactly once."
            + " Give only the equation inside <answer> </answer>, for example <answer> (1 + 2) / 3 </answer>")
    }

    public func referenceCompletion(for example: RewardExample) -> String? {
        guard let gold = example.goldAnswer else { return nil }
        return R1PromptTemplate.completion(thinking: "Try combinations of the numbers.", answer: gold)
    }
}
