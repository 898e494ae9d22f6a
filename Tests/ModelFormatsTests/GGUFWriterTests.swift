// GGUFWriter tests: byte-for-byte agreement with a file written by the reference Python `gguf` package,
// Q8_0/F16/BF16 encodings equal to gguf-py's, write → read round trips, and input validation.
import Foundation
import Testing
@testable import ModelFormats

@Suite struct GGUFWriterTests {
    /// Rebuilds Fixtures/formats/writer_reference.gguf.bin (see Scripts/fixtures/formats_quant.py) from the
    /// same inputs; llama.cpp-compatible layout is then guaranteed as far as gguf-py's is.
    @Test func reproducesGGUFPyFileByteForByte() throws {
        let source = try Fixtures.quant().source
        var writer = GGUFWriter()
        try writer.setValue(.string("llama"), forKey: GGUFMetadataKey.architecture)
        try writer.setValue(.string("tiny"), forKey: GGUFMetadataKey.name)
        try writer.setValue(.uint32(2), forKey: GGUFMetadataKey.blockCount("llama"))
        try writer.setValue(.float32(10000), forKey: GGUFMetadataKey.ropeFrequencyBase("llama"))
        try writer.setValue(.bool(false), forKey: GGUFMetadataKey.addBOSToken)
        try writer.setValue(.stringArray(["<s>", "a", "Ġb"]), forKey: GGUFMetadataKey.tokens)
        try writer.setValue(.int32Array([3, 1, 1]), forKey: GGUFMetadataKey.tokenType)
        try writer.setValue(.float32Array([0, -1, -2.5]), forKey: GGUFMetadataKey.scores)
        try writer.setValue(.uint32(0), forKey: GGUFMetadataKey.eosTokenID)
        try writer.addTensor("token_embd.weight", shape: [32, 3], values: Array(source[0..<96]), type: .f32)
        try writer.addTensor("blk.0.attn_norm.weight", shape: [8], values: Array(source[96..<104]), type: .f16)
        try writer.addTensor("output.weight", shape: [64, 2], values: Array(source[128..<256]), type: .q8_0)
        let expected = try Array(Data(contentsOf: Fixtures.directory.appendingPathComponent("writer_reference.gguf.bin")))
        let actual = writer.serialized()
        #expect(actual.count == expected.count)
        #expect(actual == expected, "first difference at byte \(zip(actual, expected).enumerated().first { $1.0 != $1.1 }?.offset ?? -1)")
    }

    @Test(arguments: [("q8_0", GGUFTensorType.q8_0), ("f16", .f16), ("bf16", .bf16), ("f32", .f32)])
    func encodesLikeGGUFPy(_ name: String, _ type: GGUFTensorType) throws {
        let source = try Fixtures.quant().source
        var writer = GGUFWriter()
        try writer.addTensor(name, shape: [256, 2], values: source, type: type)
        let url = try writeTemporaryFile(writer.serialized(), name: "encoded.gguf")
        let ours = try GGUFFile(url: url).withRawData(name) { Array($0) }
        let reference = try GGUFFile(url: Fixtures.quantGGUF).withRawData(name) { Array($0) }
        #expect(ours == reference)
    }

