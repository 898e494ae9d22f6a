// Shared fixture of the SFT tests: the tiny dataset rendered for CharacterTokenizer (R1-Zero template) and
// a tiny random Llama over that vocabulary.
import Foundation
import Models
import Tokenizers
@testable import Trainers

enum SFTTestSupport {
    static let tokenizer = CharacterTokenizer()

    /// A 1-layer Llama (hidden 32) over the character vocabulary.
    static func model(seed: UInt64 = 7) throws -> LlamaModel {
        let configuration = LlamaConfiguration(hiddenSize: 32, intermediateSize: 64, layerCount: 1, headCount: 4, kvHeadCount: 2,
                                               vocabularySize: tokenizer.vocabularySize, maxPositionEmbeddings: 128)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.1)
        return model
    }

    /// Fast settings: constant lr 1e-2, batches of 4, no checkpoints unless asked.
    static func configuration(_ edit: (inout SFTConfiguration) -> Void = { _ in }) -> SFTConfiguration {
        var c = SFTConfiguration()
        c.learningRate = 1e-2
        c.lrSchedulerType = .constant
        c.weightDecay = 0
        c.perDeviceTrainBatchSize = 4
        c.maxLength = 96
        c.seed = 3
        c.saveSteps = 0
        c.loggingSteps = 1
        edit(&c)
        return c
    }

    /// Fixtures/sft/<name> rendered with the configuration's settings.
    static func examples(_ name: String = "tiny.jsonl", configuration: SFTConfiguration) throws -> [SFTExample] {
        let url = SFTConfigurationTests.repository.appendingPathComponent("Fixtures/sft").appendingPathComponent(name)
        let renderer = SFTTokenizer(tokenizer: tokenizer, template: SFTTokenizer.template(configuration.chatTemplate, tokenizer: tokenizer),
                                    configuration: configuration)
        return try SFTRecord.load(jsonl: url).map(renderer.example(for:))
    }

    /// The model's flat weights.
    static func weights(_ model: LlamaModel) -> [Float] { Array(model.parameters.flat) }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftr1-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
