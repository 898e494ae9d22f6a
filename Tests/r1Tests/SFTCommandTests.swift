// `r1 sft` end to end on a tiny random model in a Hugging Face directory (tiny SmolLM tokenizer, ChatML):
// run directory, final/ folder that loads back with its tokenizer, --resume rules, recipe errors.
import Foundation
import ModelExport
import ModelFormats
import Models
import Testing
import Tokenizers
import Trainers
@testable import r1

@Suite struct SFTCommandTests {
    static let data = CLITestSupport.fixtures.appendingPathComponent("sft/tiny.jsonl").path
    static let evalData = CLITestSupport.fixtures.appendingPathComponent("sft/tiny_eval.jsonl").path
    static let recipe = CLITestSupport.fixtures.deletingLastPathComponent().appendingPathComponent("Recipes/tiny-sft.yaml").path

    static func arguments(model: URL, output: URL, _ extra: [String] = []) -> [String] {
        ["--model", model.path, "--data", data, "--eval-data", evalData, "--recipe", recipe, "--output", output.path,
         "--threads", "1", "--set", "max_steps=4", "--set", "save_steps=2", "--set", "max_length=160"] + extra
    }

    @Test func trainsAndWritesAFinalHuggingFaceFolder() throws {
        let (model, written) = try ModelOptionsTests.writeDirectory()
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("run")
        let command = try SFTCommand.parse(Self.arguments(model: model, output: output))
        let prepared = try command.prepare()
        let run = prepared.run
        #expect(prepared.summary.contains("template chatml") && prepared.summary.contains("8 examples → 8 rows")
                && prepared.summary.contains("4 steps"))
        run.output = { _ in }
        try run.train()
        let final = try command.writeFinal(run, tokenizer: prepared.tokenizer)
        #expect(run.trainer.stepCount == 4)
        for name in ["config.yaml", "metrics.jsonl", "checkpoints/step-00000004"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
        let loaded = try LlamaModel.load(huggingFaceDirectory: final)
        #expect(Array(loaded.parameters.flat) == Array(run.trainer.model.parameters.flat))
        #expect(Array(loaded.parameters.flat) != Array(written.parameters.flat))
        let tokenizer = try BPETokenizer(tokenizerJSON: final.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.vocabularySize == 470 && tokenizer.chatTemplateSource != nil)
        // The same output again needs --resume; with it, the finished run stays finished.
        let again = try SFTCommand.parse(Self.arguments(model: model, output: output))
        #expect(throws: (any Error).self) { try again.prepare() }
        let resumed = try SFTCommand.parse(Self.arguments(model: model, output: output, ["--resume"]))
        let second = try resumed.prepare().run
        second.output = { _ in }
        #expect(try second.resumeIfPossible() == 4)
        #expect(try second.train().isEmpty)
    }

    @Test func packedRunCountsRows() throws {
        let (model, _) = try ModelOptionsTests.writeDirectory()
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("packed")
        let command = try SFTCommand.parse(Self.arguments(model: model, output: output, ["--set", "packing=true", "--set", "max_length=200"]))
        let prepared = try command.prepare()
        let run = prepared.run
        #expect(prepared.summary.contains("(packed)"))
        #expect(run.data.rows.count < 8 && run.data.rows.flatMap { $0 }.sorted() == Array(0..<8))
    }

    @Test func recipeAndDataErrorsReachTheUser() throws {
        let (model, _) = try ModelOptionsTests.writeDirectory()
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("bad")
        let typo = try SFTCommand.parse(Self.arguments(model: model, output: output, ["--set", "packin=true"]))
        #expect { try typo.prepare() } throws: { "\($0)".contains("did you mean 'packing'?") }
        let broken = try CLITestSupport.scratchDirectory().appendingPathComponent("broken.jsonl")
        try Data("{\"text\": \"ok\"}\n{\"messages\": [{\"role\": \"user\"}]}\n".utf8).write(to: broken)
        var arguments = Self.arguments(model: model, output: output)
        arguments[arguments.firstIndex(of: Self.data)!] = broken.path
        let bad = try SFTCommand.parse(arguments)
        #expect { try bad.prepare() } throws: { "\($0)".hasPrefix("\(broken.path):2: 'messages[0]' has no 'content'") }
    }

