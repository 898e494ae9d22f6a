// `r1 eval --task`: the spec is parsed by Rewards' TaskSpec before the model is loaded, so a bad spec fails
// first with the grammar in its message, and a good one gets as far as the model.
import Foundation
import Rewards
import Testing
@testable import r1

@Suite struct EvalCommandTests {
    @Test func rejectsABadTaskSpecBeforeLoadingTheModel() throws {
        let command = try EvalCommand.parse(["--model", "/nonexistent/model.gguf", "--task", "gsm8k"])
        #expect(throws: RewardsError.invalidTaskSpec(spec: "gsm8k", reason: "gsm8k needs its JSONL file, e.g. gsm8k:PATH")) {
            try command.run()
        }
    }

    @Test(arguments: ["arithmetic:3", "countdown", "jsonl:/nonexistent/mine.jsonl", "math500:/nonexistent/test.jsonl"])
    func acceptedSpecsReachTheModel(task: String) throws {
        let command = try EvalCommand.parse(["--model", "/nonexistent/model.gguf", "--task", task])
        #expect { try command.run() } throws: { "\($0)".contains("--model /nonexistent/model.gguf: no such file or directory") }
    }
}
