// Safetensors reader/writer tests: a file written by the reference `safetensors` package
// (Scripts/fixtures/formats_safetensors.py), byte-identical writing, round trips, and one handcrafted
// malformed file per SafetensorsError case.
import Foundation
import Testing
@testable import ModelFormats

private struct SafetensorsFixture: Decodable {
    let shape: [Int]
    let source: [Float]
    let stored: [Float]
}

private func safetensorsFixture() throws -> [String: SafetensorsFixture] {
    try JSONDecoder().decode([String: SafetensorsFixture].self,
                             from: Data(contentsOf: Fixtures.directory.appendingPathComponent("safetensors.json")))
}

private let referenceURL = Fixtures.directory.appendingPathComponent("reference.safetensors")

/// Builds a safetensors file from a header string and data bytes; `length` overrides the header length field.
func craftSafetensors(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    le64(length ?? UInt64(header.utf8.count)) + Array(header.utf8) + data
}

@Suite struct SafetensorsReaderTests {
    @Test func readsReferenceFile() throws {
        let file = try SafetensorsFile(url: referenceURL)
        let fixture = try safetensorsFixture()
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.map(\.name) == ["w.f32", "w.scalar", "w.i32", "w.bf16", "w.f16"])
        #expect(file.dataOffset % 8 == 0)
        for (name, expected) in fixture {
            let info = try file.tensorInfo(named: name)
            #expect(info.shape == expected.shape)
            #expect(try file.floats(name) == expected.stored, "\(name)")
        }
        #expect(try file.tensorInfo(named: "w.bf16").dtype == .bf16)
        #expect(try file.tensorInfo(named: "w.scalar").elementCount == 1)
        #expect(try file.withRawData("w.i32") { Array($0) } == le32(7) + le32(UInt32(bitPattern: -9)))
        let view = try file.float32View("w.f32")
        #expect(Array(view) == fixture["w.f32"]?.stored)
        #expect(UnsafeRawPointer(view.baseAddress) == file.mappedFile.bytes.baseAddress.map { $0 + file.dataOffset })
        #expect(safetensorsError { _ = try file.float32View("w.bf16") }
            == .unsupportedDType(file: referenceURL.path, tensor: "w.bf16", dtype: .bf16, operation: "float32View (F32, 4-byte aligned)"))
        #expect(safetensorsError { _ = try file.floats("w.i32") }
            == .unsupportedDType(file: referenceURL.path, tensor: "w.i32", dtype: .i32, operation: "floats"))
        #expect(safetensorsError { _ = try file.floats("nope") } == .tensorNotFound(file: referenceURL.path, tensor: "nope"))
        var buffer = [Float](repeating: 0, count: 7)
        try buffer.withUnsafeMutableBufferPointer { try file.floats("w.f16", into: $0) }
        #expect(buffer == fixture["w.f16"]?.stored)
        #expect(safetensorsError { try buffer.withUnsafeMutableBufferPointer { try file.floats("w.f32", into: $0) } }
            == .elementCountMismatch(file: referenceURL.path, tensor: "w.f32", expected: 12, actual: 7))
    }
}

