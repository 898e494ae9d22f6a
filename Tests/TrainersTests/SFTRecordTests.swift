// SFT data files: TRL's formats parse; every malformed line names the file, the line and what is wrong.
import Foundation
import Testing
import Tokenizers
@testable import Trainers

@Suite struct SFTRecordTests {
    static func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sft-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func fixtureFormatsParse() throws {
        let url = SFTConfigurationTests.repository.appendingPathComponent("Fixtures/sft/tiny.jsonl")
        let records = try SFTRecord.load(jsonl: url)
        #expect(records.count == 8)
        #expect(records[0] == .conversation([
            ChatMessage(role: .system, content: "Add."), ChatMessage(role: .user, content: "2+3"),
            ChatMessage(role: .assistant, content: "<think>2+3=5</think> <answer>5</answer>"),
        ]))
        #expect(records[3] == .promptCompletion(prompt: "Q: 5+4=", completion: " 9"))
        #expect(records[5] == .conversationalPromptCompletion(
            prompt: [ChatMessage(role: .system, content: "Add."), ChatMessage(role: .user, content: "2+2")],
            completion: [ChatMessage(role: .assistant, content: "<think>2+2=4</think> <answer>4</answer>")]))
        #expect(records[6] == .text("one two three"))
    }

    @Test func blankLinesAreSkippedAndLineNumbersCount() throws {
        let url = try Self.write("{\"text\": \"a\"}\n\n   \n{\"text\": 5}\n")
        #expect(throws: SFTError.malformedLine(path: url.path, line: 4, reason: "'text' must be a string, found a number or boolean")) {
            try SFTRecord.load(jsonl: url)
        }
    }

    @Test(arguments: [
        ("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}", "not valid JSON"),
        ("[1, 2]", "expected a JSON object, found a list"),
        ("{\"question\": \"q\"}", "no 'messages', 'prompt'/'completion' or 'text' key (found 'question')"),
        ("{\"messages\": []}", "'messages' is empty"),
        ("{\"messages\": \"hi\"}", "'messages' must be a list of messages, found a string"),
        ("{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}", "'messages[0].role' must be one of system, user, assistant (found 'bot')"),
        ("{\"messages\": [{\"role\": \"user\"}]}", "'messages[0]' has no 'content'"),
        ("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"content\": \"b\"}]}", "'messages[1]' has no 'role'"),
        ("{\"messages\": [{\"role\": \"user\", \"content\": [\"a\"]}]}", "'messages[0].content' must be a string, found a list"),
        ("{\"prompt\": \"p\"}", "'prompt' without 'completion'"),
        ("{\"completion\": \"c\"}", "'completion' without 'prompt'"),
        ("{\"prompt\": \"p\", \"completion\": [{\"role\": \"assistant\", \"content\": \"c\"}]}",
         "'prompt' and 'completion' must both be strings or both be message lists (found a string and a list)"),
        ("{\"prompt\": [{\"role\": \"user\", \"content\": \"p\"}], \"completion\": []}", "'completion' is an empty message list"),
    ])
    func malformedLineNamesFileLineAndProblem(line: String, reason: String) throws {
        let url = try Self.write("{\"text\": \"fine\"}\n" + line + "\n")
        do {
            _ = try SFTRecord.load(jsonl: url)
            Issue.record("line accepted: \(line)")
        } catch let SFTError.malformedLine(path, number, message) {
            #expect(path == url.path)
            #expect(number == 2)
            #expect(message.hasPrefix(reason), "\(message)")
            let text = "\(SFTError.malformedLine(path: path, line: number, reason: message))"
            #expect(text.hasPrefix("\(url.path):2: \(message); each line must be one JSON object"))
        }
    }

    @Test func missingAndEmptyFiles() throws {
        let empty = try Self.write("\n\n")
        #expect(throws: SFTError.emptyData(path: empty.path)) { try SFTRecord.load(jsonl: empty) }
        let missing = URL(fileURLWithPath: "/nonexistent/sft.jsonl")
        #expect { try SFTRecord.load(jsonl: missing) } throws: { error in
            guard case let SFTError.unreadableData(path, _) = error else { return false }
            return path == missing.path
        }
    }
}
