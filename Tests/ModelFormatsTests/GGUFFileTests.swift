// GGUFFile tests against Fixtures/formats/quant.gguf.bin, written by the reference Python `gguf` package
// (Scripts/fixtures/formats_quant.py): metadata of every value type, the tensor table, and dequantization of
// every supported type compared with gguf-py's own dequantize.
import Foundation
import Testing
@testable import ModelFormats

@Suite struct GGUFFileTests {
    static let tensorTypes: [(String, GGUFTensorType)] = [
        ("f32", .f32), ("f16", .f16), ("bf16", .bf16), ("q8_0", .q8_0), ("q4_0", .q4_0),
        ("q4_1", .q4_1), ("q4_k", .q4_K), ("q5_k", .q5_K), ("q6_k", .q6_K),
    ]

    @Test func readsHeaderAndMetadataOfEveryValueType() throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(file.metadata["test.uint8"] == .uint8(200))
        #expect(file.metadata["test.int8"] == .int8(-100))
        #expect(file.metadata["test.uint16"] == .uint16(60000))
        #expect(file.metadata["test.int16"] == .int16(-30000))
        #expect(file.metadata["test.uint32"] == .uint32(4_000_000_000))
        #expect(file.metadata["test.int32"] == .int32(-2_000_000_000))
        #expect(file.metadata["test.float32"] == .float32(0.1))
        #expect(file.metadata["test.bool"] == .bool(true))
        #expect(file.metadata["test.string"] == .string("héllo\nwörld"))
        #expect(file.metadata["test.uint64"] == .uint64(1 << 63 + 5))
        #expect(file.metadata["test.int64"] == .int64(-(1 << 62)))
        #expect(file.metadata["test.float64"] == .float64(2.718281828459045))
        #expect(try file.string(GGUFMetadataKey.architecture) == "fixture")
        #expect(try file.stringArray("test.strings") == ["a", "", "Ġthe", "<|im_end|>"])
        #expect(try file.intArray("test.int32s") == [1, -2, 3, Int(Int32.max)])
        #expect(try file.floatArray("test.float32s") == [0.5, -1.25, 3.0])
        #expect(file.metadata["test.bools"] == .array(elementType: .bool, elements: [.bool(true), .bool(false)]))
        #expect(try file.int("test.uint32") == 4_000_000_000)
        #expect(try file.float("test.float64") == Float(2.718281828459045))
        #expect(try file.bool("test.bool"))
        #expect(file.metadataKeys.first == GGUFMetadataKey.architecture)
        #expect(file.metadataKeys.count == file.metadata.count)
    }

    @Test func readsVersion2Files() throws {
        // Version 2 has the same layout as version 3 (64-bit counts); only version 1 used 32-bit counts.
        let bytes = craftGGUF(version: 2, metadata: [("general.architecture", 8, ggufString("llama"))],
                              tensors: [RawTensor(name: "w", dims: [2])], data: le32(Float(1.5).bitPattern) + le32(Float(-2).bitPattern))
        let file = try GGUFFile(url: writeTemporaryFile(bytes, name: "v2.gguf"))
        #expect(file.version == 2)
        #expect(try file.string(GGUFMetadataKey.architecture) == "llama")
        #expect(try file.dequantize("w") == [1.5, -2])
    }

    @Test func typedAccessorsReportMissingKeysAndWrongTypes() throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        let path = Fixtures.quantGGUF.path
        #expect(ggufError { _ = try file.int("nope") } == .missingKey(file: path, key: "nope"))
        #expect(ggufError { _ = try file.int("test.string") }
            == .typeMismatch(file: path, key: "test.string", expected: "integer", found: "string"))
        #expect(ggufError { _ = try file.stringArray("test.int32s") }
            == .typeMismatch(file: path, key: "test.int32s", expected: "array of string", found: "array of int32"))
        #expect(ggufError { _ = try file.bool("test.uint8") }
            == .typeMismatch(file: path, key: "test.uint8", expected: "bool", found: "uint8"))
        let message = GGUFError.typeMismatch(file: "m.gguf", key: "k", expected: "integer", found: "string").description
        #expect(message == "GGUF m.gguf: metadata key 'k' has type string: expected integer.")
    }

    @Test func readsTensorTable() throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        #expect(file.tensors.map(\.name) == Self.tensorTypes.map(\.0))
        for (name, type) in Self.tensorTypes {
            let info = try file.tensorInfo(named: name)
            #expect(info.type == type)
            #expect(info.shape == [256, 2])
            #expect(info.numpyShape == [2, 256])
            #expect(info.rowCount == 2 && info.rowLength == 256)
            #expect(info.byteCount == 512 / type.blockSize * type.typeSize)
            #expect(info.offset % file.alignment == 0)
        }
        #expect(file.dataOffset % 32 == 0)
        #expect(ggufError { _ = try file.tensorInfo(named: "missing") }
            == .tensorNotFound(file: Fixtures.quantGGUF.path, tensor: "missing"))
    }

    @Test(arguments: tensorTypes.map(\.0))
    func dequantizesLikeGGUFPy(_ name: String) throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        let expected = try #require(try Fixtures.quant().dequantized[name])
        let values = try file.dequantize(name)
        #expect(values.count == expected.count)
        // gguf-py computes in float32; allow one rounding step in case the compiler contracts a*b+c into an FMA.
        for (index, (actual, reference)) in zip(values, expected).enumerated() {
            #expect(abs(actual - reference) <= 1e-6 * max(1, abs(reference)), "\(name)[\(index)]: \(actual) vs \(reference)")
        }
    }

    @Test func dequantizesIntoBuffersAndRowRanges() throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        let whole = try file.dequantize("q6_k")
        var buffer = [Float](repeating: 0, count: 512)
        try buffer.withUnsafeMutableBufferPointer { try file.dequantize("q6_k", into: $0) }
        #expect(buffer == whole)
        var row = [Float](repeating: 0, count: 256)
        try row.withUnsafeMutableBufferPointer { try file.dequantizeRows("q6_k", rows: 1..<2, into: $0) }
        #expect(row == Array(whole[256...]))
        let path = Fixtures.quantGGUF.path
        #expect(ggufError { try row.withUnsafeMutableBufferPointer { try file.dequantize("q6_k", into: $0) } }
            == .elementCountMismatch(file: path, tensor: "q6_k", expected: 512, actual: 256))
        #expect(ggufError { try row.withUnsafeMutableBufferPointer { try file.dequantizeRows("q4_0", rows: 1..<3, into: $0) } }
            == .invalidInput(file: path, reason: "rows 1..<3 out of range 0..<2 for tensor 'q4_0'"))
    }

    @Test func float32ViewIsZeroCopyAndTypeChecked() throws {
        let file = try GGUFFile(url: Fixtures.quantGGUF)
        let view = try file.float32View("f32")
        let source = try Fixtures.quant().source
        #expect(Array(view) == source)
        #expect(UnsafeRawPointer(view.baseAddress!) == file.mappedFile.bytes.baseAddress! + file.dataOffset)
        #expect(ggufError { _ = try file.float32View("q8_0") }
            == .unsupportedTensorType(file: Fixtures.quantGGUF.path, tensor: "q8_0", type: .q8_0, operation: "float32View"))
    }

    @Test func largeTensorsDequantizeInParallelIdentically() throws {
        // parallelThreshold values of Q8_0 exercise the multi-chunk path; compare with one single-threaded call.
        let count = GGUFFile.parallelThreshold
        let values = (0..<count).map { Float(sin(Double($0) * 0.001)) }
        var writer = GGUFWriter()
        try writer.addTensor("big", shape: [1024, count / 1024], values: values, type: .q8_0)
        let url = try writeTemporaryFile(writer.serialized(), name: "big.gguf")
        let file = try GGUFFile(url: url)
        let parallel = try file.dequantize("big")
        var reference = [Float](repeating: 0, count: count)
        let raw = try file.rawData("big")
        reference.withUnsafeMutableBufferPointer {
            GGUFDequantizer.dequantize(.q8_0, source: raw.baseAddress!, destination: $0.baseAddress!, blockCount: count / 32)
        }
        #expect(parallel == reference)
    }
}
