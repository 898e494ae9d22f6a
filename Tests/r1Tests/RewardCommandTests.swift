// `r1 reward` end to end on a four-line JSONL written here; expected statistics computed by hand:
// accuracy = [1, 0, 1, n/a] → mean 2/3, sample std √(1/3); format = [1, 0, 1, 0] → mean 1/2, std √(1/3);
// total = accuracy + 0.2·format (n/a counts 0) = [1.2, 0, 1.2, 0] → mean 0.6, std √(1.44/3).
import Foundation
import Testing
@testable import r1

@Suite struct RewardCommandTests {
    static let lines = [
        #"{"completion": "<think>\n2+2\n</think>\n<answer>\n4\n</answer>", "answer": "4"}"#,
        #"{"completion": "The answer is 5", "answer": "4"}"#,
        #"{"completion": "<think>\nhalf\n</think>\n<answer>\n\\frac{1}{2}\n</answer>", "answer": "0.5"}"#,
        #"{"completion": "no answer here"}"#,
    ]

    static func write(_ lines: [String]) throws -> URL {
        let url = try CLITestSupport.scratchDirectory().appendingPathComponent("completions.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    struct Output: Decodable {
        struct Statistic: Decodable { var name: String; var count: Int; var notApplicable: Int; var failed: Int; var mean: Double?; var std: Double? }
        var samples: Int
        var weights: [Double]
        var statistics: [Statistic]
    }

    @Test func accuracyAndFormatStatistics() throws {
        let url = try Self.write(Self.lines)
        let text = try RewardCommand.parse(["--input", url.path, "--rewards", "accuracy,format", "--weights", "1,0.2", "--json"]).output()
        let out = try JSONDecoder().decode(Output.self, from: Data(text.utf8))
        #expect(out.samples == 4)
        #expect(out.weights == [1, 0.2])
        let byName = Dictionary(uniqueKeysWithValues: out.statistics.map { ($0.name, $0) })
        let accuracy = try #require(byName["accuracy"])
        #expect(accuracy.count == 3 && accuracy.notApplicable == 1 && accuracy.failed == 0)
        #expect(abs(try #require(accuracy.mean) - 2.0 / 3) < 1e-12)
        #expect(abs(try #require(accuracy.std) - (1.0 / 3).squareRoot()) < 1e-12)
        let format = try #require(byName["format"])
        #expect(format.count == 4)
        #expect(abs(try #require(format.mean) - 0.5) < 1e-12)
        #expect(abs(try #require(format.std) - (1.0 / 3).squareRoot()) < 1e-12)
        let total = try #require(byName["reward"])
        #expect(abs(try #require(total.mean) - 0.6) < 1e-12)
        #expect(abs(try #require(total.std) - (1.44 / 3).squareRoot()) < 1e-12)
    }

    @Test func tableNamesEveryReward() throws {
        let url = try Self.write(Self.lines)
        let text = try RewardCommand.parse(["--input", url.path, "--rewards", "accuracy, format"]).output()
        #expect(text.hasPrefix("completions.jsonl: 4 samples\n"))
        #expect(text.contains("accuracy    1.00    0.6667    0.5774   3    1       0"))
        #expect(text.contains("format      1.00    0.5000    0.5774   4    0       0"))
    }

    @Test func parameterOverridesReachTheReward() throws {
        // extraction=answer_tag: "The answer is 5" has no <answer> block → 0 either way; a bare "4" without
        // tags would be 1 by default but 0 with answer_tag.
        let url = try Self.write([#"{"completion": "4", "answer": "4"}"#])
        let plain = try RewardCommand.parse(["--input", url.path, "--json"]).output()
        let tagged = try RewardCommand.parse(["--input", url.path, "--param", "accuracy.extraction=answer_tag", "--json"]).output()
        let mean = { (text: String) throws -> Double? in
            try JSONDecoder().decode(Output.self, from: Data(text.utf8)).statistics.first { $0.name == "accuracy" }?.mean
        }
        #expect(try mean(plain) == 1)
        #expect(try mean(tagged) == 0)
    }

    @Test func badWeightIsRejected() throws {
        let url = try Self.write(Self.lines)
        #expect(throws: CLIError.invalidNumber(option: "--weights", value: "x")) {
            _ = try RewardCommand.parse(["--input", url.path, "--rewards", "accuracy,format", "--weights", "1,x"]).output()
        }
        #expect(CLIError.invalidNumber(option: "--weights", value: "x").description
                == "--weights: 'x' is not a number. Give comma-separated numbers, e.g. --weights 1,0.2.")
    }

    @Test func badParameterOverrideIsRejected() throws {
        #expect(throws: CLIError.invalidParameterOverride("accuracy=1")) {
            _ = try RewardCommand.parse(["--input", "x.jsonl", "--param", "accuracy=1"]).selection()
        }
    }

    @Test func libraryErrorsPassThrough() throws {
        let url = try Self.write(Self.lines)
        do {
            _ = try RewardCommand.parse(["--input", url.path, "--rewards", "accuracy,nonsense"]).output()
            Issue.record("unknown reward accepted")
        } catch {
            #expect("\(error)".contains("nonsense"))
        }
        let bad = try Self.write([#"{"answer": "4"}"#])
        do {
            _ = try RewardCommand.parse(["--input", bad.path]).output()
            Issue.record("line without completion accepted")
        } catch {
            #expect("\(error)".contains("completion"))
        }
    }

    @Test func inputOrListIsRequired() {
        do {
            _ = try RewardCommand.parse([])
            Issue.record("parsed without --input")
        } catch {
            #expect(RewardCommand.message(for: error) == "give --input FILE (a JSONL file of completions), or --list")
        }
    }

    @Test func listShowsTheCatalogue() throws {
        let text = try RewardCommand.parse(["--list"]).output()
        #expect(text.contains("accuracy("))
        #expect(text.contains("format"))
    }
}
