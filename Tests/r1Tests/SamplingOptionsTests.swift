// Sampling and prompt flags → library values, and the exact messages of rejected flags.
import ArgumentParser
import Generation
import Testing
import Tokenizers
@testable import r1

@Suite struct SamplingOptionsTests {
    @Test func defaultsAreTheLibraryDefaults() throws {
        let options = try SamplingOptions.parse([])
        #expect(options.parameters(stopTokenIDs: []) == SamplingParameters())
    }

    @Test func flagsMapToSamplingParameters() throws {
        let options = try SamplingOptions.parse([
            "--max-tokens", "128", "--temperature", "0.7", "--top-k", "40", "--top-p", "0.9", "--min-p", "0.05",
            "--seed", "42", "--stop", "</answer>", "--stop", "\n\n",
        ])
        let expected = SamplingParameters(temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, maxNewTokens: 128, seed: 42,
                                          stopTokenIDs: [2, 7], stopStrings: ["</answer>", "\n\n"])
        #expect(options.parameters(stopTokenIDs: [2, 7]) == expected)
    }

    @Test(arguments: [
        (["--top-p", "1.5"], "Invalid sampling parameter topP = 1.5: must be in (0, 1] (1 = disabled). Change topP in the sampling parameters."),
        (["--temperature=-1"], "Invalid sampling parameter temperature = -1.0: must be finite and >= 0 (0 = greedy). Change temperature in the sampling parameters."),
        (["--max-tokens", "0"], "Invalid sampling parameter maxNewTokens = 0: must be >= 1. Change maxNewTokens in the sampling parameters."),
        (["--stop", ""], "Invalid sampling parameter stopStrings = \"\": stop strings must be non-empty. Change stopStrings in the sampling parameters."),
    ])
    func invalidFlagsAreRejectedWithTheLibraryMessage(arguments: [String], message: String) {
        do {
            _ = try SamplingOptions.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(SamplingOptions.message(for: error) == message)
        }
    }

    @Test(arguments: [
        ([String](), "give a prompt: --prompt TEXT, --chat TEXT or --r1-zero TEXT"),
        (["--prompt", "a", "--chat", "b"], "give only one of --prompt, --chat and --r1-zero"),
        (["--prompt", "a", "--system", "s"], "--system only applies to --chat"),
    ])
    func promptFlagsAreExclusive(arguments: [String], message: String) {
        do {
            _ = try PromptOptions.parse(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(PromptOptions.message(for: error) == message)
        }
    }

    @Test func generateRejectsZeroSamples() {
        do {
            _ = try GenerateCommand.parse(["--model", "m.gguf", "--prompt", "x", "-n", "0"])
            Issue.record("-n 0 parsed")
        } catch {
            #expect(GenerateCommand.message(for: error) == "-n must be at least 1 (got 0)")
        }
    }

    @Test func r1ZeroPromptUsesThePaperTemplate() throws {
        let options = try PromptOptions.parse(["--r1-zero", "What is 2+3?"])
        let rendered = try options.render(tokenizer: CharacterTokenizer(), modelName: "m")
        #expect(rendered.text == ChatTemplate.r1ZeroPreamble + " User: What is 2+3?. Assistant:")
        #expect(rendered.addSpecialTokens)
    }

    @Test func chatPromptUsesTheTokenizersTemplate() throws {
        let tokenizer = try BPETokenizer(tokenizerJSON: CLITestSupport.fixtures.appendingPathComponent("tokenizer/tiny_smollm/tokenizer.json"))
        let options = try PromptOptions.parse(["--chat", "Hi", "--system", "Be brief."])
        let rendered = try options.render(tokenizer: tokenizer, modelName: "m")
        #expect(rendered.text == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(!rendered.addSpecialTokens)
    }

    @Test func chatWithoutTemplateIsAnError() throws {
        let options = try PromptOptions.parse(["--chat", "Hi"])
        #expect(throws: CLIError.noChatTemplate(model: "tiny")) {
            _ = try options.render(tokenizer: CharacterTokenizer(), modelName: "tiny")
        }
    }

    @Test func rootCommandKnowsTheSubcommands() throws {
        #expect(try R1.parseAsRoot(["verify", "1", "1.0"]) is VerifyCommand)
        #expect(try R1.parseAsRoot(["inspect", "x.gguf"]) is InspectCommand)
        #expect(try R1.parseAsRoot(["tokenize", "--tokenizer", "t.json", "hi"]) is TokenizeCommand)
        #expect(try R1.parseAsRoot(["logprobs", "--model", "m.gguf", "hi"]) is LogprobsCommand)
        #expect(try R1.parseAsRoot(["reward", "--list"]) is RewardCommand)
        #expect(try R1.parseAsRoot(["generate", "--model", "m.gguf", "--prompt", "hi"]) is GenerateCommand)
    }
}
