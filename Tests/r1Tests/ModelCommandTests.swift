// `r1 generate` and `r1 logprobs` on a tiny random Llama with CharacterTokenizer, checked against the
// model's incremental path (prefill on each prefix, log-softmax in Double) rather than the code under test.
import Foundation
import Models
import Testing
import Tokenizers
@testable import r1

@Suite struct ModelCommandTests {
    /// log-softmax(logits)[token] in Double.
    static func logSoftmax(_ logits: [Float], at token: Int32) -> Double {
        let m = Double(logits.max() ?? 0)
        let z = logits.reduce(0.0) { $0 + exp(Double($1) - m) }
        return Double(logits[Int(token)]) - m - log(z)
    }

    /// Logits after `prefix`, computed with a fresh KV cache.
    static func nextLogits(_ model: LlamaModel, _ prefix: [Int32]) -> [Float] {
        model.prefill(tokens: prefix, slot: 0, cache: KVCache(configuration: model.configuration, slots: 1, capacity: 512))
    }

    @Test func logprobsMatchIncrementalLogSoftmax() throws {
        let model = try CLITestSupport.tinyModel()
        let tokenizer = CharacterTokenizer()
        let command = try LogprobsCommand.parse(["--model", "tiny", "1+2=3"])
        let result = try command.score(model: model, tokenizer: tokenizer)
        let ids = tokenizer.encode("1+2=3", addSpecialTokens: true)
        #expect(result.tokens.map(\.id) == ids)
        #expect(result.tokens[0].logprob == nil)
        var total = 0.0
        for t in 1..<ids.count {
            let expected = Self.logSoftmax(Self.nextLogits(model, Array(ids[..<t])), at: ids[t])
            let got = try #require(result.tokens[t].logprob)
            #expect(abs(Double(got) - expected) < 1e-4, "position \(t)")
            total += expected
        }
        #expect(result.scoredTokens == ids.count - 1)
        #expect(abs(result.totalLogprob - total) < 1e-3)
        #expect(abs(result.perplexity - exp(-total / Double(ids.count - 1))) < 1e-3 * result.perplexity)
        let text = try command.render(result)
        #expect(text.contains("\(ids.count - 1) tokens scored"))
        let json = try JSONSerialization.jsonObject(with: Data(try LogprobsCommand.parse(["--model", "tiny", "1+2=3", "--json"]).render(result).utf8)) as? [String: Any]
        #expect((json?["tokens"] as? [Any])?.count == ids.count)
        #expect(json?["perplexity"] is Double)
    }

