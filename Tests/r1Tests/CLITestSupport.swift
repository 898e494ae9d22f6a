// Shared helpers of the r1 command tests: fixture paths, scratch directories and a tiny random model.
import Foundation
import Models
import Tokenizers

enum CLITestSupport {
    /// Fixtures/ of the repository holding this file.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A fresh scratch directory under the system temporary directory.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("r1Tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A 2-layer random Llama whose vocabulary matches `CharacterTokenizer`.
    static func tinyModel(seed: UInt64 = 5) throws -> LlamaModel {
        let configuration = LlamaConfiguration(
            hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4, kvHeadCount: 2,
            vocabularySize: CharacterTokenizer().vocabularySize, maxPositionEmbeddings: 512)
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.3)
        return model
    }
}
