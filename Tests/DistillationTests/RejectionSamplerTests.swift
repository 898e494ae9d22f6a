// Rejection sampling with the real verifiers (arithmetic's integer checker, the strict format reward) over a
// scripted teacher: verdicts in their documented order, keep all / shortest k / dedup, the SFT lines and the stats.
import Distillation
import Foundation
import Rewards
import Testing
import Tokenizers

@Suite struct RejectionSamplerTests {
    static func r1(_ thinking: String, _ answer: String) -> String { "<think>\n\(thinking)\n</think>\n<answer>\n\(answer)\n</answer>" }

    /// Problem 0: "What is 2 + 3?" (gold 5); problem 1: "What is 4 * 2?" (gold 8).
    static let examples = [
        RewardExample(id: "p0", prompt: "What is 2 + 3?", goldAnswer: "5", kind: .math),
        RewardExample(id: "p1", prompt: "What is 4 * 2?", goldAnswer: "8", kind: .math),
    ]

    static let script: [Int: [TeacherCompletion]] = [
        0: [
            TeacherCompletion(text: r1("two plus three is five", "5"), stopped: true),         // 0 accepted, 54 chars
            TeacherCompletion(text: r1("2+3=6", "6"), stopped: true),                          // 1 incorrect
            TeacherCompletion(text: "The answer is 5", stopped: true),                         // 2 bad format (strict)
            TeacherCompletion(text: r1("add", "5"), stopped: true),                            // 3 accepted, shortest
            TeacherCompletion(text: r1("Two  plus THREE is\nfive", "5"), stopped: true),       // 4 accepted, duplicate of 0 after normalising
            TeacherCompletion(text: r1("add them", "5"), stopped: false),                      // 5 truncated
            TeacherCompletion(text: r1("sum", "5"), stopped: true),                            // 6 accepted, 2nd shortest
            TeacherCompletion(text: r1(String(repeating: "x", count: 200), "5"), stopped: true), // 7 too long
        ],
        1: [
            TeacherCompletion(text: r1("4*2", "9"), stopped: true),
            TeacherCompletion(text: r1("4*2", "7"), stopped: true),
        ],
    ]

    static func sampler(_ teacher: ScriptedTeacher, keep: KeepPolicy, keepCount: Int? = nil) throws -> RejectionSampler {
        let task = try ArithmeticTask()
        let configuration = RejectionSamplingConfiguration(samplesPerPrompt: 8, keep: keep, keepCount: keepCount, maxCharacters: 150,
                                                           requireFormat: .strict, promptsPerBatch: 1,
                                                           promptStyle: DistillationPromptStyle(system: "Be brief.", instruction: ""))
        return try RejectionSampler(teacher: teacher, verifier: task.reward, configuration: configuration)
    }

    @Test func verdictsFollowTheDocumentedChecks() throws {
        let sampler = try Self.sampler(ScriptedTeacher(script: Self.script), keep: .all)
        let judged = sampler.judge(Self.script[0]!, for: Self.examples[0])
        #expect(judged.map(\.verdict) == [.accepted, .incorrect, .badFormat, .accepted, .accepted, .truncated, .accepted, .tooLong])
        #expect(judged.map(\.score) == [1, 0, nil, 1, 1, nil, 1, nil])
    }

    /// (policy, keep count, kept sample indices of problem 0 in file order)
    @Test(arguments: [
        (KeepPolicy.all, nil, [0, 3, 4, 6]),
        (KeepPolicy.all, 2, [0, 3]),
        (KeepPolicy.shortest, nil, [3]),
        (KeepPolicy.shortest, 2, [3, 6]),
        (KeepPolicy.shortest, 10, [3, 6, 0, 4]),
        (KeepPolicy.dedup, nil, [0, 3, 6]),
        (KeepPolicy.dedup, 1, [0]),
    ] as [(KeepPolicy, Int?, [Int])])
    func keepPolicies(keep: KeepPolicy, count: Int?, expected: [Int]) throws {
        let directory = temporaryDirectory("keep")
        let output = directory.appendingPathComponent("out.jsonl")
        let teacher = ScriptedTeacher(script: Self.script)
        let report = try Self.sampler(teacher, keep: keep, keepCount: count).run(problems: DistillationProblem.list(Self.examples), output: output)
        let records = try jsonLines(output, as: DistilledExample.self)
        #expect(records.map(\.sample) == expected)
        #expect(records.allSatisfy { $0.promptID == "p0" })
        for r in records {
            #expect(r.messages.map(\.role) == [.system, .user, .assistant])
            #expect(r.messages[0].content == "Be brief.")
            #expect(r.messages[1].content == "What is 2 + 3?")
            #expect(r.completion == Self.script[0]![r.sample].text)
        }
        #expect(report.prompts == 2)
        #expect(report.sampled == 16)
        #expect(report.accepted == 4)
        #expect(report.kept == expected.count)
        #expect(report.perPrompt.map(\.accepted) == [4, 0])
        #expect(report.perPrompt[1].verdicts == ["incorrect": 8])
        #expect(report.perPrompt[0].verdicts == ["accepted": 4, "incorrect": 1, "bad_format": 1, "truncated": 1, "too_long": 1])
        #expect(report.acceptRate == 0.25)
        let lengths = expected.map { Double(Self.script[0]![$0].text.unicodeScalars.count) }
        #expect(abs(report.meanKeptCharacters - lengths.reduce(0, +) / Double(lengths.count)) < 1e-9)
        // The stats file holds the same report.
        let saved = try JSONDecoder().decode(DistillationReport.self,
                                             from: Data(contentsOf: directory.appendingPathComponent("out.stats.json")))
        #expect(saved == report)
    }

    @Test func dedupKeyNormalisesCaseAndWhitespace() {
        #expect(dedupKey("  Two  plus\nTHREE\t") == "two plus three")
        #expect(dedupKey("a b") != dedupKey("ab"))
    }

    @Test func invalidSettingsAreRejected() throws {
        #expect(throws: DistillationError.invalidConfiguration(field: "samples_per_prompt", value: "0", rule: "must be >= 1")) {
            try RejectionSamplingConfiguration(samplesPerPrompt: 0).validate()
        }
        #expect(throws: DistillationError.invalidConfiguration(field: "max_characters", value: "3", rule: "must be >= 1 and >= min_characters (5)")) {
            try RejectionSamplingConfiguration(minCharacters: 5, maxCharacters: 3).validate()
        }
        #expect(throws: DistillationError.invalidConfiguration(field: "top_p", value: "0.0", rule: "must be in (0, 1]")) {
            try RejectionSamplingConfiguration(sampling: TeacherSampling(topP: 0)).validate()
        }
    }
}