    @Test func logprobsInputErrors() throws {
        #expect(throws: CLIError.textTooShort(tokens: 1, needed: 2)) {
            _ = try LogprobsCommand.parse(["--model", "tiny", "x", "--no-special"]).score(model: try CLITestSupport.tinyModel(), tokenizer: CharacterTokenizer())
        }
        #expect(throws: CLIError.textTooLong(tokens: 601, limit: 512)) {
            _ = try LogprobsCommand.parse(["--model", "tiny", String(repeating: "7", count: 600)])
                .score(model: try CLITestSupport.tinyModel(), tokenizer: CharacterTokenizer())
        }
        let missing = try LogprobsCommand.parse(["--model", "tiny", "--file", "/nonexistent/text.txt"])
        #expect(throws: CLIError.self) { _ = try missing.inputText() }
        do {
            _ = try LogprobsCommand.parse(["--model", "tiny"])
            Issue.record("parsed without text")
        } catch {
            #expect(LogprobsCommand.message(for: error) == "give the text to score as an argument or with --file FILE (not both)")
        }
    }

    @Test func greedyGenerationFollowsTheArgmax() throws {
        let model = try CLITestSupport.tinyModel()
        let tokenizer = CharacterTokenizer()
        let command = try GenerateCommand.parse(["--model", "tiny", "--prompt", "12+", "-n", "2", "--temperature", "0", "--max-tokens", "6"])
        let result = try command.generate(model: model, tokenizer: tokenizer)
        let prompt = tokenizer.encode("12+", addSpecialTokens: true)
        #expect(result.promptTokens == prompt)
        #expect(result.completions.count == 2)
        #expect(result.completions[0].tokens == result.completions[1].tokens)
        let c = result.completions[0]
        #expect(c.tokenCount == c.tokens.count && c.logprobs.count == c.tokens.count && (1...6).contains(c.tokenCount))
        var prefix = prompt
        for (i, token) in c.tokens.enumerated() {
            let logits = Self.nextLogits(model, prefix)
            let argmax = Int32(logits.indices.max { logits[$0] < logits[$1] } ?? 0)
            #expect(token == argmax, "step \(i)")
            #expect(abs(Double(c.logprobs[i]) - Self.logSoftmax(logits, at: token)) < 1e-4)
            prefix.append(token)
        }
        let stopped = tokenizer.eosTokenIds.contains(c.tokens.last ?? -1)
        #expect(c.finishReason == (stopped ? "stop(token \(c.tokens.last ?? -1))" : "length"))
        #expect(c.text == tokenizer.decode(c.tokens, skipSpecialTokens: true))
        #expect(result.statistics.generatedTokens == 2 * c.tokenCount)
        let text = try command.render(result)
        #expect(text.contains("--- sample 2/2: \(c.tokenCount) tokens, finish \(c.finishReason)"))
        #expect(text.contains("tokens/s"))
    }

    @Test func generateJSONCarriesTokensAndLogprobs() throws {
        let command = try GenerateCommand.parse(["--model", "tiny", "--r1-zero", "1+1", "-n", "3", "--max-tokens", "4", "--seed", "9", "--json"])
        let result = try command.generate(model: try CLITestSupport.tinyModel(), tokenizer: CharacterTokenizer())
        let object = try JSONSerialization.jsonObject(with: Data(try command.render(result).utf8)) as? [String: Any]
        let completions = try #require(object?["completions"] as? [[String: Any]])
        #expect(completions.count == 3)
        for (i, c) in completions.enumerated() {
            #expect((c["tokens"] as? [Int])?.map(Int32.init) == result.completions[i].tokens)
            #expect((c["logprobs"] as? [Double])?.count == result.completions[i].tokens.count)
            #expect(c["finish_reason"] is String && c["text"] is String)
        }
        #expect((object?["parameters"] as? [String: Any])?["seed"] as? Int == 9)
    }

    @Test func jsonlOutputFeedsRewardScoring() throws {
        let command = try GenerateCommand.parse(["--model", "tiny", "--r1-zero", "1+1", "-n", "3", "--max-tokens", "5",
                                                 "--jsonl", "--answer", "2"])
        let result = try command.generate(model: try CLITestSupport.tinyModel(), tokenizer: CharacterTokenizer())
        let text = try command.render(result)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        for (i, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["completion"] as? String == result.completions[i].text)
            #expect(object?["answer"] as? String == "2")
            #expect(object?["token_count"] as? Int == result.completions[i].tokenCount)
        }
        let url = try CLITestSupport.scratchDirectory().appendingPathComponent("samples.jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let report = try RewardCommand.parse(["--input", url.path, "--rewards", "accuracy,format"]).report()
        #expect(report.sampleCount == 3)
        #expect(report.statistics.first { $0.name == "accuracy" }?.count == 3)
    }

    @Test func generateOutputFlagsAreExclusive() {
        for (arguments, message) in [(["--json", "--jsonl"], "give --json or --jsonl, not both"),
                                     (["--answer", "4"], "--answer only applies to --jsonl")] {
            do {
                _ = try GenerateCommand.parse(["--model", "m", "--prompt", "p"] + arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(GenerateCommand.message(for: error) == message)
            }
        }
    }

    @Test func promptLongerThanTheContextIsAGenerationError() throws {
        let command = try GenerateCommand.parse(["--model", "tiny", "--prompt", String(repeating: "1", count: 500), "--max-tokens", "100"])
        do {
            _ = try command.generate(model: try CLITestSupport.tinyModel(), tokenizer: CharacterTokenizer())
            Issue.record("over-long request accepted")
        } catch {
            #expect("\(error)".contains("Shorten the prompt or lower maxNewTokens"))
        }
    }
}
