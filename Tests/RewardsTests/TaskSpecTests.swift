// TaskSpecTests.swift — the `--task` grammar of `r1 eval` and `r1 distill`: every kind and alias, every error
// with its exact message, the code-sandbox flag, and the tasks built from each kind (dataset split included).

import Foundation
import Testing
@testable import Rewards

@Suite struct TaskSpecTests {
    let registry = RewardRegistry.builtIn(environment: RewardEnvironment(mathChecker: IntegerAnswerChecker(), codeRunner: nil))

    static let kinds: [(String, TaskSpec.Kind)] = [
        ("arithmetic", .arithmetic(level: 2)),
        ("arithmetic:1", .arithmetic(level: 1)),
        ("arithmetic:4", .arithmetic(level: 4)),
        ("Arithmetic:5", .arithmetic(level: 5)),
        ("countdown", .countdown),
        ("gsm8k:/d/test.jsonl", .dataset(.gsm8k, URL(fileURLWithPath: "/d/test.jsonl"))),
        ("GSM8K:g.jsonl", .dataset(.gsm8k, URL(fileURLWithPath: "g.jsonl"))),
        ("math500:m.jsonl", .dataset(.math500, URL(fileURLWithPath: "m.jsonl"))),
        ("math:m.jsonl", .dataset(.math500, URL(fileURLWithPath: "m.jsonl"))),
        ("math-500:m.jsonl", .dataset(.math500, URL(fileURLWithPath: "m.jsonl"))),
        ("humaneval:h.jsonl", .dataset(.humaneval, URL(fileURLWithPath: "h.jsonl"))),
        ("mbpp:/d/mbpp.jsonl", .dataset(.mbpp, URL(fileURLWithPath: "/d/mbpp.jsonl"))),
        ("jsonl:x.jsonl", .jsonl(URL(fileURLWithPath: "x.jsonl"))),
        ("jsonl:/a:b.jsonl", .jsonl(URL(fileURLWithPath: "/a:b.jsonl"))),  // only the first colon separates
    ]

    @Test(arguments: kinds)
    func parsesEveryKind(_ text: String, _ kind: TaskSpec.Kind) throws {
        let spec = try TaskSpec(parsing: text)
        #expect(spec.kind == kind)
        #expect(spec.text == text)
    }

    @Test(arguments: [
        ("gsm8k", "gsm8k needs its JSONL file, e.g. gsm8k:PATH"),
        ("gsm8k:", "gsm8k needs its JSONL file, e.g. gsm8k:PATH"),
        ("math:", "math needs its JSONL file, e.g. math:PATH"),
        ("humaneval", "humaneval needs its JSONL file, e.g. humaneval:PATH"),
        ("mbpp", "mbpp needs its JSONL file, e.g. mbpp:PATH"),
        ("jsonl", "jsonl needs its JSONL file, e.g. jsonl:PATH"),
        ("jsonl:", "jsonl needs its JSONL file, e.g. jsonl:PATH"),
        ("arithmetic:9", "the arithmetic level must be 1…5, got '9'"),
        ("arithmetic:0", "the arithmetic level must be 1…5, got '0'"),
        ("arithmetic:", "the arithmetic level must be 1…5, got ''"),
        ("arithmetic:two", "the arithmetic level must be 1…5, got 'two'"),
        ("countdown:3", "countdown takes no argument"),
        ("nonsense", "unknown task name 'nonsense'"),
        ("chess:c.jsonl", "unknown task name 'chess'"),
        ("", "unknown task name ''"),
    ])
    func rejectsBadSpecs(_ text: String, _ reason: String) {
        #expect(throws: RewardsError.invalidTaskSpec(spec: text, reason: reason)) { try TaskSpec(parsing: text) }
    }

    @Test func errorMessageNamesTheSpecAndTheGrammar() {
        #expect(RewardsError.invalidTaskSpec(spec: "gsm8k", reason: "gsm8k needs its JSONL file, e.g. gsm8k:PATH").description
            == "cannot use task 'gsm8k': gsm8k needs its JSONL file, e.g. gsm8k:PATH. Write arithmetic[:LEVEL] (LEVEL 1…5), "
            + "countdown, gsm8k:PATH, math500:PATH, humaneval:PATH, mbpp:PATH or jsonl:PATH (a JSONL file of prompt/answer records).")
    }

    @Test func jsonlFileSpec() {
        let spec = TaskSpec(jsonl: URL(fileURLWithPath: "/d/qa.jsonl"))
        #expect(spec.kind == .jsonl(URL(fileURLWithPath: "/d/qa.jsonl")))
        #expect(spec.text == "jsonl:/d/qa.jsonl")
        #expect(!spec.needsCodeSandbox)
    }

    @Test(arguments: [
        ("humaneval:h.jsonl", true), ("mbpp:m.jsonl", true), ("gsm8k:g.jsonl", false), ("math500:m.jsonl", false),
        ("jsonl:x.jsonl", false), ("arithmetic", false), ("countdown", false),
    ])
    func needsCodeSandboxOnlyForCode(_ text: String, _ expected: Bool) throws {
        #expect(try TaskSpec(parsing: text).needsCodeSandbox == expected)
    }

    @Test func makesGeneratedTasks() throws {
        let arithmetic = try TaskSpec(parsing: "arithmetic:4").makeTask(registry: registry, datasetSplit: .test)
        #expect((arithmetic as? ArithmeticTask)?.difficulty == (try ArithmeticTask.Difficulty.level(4)))
        let defaultLevel = try TaskSpec(parsing: "arithmetic").makeTask(registry: registry, datasetSplit: .train)
        #expect((defaultLevel as? ArithmeticTask)?.difficulty == (try ArithmeticTask.Difficulty.level(2)))
        let countdown = try TaskSpec(parsing: "countdown").makeTask(registry: registry, datasetSplit: .train)
        #expect(countdown is CountdownTask)
        #expect(try countdown.examples(split: .train, count: 3, seed: 1).count == 3)
    }

    @Test func datasetFileIsReadAsTheGivenSplit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("task-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("g.jsonl")
        try Data(#"{"question": "1 + 2?", "answer": "1 + 2 = 3\n#### 3"}"#.utf8).write(to: file)
        let spec = try TaskSpec(parsing: "gsm8k:\(file.path)")
        for split in DatasetSplit.allCases {
            let task = try spec.makeTask(registry: registry, datasetSplit: split)
            let dataset = try #require(task as? DatasetTask)
            #expect(dataset.format == .gsm8k && dataset.files.mapValues(\.path) == [split: file.path])
            #expect(try task.examples(split: split, count: nil, seed: 0).map(\.goldAnswer) == ["3"])
            let other: DatasetSplit = split == .train ? .test : .train
            #expect(throws: RewardsError.self) { try task.examples(split: other, count: nil, seed: 0) }
        }
    }

    @Test func jsonlSpecMakesAJSONLTask() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("task-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("mine.jsonl")
        try Data(#"{"prompt": "1+1?", "answer": 2}"#.utf8).write(to: file)
        let task = try TaskSpec(parsing: "jsonl:\(file.path)").makeTask(registry: registry, datasetSplit: .test)
        #expect((task as? JSONLTask)?.file.path == file.path)
        #expect(try task.examples(split: .test, count: nil, seed: 0).map(\.goldAnswer) == ["2"])
    }
}
