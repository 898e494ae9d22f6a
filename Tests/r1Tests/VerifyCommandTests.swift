// `r1 verify` end to end: verdicts, extraction and JSON output on small hand-checked answer pairs.
import Foundation
import Testing
@testable import r1

@Suite struct VerifyCommandTests {
    /// Decodes `--json` output.
    struct Output: Decodable {
        struct Side: Decodable { var input: String; var extracted: String?; var rule: String?; var normalized: String }
        var equivalent: Bool
        var method: String
        var explanation: String
        var gold: Side
        var prediction: Side
    }

    static func json(_ arguments: [String]) throws -> Output {
        let text = try VerifyCommand.parse(arguments + ["--json"]).output()
        return try JSONDecoder().decode(Output.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        ("\\frac{1}{2}", "so the answer is \\boxed{0.5}", true),
        ("#### 72", "Natalia sold 48 + 24 = 72 clips.", true),
        ("3", "<answer>4</answer>", false),
        ("(1, 2)", "\\boxed{(2, 1)}", false),
        ("x^2 + 2x + 1", "\\boxed{(x+1)^2}", true),
    ])
    func verdicts(gold: String, prediction: String, equivalent: Bool) throws {
        let out = try Self.json([gold, prediction])
        #expect(out.equivalent == equivalent)
        #expect(out.gold.input == gold && out.prediction.input == prediction)
        #expect(!out.explanation.isEmpty)
        let text = try VerifyCommand.parse([gold, prediction]).output()
        #expect(text.hasPrefix(equivalent ? "EQUIVALENT\n" : "NOT EQUIVALENT\n"))
    }

    @Test func reportsWhatWasExtractedAndHow() throws {
        let out = try Self.json(["#### 72", "Natalia sold 48 + 24 = 72 clips."])
        #expect(out.gold.extracted == "72")
        #expect(out.prediction.extracted == "72")
        #expect(out.prediction.rule == "lastNumber")
        #expect(out.method == "string")
        let text = try VerifyCommand.parse(["#### 72", "Natalia sold 48 + 24 = 72 clips."]).output()
        #expect(text.contains("prediction: \"72\" by lastNumber → \"72\""))
        #expect(text.contains("decided by: string"))
        let rational = try Self.json(["\\frac{1}{2}", "\\boxed{0.5}"])
        #expect(rational.gold.extracted == "\\frac{1}{2}" && rational.prediction.rule == "boxed")
        #expect(rational.method == "exactRational")
    }

    @Test func nothingExtractedIsSaid() throws {
        let out = try Self.json(["5", "I do not know"])
        #expect(!out.equivalent)
        #expect(out.prediction.extracted == nil)
        #expect(try VerifyCommand.parse(["5", "I do not know"]).output().contains("prediction: (nothing extracted)"))
    }
}
