// Resuming an interrupted run: prompts already done are skipped, a crash between the dataset and progress writes
// (or a torn last line) loses nothing that was complete, and the result equals an uninterrupted run.
import Distillation
import Foundation
import Rewards
import Testing

@Suite struct ResumeTests {
    /// Six problems "What is i + 1?"; the teacher answers i + 1 for even i (twice) and i + 2 for odd i.
    static let examples = (0..<6).map { RewardExample(id: "q\($0)", prompt: "What is \($0) + 1?", goldAnswer: "\($0 + 1)", kind: .math) }
    static let script: [Int: [TeacherCompletion]] = Dictionary(uniqueKeysWithValues: (0..<6).map { i in
        (i, i % 2 == 0 ? [TeacherCompletion(text: "It is \(i + 1).", stopped: true), TeacherCompletion(text: "\(i + 1)", stopped: true)]
                       : [TeacherCompletion(text: "\(i + 2)", stopped: true)])
    })

    static func sampler(_ teacher: ScriptedTeacher, samples: Int = 2) throws -> RejectionSampler {
        try RejectionSampler(teacher: teacher, verifier: try ArithmeticTask().reward,
                             configuration: RejectionSamplingConfiguration(samplesPerPrompt: samples, promptsPerBatch: 2))
    }

    @Test func interruptedRunResumesWithoutRepeatingOrLosingPrompts() throws {
        let problems = DistillationProblem.list(Self.examples)
        // Reference: one uninterrupted run.
        let referenceDirectory = temporaryDirectory("resume-ref")
        let reference = referenceDirectory.appendingPathComponent("sft.jsonl")
        try Self.sampler(ScriptedTeacher(script: Self.script)).run(problems: problems, output: reference)

        // Interrupted run: the second teacher call (problems 2 and 3) fails.
        let directory = temporaryDirectory("resume")
        let output = directory.appendingPathComponent("sft.jsonl")
        #expect(throws: ScriptedTeacher.Interrupted.self) {
            try Self.sampler(ScriptedTeacher(script: Self.script, failOnCall: 2)).run(problems: problems, output: output)
        }
        #expect(Set(try jsonLines(output, as: DistilledExample.self).map(\.promptID)) == ["q0"])
        // Simulate a crash after problem 2's dataset lines were written but before its progress line, mid-way
        // through a further line.
        let handle = try FileHandle(forWritingTo: output)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"messages":[{"content":"What is 2 + 1?","role":"user"},{"content":"3","role":"assistant"}],"prompt_id":"q2","sample":1}"#.utf8 + [0x0A]))
        try handle.write(contentsOf: Data(#"{"messages":[{"con"#.utf8))
        try handle.close()

        let resumed = ScriptedTeacher(script: Self.script)
        let report = try Self.sampler(resumed).run(problems: problems, output: output)
        #expect(resumed.requestedIndices == [2, 3, 4, 5])
        #expect(try String(contentsOf: output, encoding: .utf8) == String(contentsOf: reference, encoding: .utf8))
        #expect(report.prompts == 6)
        #expect(report.perPrompt.map(\.accepted) == [2, 0, 2, 0, 2, 0])
        #expect(report.kept == 6)

        // A third run has nothing left to do.
        let idle = ScriptedTeacher(script: Self.script)
        let again = try Self.sampler(idle).run(problems: problems, output: output)
        #expect(idle.calls == 0)
        #expect(again == report)
    }

    @Test func resumingWithOtherSettingsIsRefused() throws {
        let directory = temporaryDirectory("resume-settings")
        let output = directory.appendingPathComponent("sft.jsonl")
        let problems = DistillationProblem.list(Self.examples)
        try Self.sampler(ScriptedTeacher(script: Self.script), samples: 2).run(problems: problems, output: output)
        do {
            try Self.sampler(ScriptedTeacher(script: Self.script), samples: 3).run(problems: problems, output: output)
            Issue.record("expected a refusal")
        } catch let error as DistillationError {
            #expect(error.description.contains("written with other settings (sft.config.json differs)"))
            #expect(error.description.contains("--overwrite"))
        }
        // Another problem source is refused too.
        #expect(throws: DistillationError.self) {
            try Self.sampler(ScriptedTeacher(script: Self.script), samples: 2).run(problems: problems, output: output, source: "other task")
        }
        // --overwrite starts over.
        let report = try Self.sampler(ScriptedTeacher(script: Self.script), samples: 3).run(problems: problems, output: output, overwrite: true)
        #expect(report.sampled == 18)
    }
}
