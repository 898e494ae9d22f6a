// `--model` pointing at a Hugging Face directory written here (config.json, model.safetensors and the
// tiny SmolLM tokenizer fixture): weights, tokenizer and chat template reach the commands unchanged.
import Foundation
import ModelFormats
import Models
import Testing
import Tokenizers
@testable import r1

@Suite struct ModelOptionsTests {
    /// Writes a random 2-layer model with the tiny SmolLM tokenizer (V = 470) as a Hugging Face directory.
    static func writeDirectory() throws -> (url: URL, model: LlamaModel) {
        let configuration = LlamaConfiguration(
            hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4, kvHeadCount: 2, vocabularySize: 470,
            maxPositionEmbeddings: 256)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: 3, scale: 0.3)
        let directory = try CLITestSupport.scratchDirectory()
        try JSONEncoder().encode(configuration).write(to: directory.appendingPathComponent("config.json"))
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, shape, values) in model.exportParameters() { try writer.addTensor(name, shape: shape, values: Array(values)) }
        try writer.write(to: directory.appendingPathComponent("model.safetensors"))
        let fixture = CLITestSupport.fixtures.appendingPathComponent("tokenizer/tiny_smollm")
        for name in ["tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return (directory, model)
    }

    @Test func huggingFaceDirectoryLoads() throws {
        let (url, written) = try Self.writeDirectory()
        let options = try ModelOptions.parse(["--model", url.path, "--threads", "1"])
        #expect(try options.source() == .huggingFace(URL(fileURLWithPath: url.path)))
        let loaded = try options.load()
        #expect(loaded.model.configuration == written.configuration)
        for ((name, _, a), (_, _, b)) in zip(written.exportParameters(), loaded.model.exportParameters()) {
            #expect(Array(a) == Array(b), "\(name)")
        }
        #expect(loaded.tokenizer.vocabularySize == 470)
        let command = try GenerateCommand.parse(["--model", url.path, "--chat", "Hi", "--temperature", "0", "--max-tokens", "3"])
        let result = try command.generate(model: loaded.model, tokenizer: loaded.tokenizer)
        #expect(result.prompt == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        #expect(result.promptTokens.first == loaded.tokenizer.tokenId(for: "<|im_start|>"))
        #expect(result.completions.count == 1 && (1...3).contains(result.completions[0].tokenCount))
        let tokenize = try TokenizeCommand.parse(["--model", url.path, "hello"])
        #expect(try tokenize.loadTokenizer().encode("hello", addSpecialTokens: false) == loaded.tokenizer.encode("hello", addSpecialTokens: false))
    }

    @Test func missingWeightsAreAModelError() throws {
        let (url, _) = try Self.writeDirectory()
        try FileManager.default.removeItem(at: url.appendingPathComponent("model.safetensors"))
        let options = try ModelOptions.parse(["--model", url.path])
        do {
            _ = try options.load()
            Issue.record("loaded without weights")
        } catch let error as ModelError {
            #expect("\(error)".contains("model.safetensors"))
        }
    }

    @Test func threadsMustBePositive() {
        do {
            _ = try ModelOptions.parse(["--model", "m", "--threads", "0"])
            Issue.record("--threads 0 parsed")
        } catch {
            #expect(ModelOptions.message(for: error) == "--threads must be at least 1 (got 0)")
        }
    }
}
