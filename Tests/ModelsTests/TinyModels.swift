// Tiny seeded model configurations shared by the model tests.
import Testing
@testable import Models
@testable import TensorEngine

enum TinyModels {
    /// llama: GQA (H = 4, Hkv = 2), untied head. qwen2: q/k/v biases, tied embeddings, H = 4, Hkv = 1, D = 6 ≠ C/H.
    static let configurations: [LlamaConfiguration] = [
        LlamaConfiguration(modelType: "llama", hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4,
                           kvHeadCount: 2, rmsNormEpsilon: 1e-5, ropeTheta: 10000, vocabularySize: 23,
                           tieWordEmbeddings: false, maxPositionEmbeddings: 64),
        LlamaConfiguration(modelType: "qwen2", hiddenSize: 16, intermediateSize: 20, layerCount: 2, headCount: 4,
                           kvHeadCount: 1, headDim: 6, rmsNormEpsilon: 1e-6, ropeTheta: 1_000_000, vocabularySize: 19,
                           tieWordEmbeddings: true, maxPositionEmbeddings: 64),
    ]

    static func model(_ configuration: LlamaConfiguration, seed: UInt64 = 7) throws -> LlamaModel {
        let model = try LlamaModel(configuration: configuration)
        model.randomize(seed: seed, scale: 0.3)
        return model
    }

    static func tokens(_ count: Int, vocabulary: Int, seed: UInt64) -> [Int32] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int32(g.next() % UInt64(vocabulary)) }
    }
}

func maxRelativeDifference(_ a: [Float], _ b: [Float], atol: Float = 1e-5) -> Float {
    precondition(a.count == b.count, "shape mismatch \(a.count) vs \(b.count)")
    var worst: Float = 0
    for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / (atol + abs(b[i]))) }
    return worst
}
