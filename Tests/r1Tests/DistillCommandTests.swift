// `r1 distill --task / --data`: `--task` is parsed by Rewards' TaskSpec before the teacher is loaded; `--data`
// is read by distillation's own prompt reader (its error names the file), not as an evaluation JSONL task.
import Distillation
import Foundation
import Rewards
import Testing
@testable import r1

@Suite struct DistillCommandTests {
    static func command(_ source: [String]) throws -> DistillCommand {
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("out.jsonl").path
        return try DistillCommand.parse(["--teacher", "/nonexistent/teacher.gguf", "--output", output] + source)
    }

    @Test func rejectsABadTaskSpecBeforeLoadingTheTeacher() throws {
        let command = try Self.command(["--task", "countdown:3"])
        #expect(throws: RewardsError.invalidTaskSpec(spec: "countdown:3", reason: "countdown takes no argument")) {
            try command.run()
        }
    }

    @Test func readsDataFilesWithThePromptReader() throws {
        let command = try Self.command(["--data", "/nonexistent/qa.jsonl"])
        #expect {
            try command.run()
        } throws: { error in
            guard case let .unreadableInput(path, line, _) = error as? DistillationError else { return false }
            return path == "/nonexistent/qa.jsonl" && line == nil
        }
    }
}
