// GGUF export: reload with LlamaModel.load(gguf:) (which undoes llama.cpp's Q/K permutation) and
// BPETokenizer(gguf:); F32 is exact, F16 / Q8_0 are within stated bounds; tensors equal those gguf-py writes
// for the same weights (Scripts/fixtures/export_reference.py → Fixtures/export/*.gguf.bin).
import Foundation
import ModelFormats
import Models
import ModelExport
import Testing
import Tokenizers

@Suite struct GGUFExportTests {
    static let cases = ExportFixtures.models.map(\.folder)

    func exported(_ folder: String, _ dtype: ExportDType) throws -> (ExportableModel, URL) {
        let pair = ExportFixtures.models.first { $0.folder == folder }!
        let source = try ExportFixtures.source(pair.folder, tokenizer: pair.tokenizer)
        let url = try ExportFixtures.scratch("gguf").appendingPathComponent("\(folder)-\(dtype).gguf")
        try GGUFExporter.write(source, to: url, dtype: dtype, name: "tiny \(folder)")
        return (source, url)
    }

    @Test(arguments: cases)
    func f32RoundTripIsExact(folder: String) throws {
        let (source, url) = try exported(folder, .f32)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let reloaded = try LlamaModel.load(gguf: url)
        #expect(reloaded.configuration.modelType == (folder == "tiny_qwen2" ? "qwen2" : "llama"))
        #expect(reloaded.configuration.tieWordEmbeddings == source.configuration.tieWordEmbeddings)
        #expect(reloaded.configuration.attentionBias == source.configuration.attentionBias)
        #expect(reloaded.configuration.rmsNormEpsilon == source.configuration.rmsNormEpsilon)
        #expect(Array(reloaded.parameters.flat) == Array(source.model.parameters.flat))
        let tokens = ExportFixtures.tokens(vocabulary: source.configuration.vocabularySize)
        #expect(ExportFixtures.logits(reloaded, tokens) == ExportFixtures.logits(source.model, tokens))
    }

    /// F16: every weight is its binary16 rounding; logits within 2e-3 of the F32 model (relative to the largest).
    @Test(arguments: cases)
    func f16RoundTripRoundsEachWeight(folder: String) throws {
        let (source, url) = try exported(folder, .f16)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let reloaded = try LlamaModel.load(gguf: url)
        for entry in source.model.parameters.layout.entries {
            let original = Array(source.model.parameters[entry.name]), loaded = Array(reloaded.parameters[entry.name])
            let expected = entry.shape.count == 1 ? original : original.map { Float(Float16($0)) }
            #expect(loaded == expected, "\(entry.name)")
        }
        let tokens = ExportFixtures.tokens(vocabulary: source.configuration.vocabularySize)
        let error = ExportFixtures.relativeError(ExportFixtures.logits(reloaded, tokens), ExportFixtures.logits(source.model, tokens))
        #expect(error < 2e-3, "relative logit error \(error)")
    }