    @Test func loraRunWritesAPEFTAdapterAndTheMergedModel() throws {
        let (model, written) = try ModelOptionsTests.writeDirectory()
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("lora")
        let command = try SFTCommand.parse(Self.arguments(model: model, output: output, [
            "--set", "use_peft=true", "--set", "lora_r=2", "--set", "lora_target_modules=[q_proj,v_proj]", "--set", "lora_dropout=0"]))
        let prepared = try command.prepare()
        #expect(prepared.summary.contains("LoRA: r 2"))
        prepared.run.output = { _ in }
        try prepared.run.train()
        #expect(Array(prepared.run.trainer.model.parameters.flat) == Array(written.parameters.flat))
        let adapted = prepared.run.trainer.evaluate(prepared.run.data.examples)
        let final = try command.writeFinal(prepared.run, tokenizer: prepared.tokenizer)
        let adapter = try LoRAAdapter.load(from: output.appendingPathComponent("adapter"), modelConfiguration: written.configuration)
        #expect(adapter.configuration.rank == 2)
        let merged = try LlamaModel.load(huggingFaceDirectory: final)
        #expect(Array(merged.parameters.flat) != Array(written.parameters.flat))
        // The merged model scores the training data as the adapted model did.
        let check = try SFTTrainer(model: merged, configuration: prepared.run.trainer.configuration.withoutPEFT, totalSteps: 1)
        #expect(abs(check.evaluate(prepared.run.data.examples) - adapted) < 1e-4)
    }

    @Test func ggufSourceGetsTokenizerFilesFromTheExporter() throws {
        let (directory, written) = try ModelOptionsTests.writeDirectory()
        let tokenizer = try BPETokenizer(tokenizerJSON: directory.appendingPathComponent("tokenizer.json"))
        let gguf = try CLITestSupport.scratchDirectory().appendingPathComponent("tiny.gguf")
        try GGUFExporter.write(ExportableModel(model: written, tokenizer: tokenizer, name: "tiny"), to: gguf)
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("from-gguf")
        let command = try SFTCommand.parse(Self.arguments(model: gguf, output: output, ["--set", "max_steps=1"]))
        let prepared = try command.prepare()
        prepared.run.output = { _ in }
        try prepared.run.train()
        let final = try command.writeFinal(prepared.run, tokenizer: prepared.tokenizer)
        let reloaded = try BPETokenizer(tokenizerJSON: final.appendingPathComponent("tokenizer.json"))
        let text = "<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n"
        #expect(reloaded.encode(text, addSpecialTokens: false) == tokenizer.encode(text, addSpecialTokens: false))
        let loaded = try LlamaModel.load(huggingFaceDirectory: final)
        #expect(Array(loaded.parameters.flat) == Array(prepared.run.trainer.model.parameters.flat))
    }

    @Test func tokenizerLargerThanTheModelIsAnErrorNotACrash() throws {
        let (directory, _) = try ModelOptionsTests.writeDirectory()
        let configuration = LlamaConfiguration(hiddenSize: 16, intermediateSize: 24, layerCount: 1, headCount: 4, kvHeadCount: 2,
                                               vocabularySize: 100, maxPositionEmbeddings: 256)
        let small = try LlamaModel(configuration: configuration)
        try JSONEncoder().encode(configuration).write(to: directory.appendingPathComponent("config.json"))
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, shape, values) in small.exportParameters() { try writer.addTensor(name, shape: shape, values: Array(values)) }
        try writer.write(to: directory.appendingPathComponent("model.safetensors"))
        let output = try CLITestSupport.scratchDirectory().appendingPathComponent("vocab")
        let command = try SFTCommand.parse(Self.arguments(model: directory, output: output))
        #expect { try command.prepare() } throws: { "\($0)".contains("but the model's vocabulary has 100 entries") }
    }
}
