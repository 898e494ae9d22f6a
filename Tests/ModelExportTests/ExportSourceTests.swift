// Loading what is exported: GGUF and HF sources, and training checkpoints (Training's CheckpointStore layout:
// <run>/checkpoints/step-NNNNNNNN/{weights.safetensors, manifest.json}, GRPO's `reference.*` tensors skipped)
// applied to a base model; plus option validation.
import Foundation
import ModelFormats
import Models
import ModelExport
import Testing

@Suite struct ExportSourceTests {
    /// Writes a checkpoint directory holding `model`'s tensors times `factor` (plus a reference copy).
    func writeCheckpoint(_ model: LlamaModel, factor: Float, to directory: URL, manifest: Bool = true,
                         edit: (inout [(String, [Int], [Float])]) -> Void = { _ in }) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var tensors = model.parameters.layout.entries.map { ($0.name, $0.shape, model.parameters[$0.name].map { $0 * factor }) }
        tensors += model.parameters.layout.entries.map { ("reference." + $0.name, $0.shape, Array(model.parameters[$0.name])) }
        edit(&tensors)
        var writer = SafetensorsWriter(metadata: ["format": "swiftr1"])
        for (name, shape, values) in tensors { try writer.addTensor(name, shape: shape, values: values) }
        try writer.write(to: directory.appendingPathComponent("weights.safetensors"))
        if manifest { try Data("{}".utf8).write(to: directory.appendingPathComponent("manifest.json")) }
    }

    @Test func newestCompleteCheckpointOfARunReplacesTheWeights() throws {
        let base = ExportFixtures.directory.appendingPathComponent("tiny_llama")
        let original = try LlamaModel.load(huggingFaceDirectory: base)
        let run = try ExportFixtures.scratch("run")
        defer { try? FileManager.default.removeItem(at: run) }
        let checkpoints = run.appendingPathComponent("checkpoints")
        try writeCheckpoint(original, factor: 3, to: checkpoints.appendingPathComponent("step-00000001"))
        try writeCheckpoint(original, factor: 2, to: checkpoints.appendingPathComponent("step-00000010"))
        try writeCheckpoint(original, factor: 5, to: checkpoints.appendingPathComponent("step-00000020"), manifest: false)
        #expect(try ExportableModel.checkpointDirectory(run).lastPathComponent == "step-00000010")
        let hfWithTokenizer = try ExportFixtures.scratch("base")
        defer { try? FileManager.default.removeItem(at: hfWithTokenizer) }
        try HuggingFaceExporter.write(try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm"), to: hfWithTokenizer)
        let source = try ExportableModel.load(model: hfWithTokenizer, checkpoint: run)
        #expect(Array(source.model.parameters.flat) == original.parameters.flat.map { $0 * 2 })
        let direct = try ExportableModel.load(model: hfWithTokenizer, checkpoint: checkpoints.appendingPathComponent("step-00000001"))
        #expect(Array(direct.model.parameters.flat) == original.parameters.flat.map { $0 * 3 })
    }

    @Test func checkpointOfAnotherModelIsRejected() throws {
        var source = try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm")
        let directory = try ExportFixtures.scratch("bad-checkpoint")
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeCheckpoint(source.model, factor: 1, to: directory) { tensors in
            let q = tensors.firstIndex { $0.0 == "model.layers.0.self_attn.q_proj.weight" }!
            tensors[q] = (tensors[q].0, [tensors[q].2.count], tensors[q].2)  // flattened: wrong shape
        }
        #expect(throws: ExportError.self) { try source.applyCheckpoint(directory) }
        try writeCheckpoint(source.model, factor: 1, to: directory) { tensors in tensors.remove(at: 0) }
        do {
            try source.applyCheckpoint(directory)
            Issue.record("a checkpoint without model.embed_tokens.weight was accepted")
        } catch let error as ExportError {
            #expect(error == .checkpointMismatch(path: directory.appendingPathComponent("weights.safetensors").path,
                                                 tensor: "model.embed_tokens.weight", reason: "is missing"))
        }
        let empty = try ExportFixtures.scratch("empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ExportError.noCheckpoint(path: empty.path)) { try ExportableModel.checkpointDirectory(empty) }
    }

    @Test func ggufSourceKeepsNameTokenizerAndWeights() throws {
        let tiny = try ExportFixtures.source("tiny_qwen2", tokenizer: "tiny_qwen2")
        let directory = try ExportFixtures.scratch("gguf-source")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.gguf")
        try GGUFExporter.write(tiny, to: url, name: "named")
        let loaded = try ExportableModel.load(model: url)
        #expect(loaded.name == "named")
        #expect(Array(loaded.model.parameters.flat) == Array(tiny.model.parameters.flat))
        #expect(loaded.tokenizer.mergeRules.count == tiny.tokenizer.mergeRules.count)
        #expect(throws: ExportError.notAModel(path: directory.appendingPathComponent("missing.gguf").path)) {
            try ExportableModel.load(model: directory.appendingPathComponent("missing.gguf"))
        }
    }

    @Test func optionsRejectQ8_0ForHuggingFace() throws {
        #expect(throws: ExportError.self) { try ExportOptions(format: .huggingFace, dtype: .q8_0).validate() }
        #expect(throws: ExportError.self) { try ExportOptions(format: .gguf, name: "").validate() }
        for dtype in ExportDType.allCases { try ExportOptions(format: .gguf, dtype: dtype).validate() }
        let source = try ExportFixtures.source("tiny_llama", tokenizer: "tiny_smollm")
        #expect(throws: ExportError.self) {
            try HuggingFaceExporter.write(source, to: FileManager.default.temporaryDirectory.appendingPathComponent("never"), dtype: .q8_0)
        }
    }

    @Test func rotaryPermutationMatchesTheGGUFRowOrder() {
        // One head, D = 4, one column: HF rows (pairs i, i + D/2) = [a0, a1, b0, b1] → GGUF [a0, b0, a1, b1].
        #expect(RotaryPermutation.toGGUF([10, 11, 20, 21], heads: 1, headDim: 4) == [10, 20, 11, 21])
        // Two heads, D = 2 (pairs are already adjacent): unchanged.
        #expect(RotaryPermutation.toGGUF([1, 2, 3, 4], heads: 2, headDim: 2) == [1, 2, 3, 4])
    }
}
