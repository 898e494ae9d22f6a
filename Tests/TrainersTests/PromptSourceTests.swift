// PromptSource: a pure function of (seed, position); rendering with the R1-Zero and chat templates.
import Foundation
import Testing
import Rewards
import Tokenizers
@testable import Trainers

@Suite struct PromptSourceTests {
    let tokenizer = CharacterTokenizer()

    @Test func orderDependsOnlyOnSeedAndPosition() throws {
        let task = try ArithmeticTask(difficulty: .level(1))
        var a = try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: 3, maxPromptLength: 400)
        let first = try a.next(6).map(\.example)
        var b = try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: 3, maxPromptLength: 400)
        b.position = 2
        #expect(try b.next(4).map(\.example) == Array(first[2...]))
        #expect(try a.prompt(at: 1).tokens == (try b.prompt(at: 1).tokens))
        var c = try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: 4, maxPromptLength: 400)
        #expect(try c.next(6).map(\.example.prompt) != first.map(\.prompt))
        #expect(Set(first.map(\.prompt)).count > 1, "consecutive positions give different problems")
    }

    @Test func datasetEpochsArePermutations() throws {
        let directory = TinyGRPO.temporaryDirectory("dataset")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("train.jsonl")
        let lines = (0..<5).map { "{\"question\": \"What is \($0) + 1?\", \"answer\": \"#### \($0 + 1)\"}" }
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let task = DatasetTask(format: .gsm8k, files: [.train: file], reward: LowercaseStartReward())
        var source = try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: 9, maxPromptLength: 1000)
        #expect(source.epochLength == 5)
        let epoch0 = try source.next(5).map(\.example.prompt)
        let epoch1 = try source.next(5).map(\.example.prompt)
        #expect(Set(epoch0).count == 5 && Set(epoch1) == Set(epoch0))
        #expect(source.epoch == 2)
    }

    @Test func chatStyleRendersTheTemplateAndTruncatesFromTheLeft() throws {
        let task = try ArithmeticTask(difficulty: .level(1))
        let source = try PromptSource(task: task, tokenizer: tokenizer, style: .chat(.smolLM2, system: nil, instruction: "Be brief."),
                                      seed: 1, maxPromptLength: 20)
        let example = try source.example(at: 0)
        let text = source.render(example)
        #expect(text.hasPrefix("<|im_start|>system\nYou are a helpful AI assistant named SmolLM"))
        #expect(text.hasSuffix("\(example.prompt) Be brief.<|im_end|>\n<|im_start|>assistant\n"))
        let prompt = try source.prompt(at: 0)
        #expect(prompt.tokens.count == 20)
        #expect(prompt.tokens == Array(tokenizer.encode(text, addSpecialTokens: false).suffix(20)))
        let zero = try PromptSource(task: task, tokenizer: tokenizer, style: .r1Zero, seed: 1, maxPromptLength: 1000)
        #expect(zero.render(example) == task.prompt(for: example))
        #expect(zero.render(example).hasPrefix("A conversation between User and Assistant."))
    }
}