@Suite struct SafetensorsWriterTests {
    @Test func reproducesReferenceFileByteForByte() throws {
        let fixture = try safetensorsFixture()
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, dtype) in [("w.f32", SafetensorsDType.f32), ("w.bf16", .bf16), ("w.f16", .f16), ("w.scalar", .f32)] {
            let entry = try #require(fixture[name])
            try writer.addTensor(name, shape: entry.shape, values: entry.source, dtype: dtype)
        }
        try writer.addTensor("w.i32", shape: [2], dtype: .i32, rawData: le32(7) + le32(UInt32(bitPattern: -9)))
        let expected = try Array(Data(contentsOf: referenceURL))
        #expect(writer.serialized() == expected)
    }

    @Test func roundTripsThroughAFile() throws {
        var writer = SafetensorsWriter(metadata: ["quote\"and\\slash": "line\nbreak\u{1}", "b": "ü"])
        let values = (0..<24).map { Float($0) * 1.7 - 9 }
        try writer.addTensor("layer.weight", shape: [2, 3, 4], values: values, dtype: .f32)
        try writer.addTensor("layer.bias", shape: [24], values: values, dtype: .bf16)
        try writer.addTensor("empty", shape: [0, 5], values: [], dtype: .f16)
        let url = try temporaryDirectory().appendingPathComponent("round.safetensors")
        try writer.write(to: url)
        let file = try SafetensorsFile(url: url)
        #expect(file.metadata == writer.metadata)
        #expect(file.dataOffset % 8 == 0)
        #expect(try file.floats("layer.weight") == values)
        #expect(try file.floats("layer.bias") == values.map { HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: $0)) })
        #expect(try file.tensorInfo(named: "empty").shape == [0, 5])
        #expect(try file.floats("empty").isEmpty)
    }

    @Test func rejectsInvalidInput() throws {
        var writer = SafetensorsWriter()
        try writer.addTensor("a", shape: [1], values: [1])
        #expect(safetensorsError { try writer.addTensor("a", shape: [1], values: [1]) }
            == .invalidInput(file: "<writer>", reason: "duplicate tensor 'a'"))
        #expect(safetensorsError { try writer.addTensor("__metadata__", shape: [1], values: [1]) }
            == .invalidInput(file: "<writer>", reason: "tensor name '__metadata__' is empty or reserved"))
        #expect(safetensorsError { try writer.addTensor("b", shape: [2, 2], values: [1]) }
            == .elementCountMismatch(file: "<writer>", tensor: "b", expected: 4, actual: 1))
        #expect(safetensorsError { try writer.addTensor("b", shape: [-1], values: []) }
            == .invalidInput(file: "<writer>", reason: "tensor 'b' shape [-1] has a negative dimension"))
        #expect(safetensorsError { try writer.addTensor("b", shape: [1], values: [1], dtype: .i32) }
            == .unsupportedDType(file: "<writer>", tensor: "b", dtype: .i32, operation: "SafetensorsWriter.addTensor"))
        #expect(safetensorsError { try writer.addTensor("b", shape: [2], dtype: .i64, rawData: [1, 2]) }
            == .invalidInput(file: "<writer>", reason: "tensor 'b' I64 shape [2] needs 16 bytes, got 2"))
    }
}

/// A malformed safetensors file and the error it must produce (given its path).
struct MalformedSafetensors: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: @Sendable (String) -> SafetensorsError
    var testDescription: String { label }
}

private let f32Entry = #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#