    /// Q8_0: per block of 32, |w' − w| ≤ amax·(1/254 + 2⁻¹¹) (half a quantization step plus the binary16
    /// rounding of the scale); logits within 0.1 of the largest F32 logit (measured 0.058 / 0.02 for the two tiny
    /// random models, whose logits are small and carry no dominant structure; the real-model check in
    /// Scripts/export-check compares greedy text in llama.cpp).
    @Test(arguments: cases)
    func q8_0RoundTripStaysWithinTheQuantizationStep(folder: String) throws {
        let (source, url) = try exported(folder, .q8_0)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let reloaded = try LlamaModel.load(gguf: url)
        for entry in source.model.parameters.layout.entries {
            let original = Array(source.model.parameters[entry.name]), loaded = Array(reloaded.parameters[entry.name])
            if entry.shape.count == 1 { #expect(loaded == original, "\(entry.name)"); continue }
            // Compare in GGUF row order: permutation moves whole rows, so blocks stay intact up to row order.
            for rowStart in stride(from: 0, to: original.count, by: 32) {
                let block = original[rowStart..<rowStart + 32]
                let amax = block.map(abs).max()!
                let bound = amax * (1 / 254 + 1 / 2048) * 1.0001
                let worst = zip(block, loaded[rowStart..<rowStart + 32]).map { abs($0 - $1) }.max()!
                if worst > bound { Issue.record("\(entry.name) block at \(rowStart): error \(worst) > \(bound)"); break }
            }
        }
        let tokens = ExportFixtures.tokens(vocabulary: source.configuration.vocabularySize)
        let error = ExportFixtures.relativeError(ExportFixtures.logits(reloaded, tokens), ExportFixtures.logits(source.model, tokens))
        #expect(error < 0.1, "relative logit error \(error)")
    }

    @Test(arguments: [("tiny_llama", ExportDType.f16), ("tiny_llama", .q8_0), ("tiny_qwen2", .q8_0)])
    func tensorsMatchGGUFPyReference(folder: String, dtype: ExportDType) throws {
        let (_, url) = try exported(folder, dtype)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let ours = try GGUFFile(url: url)
        let reference = try GGUFFile(url: ExportFixtures.directory.appendingPathComponent("\(folder).\(dtype.rawValue).gguf.bin"))
        #expect(Set(ours.tensors.map(\.name)) == Set(reference.tensors.map(\.name)))
        for info in reference.tensors {
            let mine = try ours.tensorInfo(named: info.name)
            #expect(mine.type == info.type, "\(info.name)")
            #expect(mine.shape == info.shape, "\(info.name)")
            let same = try Array(ours.rawData(info.name)) == Array(reference.rawData(info.name))
            #expect(same, "\(info.name): bytes differ from gguf-py's")
        }
    }

    @Test(arguments: cases)
    func metadataFollowsLlamaCpp(folder: String) throws {
        let (source, url) = try exported(folder, .q8_0)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let file = try GGUFFile(url: url)
        let arch = folder == "tiny_qwen2" ? "qwen2" : "llama"
        #expect(try file.string(GGUFMetadataKey.architecture) == arch)
        #expect(try file.string(GGUFMetadataKey.name) == "tiny \(folder)")
        #expect(try file.int(GGUFMetadataKey.fileType) == 7)
        #expect(try file.int(GGUFMetadataKey.blockCount(arch)) == 2)
        #expect(try file.int(GGUFMetadataKey.headCountKV(arch)) == 2)
        #expect(try file.int(GGUFMetadataKey.ropeDimensionCount(arch)) == 8)
        #expect(try file.float(GGUFMetadataKey.ropeFrequencyBase(arch)) == 10000)
        #expect(try file.string(GGUFMetadataKey.tokenizerModel) == "gpt2")
        #expect(try file.string(GGUFMetadataKey.tokenizerPre) == (folder == "tiny_qwen2" ? "qwen2" : "smollm"))
        let tokens = try file.stringArray(GGUFMetadataKey.tokens)
        #expect(tokens.count == source.configuration.vocabularySize)
        #expect(tokens[source.tokenizer.vocabularySize] == "[PAD\(source.tokenizer.vocabularySize)]")
        #expect(try file.intArray(GGUFMetadataKey.tokenType)[source.tokenizer.vocabularySize] == 5)
        #expect(try file.stringArray(GGUFMetadataKey.merges).count == source.tokenizer.mergeRules.count)
        #expect((try? file.string(GGUFMetadataKey.chatTemplate)) == source.tokenizer.chatTemplateSource)
        #expect(file.hasTensor(named: "output.weight") == !source.configuration.tieWordEmbeddings)
    }

    @Test(arguments: cases)
    func tokenizerRoundTripsThroughGGUF(folder: String) throws {
        let (source, url) = try exported(folder, .f32)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let reread = try BPETokenizer(gguf: GGUFFile(url: url))
        let corpus = try TokenizerCorpus.texts()
        // GGUF has no normalizer: llama.cpp (and BPETokenizer(gguf:)) skip Qwen2's NFC step, so the GGUF
        // tokenizer agrees on NFC text, which is what the source tokenizer sees after normalizing.
        for text in corpus {
            let input = source.tokenizer.normalizer == .nfc ? text.precomposedStringWithCanonicalMapping : text
            #expect(reread.encode(input, addSpecialTokens: true) == source.tokenizer.encode(text, addSpecialTokens: true), "\(text)")
        }
        #expect(reread.specialTokens == source.tokenizer.specialTokens)
        #expect(reread.eosTokenIds == source.tokenizer.eosTokenIds)
    }
}
