// ArithmeticTask.swift — generated integer arithmetic problems with difficulty levels.

/// An arithmetic operator of the arithmetic task.
public enum ArithmeticOperation: String, Sendable, Codable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*"
}

/// Generated integer arithmetic (`37 + 4 * 12`), verified by exact integer comparison.
///
/// Operands have 1…`digits` digits, operators are drawn from `operations`, standard precedence applies,
/// the gold answer is the exact integer value (may be negative).
public struct ArithmeticTask: VerifiableTask {
    /// Difficulty.
    public struct Difficulty: Sendable, Equatable, Codable {
        /// Maximum digits per operand (1…9).
        public var digits: Int
        /// Number of operands (2…8).
        public var operandCount: Int
        /// Allowed operators (non-empty).
        public var operations: [ArithmeticOperation]

        /// Creates a difficulty.
        public init(digits: Int, operandCount: Int, operations: [ArithmeticOperation]) {
            self.digits = digits
            self.operandCount = operandCount
            self.operations = operations
        }

        /// Preset levels 1…5: (1 digit, 2 operands, + −), (2, 2, + − ×), (2, 3, + − ×), (3, 3, + − ×), (4, 4, + − ×).
        /// - Parameter level: 1…5.
        /// - Returns: the difficulty.
        /// - Throws: `RewardsError.invalidTaskRequest` for another level.
        public static func level(_ level: Int) throws -> Difficulty {
            switch level {
            case 1: return Difficulty(digits: 1, operandCount: 2, operations: [.add, .subtract])
            case 2: return Difficulty(digits: 2, operandCount: 2, operations: ArithmeticOperation.allCases)
            case 3: return Difficulty(digits: 2, operandCount: 3, operations: ArithmeticOperation.allCases)
            case 4: return Difficulty(digits: 3, operandCount: 3, operations: ArithmeticOperation.allCases)
            case 5: return Difficulty(digits: 4, operandCount: 4, operations: ArithmeticOperation.allCases)
            default: throw RewardsError.invalidTaskRequest(task: "arithmetic", reason: "difficulty level \(level) does not exist; use 1…5")
            }
        }

        /// Checks the ranges.
        /// - Throws: `RewardsError.invalidTaskRequest`.
        public func validate() throws {
            guard (1...9).contains(digits) else {
                throw RewardsError.invalidTaskRequest(task: "arithmetic", reason: "digits = \(digits); use 1…9")
            }
            guard (2...8).contains(operandCount) else {
                throw RewardsError.invalidTaskRequest(task: "arithmetic", reason: "operand_count = \(operandCount); use 2…8")
            }
            guard !operations.isEmpty else {
                throw RewardsError.invalidTaskRequest(task: "arithmetic", reason: "operations is empty; give at least one of + - *")
            }
        }
    }

    public let name = "arithmetic"
    /// The difficulty.
    public let difficulty: Difficulty
    public let reward: any RewardFunction

    /// Creates the task.
    /// - Parameter difficulty: validated difficulty (default level 2).
    /// - Throws: `RewardsError.invalidTaskRequest`.
    public init(difficulty: Difficulty = Difficulty(digits: 2, operandCount: 2, operations: ArithmeticOperation.allCases)) throws {
        try difficulty.validate()
        self.difficulty = difficulty
        reward = MathAccuracyReward(checker: IntegerAnswerChecker(), extraction: .answerTagOrFull, name: "arithmetic")
    }

    public func examples(split: DatasetSplit, count: Int?, seed: UInt64) throws -> [RewardExample] {
        guard let count, count >= 0 else {
            throw RewardsError.invalidTaskRequest(task: name, reason: "a generated task needs a non-negative count")
        }
        var rng = SeededGenerator(seed: splitSeed(seed, split))
        var out: [RewardExample] = []
        out.reserveCapacity(count)
        while out.count < count {
            guard let (expr, value) = generate(&rng) else { continue }
            out.append(RewardExample(id: "arithmetic/\(split.rawValue)/\(seed)/\(out.count)", prompt: "What is \(expr)?",
                                     goldAnswer: String(value), kind: .math, metadata: ["expression": expr]))
        }
        return out
    }

    /// One expression and its value (nil on Int overflow, which the caller retries).
    func generate(_ rng: inout SeededGenerator) -> (String, Int)? {
        let lo = difficulty.digits == 1 ? 0 : 1
        var operands: [Int] = []
        var ops: [ArithmeticOperation] = []
        for i in 0..<difficulty.operandCount {
            let d = rng.int(in: lo...difficulty.digits)  // digits of this operand (0 → a single-digit 0…9)
            let upper = d <= 1 ? 9 : Self.pow10(d) - 1
            let lower = d <= 1 ? 0 : Self.pow10(d - 1)
            operands.append(rng.int(in: lower...upper))
            if i > 0 { ops.append(difficulty.operations[rng.int(in: 0...(difficulty.operations.count - 1))]) }
        }
        // Evaluate with precedence: fold products into terms, then sum the signed terms.
        var terms: [Int] = [operands[0]]
        var signs: [Int] = [1]
        for (k, op) in ops.enumerated() {
            let x = operands[k + 1]
            switch op {
            case .multiply:
                let (p, o) = terms[terms.count - 1].multipliedReportingOverflow(by: x)
                if o { return nil }
                terms[terms.count - 1] = p
            case .add: terms.append(x); signs.append(1)
            case .subtract: terms.append(x); signs.append(-1)
            }
        }
        var value = 0
        for (t, s) in zip(terms, signs) {
            let (v, o) = value.addingReportingOverflow(s * t)
            if o { return nil }
            value = v
        }
        var text = String(operands[0])
        for (k, op) in ops.enumerated() { text += " \(op.rawValue) \(operands[k + 1])" }
        return (text, value)
    }

    static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

    public func prompt(for example: RewardExample) -> String {
        R1PromptTemplate.zero("\(example.prompt) Give the final answer as an integer inside <answer> </answer>")
    }

    public func referenceCompletion(for example: RewardExample) -> String? {
        guard let gold = example.goldAnswer else { return nil }
        return R1PromptTemplate.completion(thinking: "Evaluate \(example.metadata["expression"] ?? example.prompt) with the usual precedence.", answer: gold)
    }
}