let malformedSafetensorsCases: [MalformedSafetensors] = [
    MalformedSafetensors(label: "shorter than 8 bytes", bytes: [1, 2, 3]) { .truncated(file: $0, fileSize: 3) },
    MalformedSafetensors(label: "header length over the limit", bytes: craftSafetensors("{}", length: 100_000_001)) {
        .headerTooLarge(file: $0, length: 100_000_001, limit: 100_000_000)
    },
    MalformedSafetensors(label: "header length past end", bytes: craftSafetensors("{}", length: 64)) {
        .headerPastEnd(file: $0, length: 64, fileSize: 10)
    },
    MalformedSafetensors(label: "header not UTF-8", bytes: le64(4) + [0x7B, 0xFF, 0xFE, 0x7D]) {
        .invalidHeader(file: $0, reason: "the header is not valid UTF-8")
    },
    MalformedSafetensors(label: "header not an object", bytes: craftSafetensors("[1, 2]")) {
        .invalidHeader(file: $0, reason: "the header must start with '{'")
    },
    MalformedSafetensors(label: "missing dtype", bytes: craftSafetensors(#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])) {
        .invalidTensorEntry(file: $0, tensor: "w", reason: "missing field 'dtype'")
    },
    MalformedSafetensors(label: "unknown dtype", bytes: craftSafetensors(#"{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#)) {
        .unknownDType(file: $0, tensor: "w", dtype: "F128")
    },
    MalformedSafetensors(label: "negative dimension", bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#)) {
        .invalidTensorEntry(file: $0, tensor: "w", reason: "shape [-1] has a negative dimension")
    },
    MalformedSafetensors(label: "shape overflow",
                         bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#)) {
        .invalidTensorEntry(file: $0, tensor: "w", reason: "shape [4294967296, 4294967296] element count overflows")
    },
    MalformedSafetensors(label: "three data offsets", bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#)) {
        .invalidTensorEntry(file: $0, tensor: "w", reason: "data_offsets must be [begin, end], got [0, 4, 8]")
    },
    MalformedSafetensors(label: "end before begin", bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#)) {
        .invalidOffsets(file: $0, tensor: "w", begin: 8, end: 4, expectedBegin: 8)
    },
    MalformedSafetensors(label: "gap before first tensor",
                         bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))) {
        .invalidOffsets(file: $0, tensor: "w", begin: 4, end: 8, expectedBegin: 0)
    },
    MalformedSafetensors(label: "overlapping tensors",
                         bytes: craftSafetensors(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                                 data: [UInt8](repeating: 0, count: 8))) {
        .invalidOffsets(file: $0, tensor: "b", begin: 4, end: 8, expectedBegin: 8)
    },
    MalformedSafetensors(label: "range does not match shape",
                         bytes: craftSafetensors(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])) {
        .sizeMismatch(file: $0, tensor: "w", shape: [2], dtype: .f32, expectedBytes: 8, actualBytes: 4)
    },
    MalformedSafetensors(label: "data section too short", bytes: craftSafetensors("{\(f32Entry)}", data: [0, 0, 0, 0])) {
        .dataSizeMismatch(file: $0, expected: 8, actual: 4)
    },
    MalformedSafetensors(label: "trailing bytes", bytes: craftSafetensors("{\(f32Entry)}", data: [UInt8](repeating: 0, count: 12))) {
        .dataSizeMismatch(file: $0, expected: 8, actual: 12)
    },
    MalformedSafetensors(label: "metadata value not a string",
                         bytes: craftSafetensors(#"{"__metadata__":{"n":1},"#.appending(f32Entry) + "}", data: [UInt8](repeating: 0, count: 8))) {
        .invalidHeader(file: $0, reason: "__metadata__ must map strings to strings at 'n': Expected to decode String but found number instead.")
    },
]

@Suite struct SafetensorsMalformedFileTests {
    @Test(arguments: malformedSafetensorsCases)
    func malformedFileThrowsTypedError(_ testCase: MalformedSafetensors) throws {
        let url = try writeTemporaryFile(testCase.bytes, name: "bad.safetensors")
        #expect(safetensorsError { _ = try SafetensorsFile(url: url) } == testCase.expected(url.path))
    }

    @Test func invalidJSONIsReported() throws {
        let url = try writeTemporaryFile(craftSafetensors(#"{"w": nope}"#), name: "bad.safetensors")
        guard case .invalidHeader(_, let reason)? = safetensorsError({ _ = try SafetensorsFile(url: url) }) else {
            Issue.record("invalid JSON must throw invalidHeader")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try Array(Data(contentsOf: referenceURL))
        let directory = try temporaryDirectory()
        for cut in 0..<bytes.count {
            let url = directory.appendingPathComponent("cut\(cut).safetensors")
            try Data(bytes[0..<cut]).write(to: url)
            #expect(safetensorsError { _ = try SafetensorsFile(url: url) } != nil, "cut at \(cut)")
        }
    }

    @Test func randomHeaderCorruptionNeverCrashes() throws {
        let original = try Array(Data(contentsOf: referenceURL))
        let directory = try temporaryDirectory()
        var generator = SplitMix64(seed: 3)
        for trial in 0..<200 {
            var bytes = original
            for _ in 0..<3 {
                let position = Int(generator.next() % UInt64(min(original.count, 360)))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            let url = directory.appendingPathComponent("fuzz\(trial).safetensors")
            try Data(bytes).write(to: url)
            // Either a typed error or a file whose float tensors all convert in bounds.
            if let file = try? SafetensorsFile(url: url) {
                for tensor in file.tensors where tensor.dtype.isConvertibleToFloat { _ = try file.floats(tensor.name) }
            }
        }
    }

    @Test func messagesNameFileTensorAndExpectation() {
        #expect(SafetensorsError.sizeMismatch(file: "m.safetensors", tensor: "w", shape: [2], dtype: .f32, expectedBytes: 8, actualBytes: 4).description
            == "safetensors m.safetensors: tensor 'w' shape [2] of F32 needs 8 bytes but its data_offsets span 4.")
    }
}