    @Test func roundTripsMetadataAndTensorsThroughAFile() throws {
        let values: [GGUFValue] = [
            .uint8(1), .int8(-2), .uint16(3), .int16(-4), .uint32(5), .int32(-6), .float32(7.5), .bool(true),
            .string("ünïcode ✓"), .uint64(.max), .int64(.min), .float64(-0.125),
            .array(elementType: .uint8, elements: []), .stringArray(["x", "y z"]), .int32Array([1, 2]),
        ]
        var writer = GGUFWriter(alignment: 64)
        for (index, value) in values.enumerated() { try writer.setValue(value, forKey: "key.\(index)") }
        try writer.setValue(.uint32(9), forKey: "key.4")  // replacing keeps the key's position
        let weights = (0..<(64 * 3)).map { Float($0) * 0.37 - 20 }
        try writer.addTensor("a", shape: [64, 3], values: weights, type: .f32)
        try writer.addTensor("b", shape: [64, 3], values: weights, type: .q8_0)
        try writer.addTensor("c", shape: [2, 3, 4, 2], values: Array(weights[0..<48]), type: .f16)
        let q41 = try GGUFFile(url: Fixtures.quantGGUF).withRawData("q4_1") { Array($0) }
        try writer.addTensor("d", shape: [256, 2], type: .q4_1, rawData: q41)
        let url = try temporaryDirectory().appendingPathComponent("round.gguf")
        try writer.write(to: url)

        let file = try GGUFFile(url: url)
        #expect(file.alignment == 64)
        #expect(file.metadata[GGUFMetadataKey.alignment] == .uint32(64))
        #expect(file.metadataKeys == (0..<values.count).map { "key.\($0)" } + [GGUFMetadataKey.alignment])
        for (index, value) in values.enumerated() where index != 4 { #expect(file.metadata["key.\(index)"] == value) }
        #expect(file.metadata["key.4"] == .uint32(9))
        #expect(file.tensors.map(\.name) == ["a", "b", "c", "d"])
        #expect(file.tensors.allSatisfy { $0.offset % 64 == 0 })
        #expect(try file.tensorInfo(named: "c").shape == [2, 3, 4, 2])
        #expect(try file.dequantize("a") == weights)
        #expect(try file.dequantize("c") == weights[0..<48].map { HalfPrecision.float(fromFloat16Bits: HalfPrecision.float16Bits(from: $0)) })
        let q8 = try file.dequantize("b")
        for block in 0..<(weights.count / 32) {
            let slice = weights[(block * 32)..<(block * 32 + 32)]
            let step = slice.map(abs).max()! / 127
            // Rounding to the grid costs step/2; storing the scale as f16 (relative error 2^-11) adds up to 127·step·2^-11.
            for index in slice.indices { #expect(abs(q8[index] - weights[index]) <= step * (0.5 + 127.0 / 2048)) }
        }
        #expect(try file.dequantize("d") == GGUFFile(url: Fixtures.quantGGUF).dequantize("q4_1"))
    }

    @Test func rejectsInvalidInput() throws {
        var writer = GGUFWriter()
        try writer.addTensor("w", shape: [32], values: [Float](repeating: 1, count: 32))
        #expect(ggufError { try writer.addTensor("w", shape: [32], values: [Float](repeating: 1, count: 32)) }
            == .duplicateTensor(file: "<writer>", tensor: "w"))
        #expect(ggufError { try writer.addTensor(String(repeating: "n", count: 64), shape: [1], values: [0]) }
            == .invalidTensorName(file: "<writer>", tensor: String(repeating: "n", count: 64), reason: "names must have 1 to 63 bytes"))
        #expect(ggufError { try writer.addTensor("x", shape: [4], values: [1, 2, 3]) }
            == .elementCountMismatch(file: "<writer>", tensor: "x", expected: 4, actual: 3))
        #expect(ggufError { try writer.addTensor("x", shape: [16], values: [Float](repeating: 0, count: 16), type: .q8_0) }
            == .invalidShape(file: "<writer>", tensor: "x", shape: [16], reason: "ne0 = 16 is not a multiple of the Q8_0 block size 32"))
        #expect(ggufError { try writer.addTensor("x", shape: [1, 1, 1, 1, 1], values: [0]) }
            == .invalidShape(file: "<writer>", tensor: "x", shape: [1, 1, 1, 1, 1], reason: "expected 1 to 4 non-negative dimensions"))
        #expect(ggufError { try writer.addTensor("x", shape: [256], values: [Float](repeating: 0, count: 256), type: .q4_K) }
            == .unsupportedTensorType(file: "<writer>", tensor: "x", type: .q4_K, operation: "GGUFWriter.addTensor(values:)"))
        #expect(ggufError { try writer.addTensor("x", shape: [32], type: .q4_0, rawData: [0]) }
            == .invalidInput(file: "<writer>", reason: "tensor 'x': Q4_0 shape [32] needs 18 bytes, got 1"))
        #expect(ggufError { try writer.setValue(.array(elementType: .int32, elements: [.int32(1), .string("2")]), forKey: "k") }
            == .invalidInput(file: "<writer>", reason: "metadata key 'k': element 1 has type string, expected int32 like the array's element type"))
        #expect(ggufError { try writer.setValue(.array(elementType: .array, elements: []), forKey: "k") }
            == .invalidInput(file: "<writer>", reason: "metadata key 'k': arrays of arrays are not supported"))
        #expect(ggufError { try writer.setValue(.uint32(16), forKey: GGUFMetadataKey.alignment) }
            == .invalidInput(file: "<writer>", reason: "general.alignment must be uint32 32 (set the alignment with GGUFWriter(alignment:) instead)"))
        let missingDirectory = URL(fileURLWithPath: "/nonexistent-dir/out.gguf")
        guard case .writeFailed? = ggufError({ try writer.write(to: missingDirectory) }) else {
            Issue.record("writing into a missing directory must throw writeFailed")
            return
        }
    }

    @Test func quantizesNonFiniteValuesWithoutTrapping() throws {
        var values = [Float](repeating: 0.5, count: 64)
        values[3] = .nan
        values[40] = .infinity
        var writer = GGUFWriter()
        try writer.addTensor("w", shape: [64], values: values, type: .q8_0)
        #expect(writer.serialized().count > 0)
    }
}
