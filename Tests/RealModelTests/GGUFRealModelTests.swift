// GGUFFile on the real SmolLM2-135M-Instruct.Q4_1.gguf: metadata, tensor table and dequantized values against
// the reference Python `gguf` package (Fixtures/formats/smollm2_rows.json, Scripts/fixtures/formats_smollm2.py),
// a byte-for-byte rewrite through GGUFWriter (so files we write follow llama.cpp's own layout), plus
// dequantization throughput of its Q8_0 embedding and Q4_1 matrices (printed; run in release).
import Foundation
import ModelFormats
import Testing

@Suite(.serialized) struct GGUFRealModelTests {  // serialized: the throughput test must not share the CPU with its siblings
    struct TensorFacts: Decodable {
        var type: String
        var shape: [Int]
        var rows: [String: [Float]]
        var sum: Double
        var sum_of_squares: Double
    }

    struct Facts: Decodable {
        var architecture: String
        var block_count: Int
        var embedding_length: Int
        var head_count: Int
        var head_count_kv: Int
        var rope_freq_base: Float
        var token_count: Int
        var merge_count: Int
        var first_tokens: [String]
        var tensor_count: Int
        var tensors: [String: TensorFacts]
    }

    static func facts() throws -> Facts {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/formats/smollm2_rows.json")
        return try JSONDecoder().decode(Facts.self, from: Data(contentsOf: url))
    }

    @Test func metadataMatchesGGUFPy() throws {
        let file = try GGUFFile(url: ModelLocator.smolLM2())
        let facts = try Self.facts()
        let arch = try file.string(GGUFMetadataKey.architecture)
        #expect(arch == "llama" && arch == facts.architecture)
        #expect(try file.int(GGUFMetadataKey.blockCount(arch)) == 30)
        #expect(try file.int(GGUFMetadataKey.embeddingLength(arch)) == 576)
        #expect(try file.int(GGUFMetadataKey.headCount(arch)) == facts.head_count)
        #expect(try file.int(GGUFMetadataKey.headCountKV(arch)) == facts.head_count_kv)
        #expect(try file.float(GGUFMetadataKey.ropeFrequencyBase(arch)) == facts.rope_freq_base)
        let tokens = try file.stringArray(GGUFMetadataKey.tokens)
        #expect(tokens.count == 49152 && tokens.count == facts.token_count)
        #expect(Array(tokens.prefix(4)) == facts.first_tokens)
        #expect(try file.stringArray(GGUFMetadataKey.merges).count == facts.merge_count)
        #expect(try file.intArray(GGUFMetadataKey.tokenType).count == 49152)
        #expect(file.tensors.count == facts.tensor_count)
        #expect(file.tensors.filter { $0.type == .q4_1 }.count == 210)
        let description = ModelFileDescription(gguf: file)
        #expect(description.metadata.first { $0.key == GGUFMetadataKey.tokens }?.value.hasSuffix("… (49152 total)]") == true)
    }

    @Test(arguments: ["token_embd.weight", "blk.0.attn_q.weight"])
    func dequantizedValuesMatchGGUFPy(_ name: String) throws {
        let file = try GGUFFile(url: ModelLocator.smolLM2())
        let facts = try #require(try Self.facts().tensors[name])
        let info = try file.tensorInfo(named: name)
        #expect(info.type.name == facts.type)
        #expect(info.shape == facts.shape)
        var row = [Float](repeating: 0, count: info.rowLength)
        for (rowText, expected) in facts.rows {
            let index = try #require(Int(rowText))
            try row.withUnsafeMutableBufferPointer { try file.dequantizeRows(name, rows: index..<(index + 1), into: $0) }
            for (actual, reference) in zip(row.prefix(16), expected) {
                #expect(abs(actual - reference) <= 1e-6 * max(1, abs(reference)), "\(name) row \(index)")
            }
        }
        let values = try file.dequantize(name)
        let sum = values.reduce(0.0) { $0 + Double($1) }
        let squares = values.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(sum - facts.sum) <= 1e-3 * max(1, abs(facts.sum)))
        #expect(abs(squares - facts.sum_of_squares) <= 1e-6 * facts.sum_of_squares)
    }

    /// The model file was written by llama.cpp; copying its metadata and raw tensors through GGUFWriter must
    /// reproduce it exactly (key order, tensor-info encoding, alignment padding, data offsets).
    @Test func rewritingTheModelReproducesLlamaCppBytes() throws {
        let source = try ModelLocator.smolLM2()
        let file = try GGUFFile(url: source)
        var writer = GGUFWriter(alignment: file.alignment)
        for key in file.metadataKeys { try writer.setValue(file.value(key), forKey: key) }
        for tensor in file.tensors {
            try writer.addTensor(tensor.name, shape: tensor.shape, type: tensor.type,
                                 rawData: file.withRawData(tensor.name) { Array($0) })
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("GGUFRealModelTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("copy.gguf")
        try writer.write(to: copy)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: source))
    }

    @Test func dequantizationThroughput() throws {
        let file = try GGUFFile(url: ModelLocator.smolLM2())
        let embedding = try file.tensorInfo(named: "token_embd.weight")
        let q41 = file.tensors.filter { $0.type == .q4_1 }
        let largest = q41.map(\.elementCount).max() ?? 0
        var buffer = [Float](repeating: 0, count: max(embedding.elementCount, largest))
        func measure(_ tensors: [GGUFTensorInfo]) throws -> (seconds: Double, values: Int, bytes: Int) {
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                try buffer.withUnsafeMutableBufferPointer { whole in
                    for tensor in tensors {
                        try file.dequantize(tensor.name, into: UnsafeMutableBufferPointer(rebasing: whole[0..<tensor.elementCount]))
                    }
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return (best, tensors.reduce(0) { $0 + $1.elementCount }, tensors.reduce(0) { $0 + $1.byteCount })
        }
        for (label, tensors) in [("Q8_0 token_embd.weight", [embedding]), ("Q4_1 all 210 matrices", q41)] {
            let (seconds, values, bytes) = try measure(tensors)
            print(String(format: "dequantize %@: %d values in %.1f ms = %.0f M values/s, %.0f MB/s in, %.0f MB/s out",
                         label, values, seconds * 1e3, Double(values) / seconds / 1e6,
                         Double(bytes) / seconds / 1e6, Double(values * 4) / seconds / 1e6))
            #expect(seconds > 0 && values > 0)
        }
    }
}
