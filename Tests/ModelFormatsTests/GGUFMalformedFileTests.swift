// One handcrafted malformed GGUF file per error case: each must throw the exact typed GGUFError (never crash).
import Foundation
import Testing
@testable import ModelFormats

/// A malformed file and the error it must produce (given the file's path).
struct MalformedGGUF: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: @Sendable (String) -> GGUFError
    var testDescription: String { label }
}

private let u32Type = GGUFValueType.uint32.rawValue
private func tensorFile(_ tensors: [RawTensor], data: [UInt8] = [], metadata: [(String, UInt32, [UInt8])] = []) -> [UInt8] {
    craftGGUF(metadata: metadata, tensors: tensors, data: data)
}

let malformedGGUFCases: [MalformedGGUF] = [
    MalformedGGUF(label: "empty file", bytes: []) {
        .truncated(file: $0, context: "magic", offset: 0, needed: 4, fileSize: 0)
    },
    MalformedGGUF(label: "ends after magic", bytes: Array("GGUF".utf8) + [3]) {
        .truncated(file: $0, context: "version", offset: 4, needed: 4, fileSize: 5)
    },
    MalformedGGUF(label: "bad magic", bytes: craftGGUF(magic: Array("GGML".utf8))) {
        .badMagic(file: $0, found: Array("GGML".utf8))
    },
    MalformedGGUF(label: "version 1", bytes: craftGGUF(version: 1)) { .unsupportedVersion(file: $0, version: 1) },
    MalformedGGUF(label: "big-endian version", bytes: craftGGUF(version: 0x0300_0000)) {
        .unsupportedVersion(file: $0, version: 0x0300_0000)
    },
    MalformedGGUF(label: "tensor count past file size", bytes: craftGGUF(tensorCount: 1 << 40)) {
        .countTooLarge(file: $0, what: "tensor count", count: 1 << 40, limit: 0)
    },
    MalformedGGUF(label: "key count overflowing", bytes: craftGGUF(keyCount: .max)) {
        .countTooLarge(file: $0, what: "metadata key/value count", count: .max, limit: 0)
    },
    MalformedGGUF(label: "key length past end", bytes: craftGGUF(keyCount: 1, padded: false) + le64(1000) + [UInt8](repeating: 0x61, count: 20)) {
        .truncated(file: $0, context: "metadata key #0", offset: 32, needed: 1000, fileSize: 52)
    },
    MalformedGGUF(label: "key not UTF-8", bytes: craftGGUF(keyCount: 1, padded: false) + le64(2) + [0xC3, 0x28] + le32(u32Type) + le32(7)) {
        .invalidString(file: $0, context: "metadata key #0", offset: 32)
    },
    MalformedGGUF(label: "duplicate key", bytes: craftGGUF(metadata: [("a", u32Type, le32(1)), ("a", u32Type, le32(2))])) {
        .duplicateKey(file: $0, key: "a")
    },
    MalformedGGUF(label: "unknown value type", bytes: craftGGUF(metadata: [("k", 13, le32(0))])) {
        .unknownValueType(file: $0, key: "k", rawType: 13)
    },
    MalformedGGUF(label: "value truncated", bytes: craftGGUF(keyCount: 1, padded: false) + ggufString("k") + le32(u32Type) + [1, 0]) {
        .truncated(file: $0, context: "value of key 'k'", offset: 37, needed: 4, fileSize: 39)
    },
    MalformedGGUF(label: "bool byte 2", bytes: craftGGUF(metadata: [("b", GGUFValueType.bool.rawValue, [2])])) {
        .typeMismatch(file: $0, key: "b", expected: "bool byte 0 or 1", found: "byte 2")
    },
    MalformedGGUF(label: "array of arrays", bytes: craftGGUF(metadata: [("n", 9, le32(9) + le64(1) + le32(4) + le64(0))])) {
        .nestedArray(file: $0, key: "n")
    },
    MalformedGGUF(label: "array count past end", bytes: craftGGUF(metadata: [("a", 9, le32(u32Type) + le64(1 << 60))])) {
        .countTooLarge(file: $0, what: "element count of array 'a'", count: 1 << 60, limit: 3)  // 15 bytes left / 4
    },
    MalformedGGUF(label: "string array element past end",
                  bytes: craftGGUF(metadata: [("s", 9, le32(8) + le64(1) + le64(99) + [0x41])])) {
        .truncated(file: $0, context: "array element of key 's'", offset: 57, needed: 99, fileSize: 64)
    },
    MalformedGGUF(label: "alignment zero", bytes: craftGGUF(metadata: [("general.alignment", u32Type, le32(0))])) {
        .invalidAlignment(file: $0, alignment: 0)
    },
    MalformedGGUF(label: "alignment not a power of two", bytes: craftGGUF(metadata: [("general.alignment", u32Type, le32(48))])) {
        .invalidAlignment(file: $0, alignment: 48)
    },
    MalformedGGUF(label: "alignment wrong type",
                  bytes: craftGGUF(metadata: [("general.alignment", GGUFValueType.uint64.rawValue, le64(32))])) {
        .typeMismatch(file: $0, key: "general.alignment", expected: "uint32", found: "uint64")
    },
    MalformedGGUF(label: "duplicate tensor",
                  bytes: tensorFile([RawTensor(name: "w", dims: [1]), RawTensor(name: "w", dims: [1], offset: 32)], data: [UInt8](repeating: 0, count: 64))) {
        .duplicateTensor(file: $0, tensor: "w")
    },
    MalformedGGUF(label: "empty tensor name", bytes: tensorFile([RawTensor(name: "", dims: [1])], data: [0, 0, 0, 0])) {
        .invalidTensorName(file: $0, tensor: "", reason: "tensor #0 has an empty name")
    },
    MalformedGGUF(label: "tensor name of 64 bytes",
                  bytes: tensorFile([RawTensor(name: String(repeating: "x", count: 64), dims: [1])], data: [0, 0, 0, 0])) {
        .invalidTensorName(file: $0, tensor: String(repeating: "x", count: 64), reason: "64 bytes, at most 63 allowed")
    },
    MalformedGGUF(label: "five dimensions", bytes: tensorFile([RawTensor(name: "w", dims: [1, 1, 1, 1, 1])], data: [0, 0, 0, 0])) {
        .invalidShape(file: $0, tensor: "w", shape: [], reason: "5 dimensions, expected 1 to 4")
    },
    MalformedGGUF(label: "dimension past Int64.max", bytes: tensorFile([RawTensor(name: "w", dims: [1 << 63])])) {
        .invalidShape(file: $0, tensor: "w", shape: [1 << 63], reason: "dimension 9223372036854775808 exceeds Int64.max")
    },
    MalformedGGUF(label: "element count overflow", bytes: tensorFile([RawTensor(name: "w", dims: [1 << 32, 1 << 32])])) {
        .invalidShape(file: $0, tensor: "w", shape: [1 << 32, 1 << 32], reason: "element count overflows")
    },
    MalformedGGUF(label: "byte size overflow", bytes: tensorFile([RawTensor(name: "w", dims: [1 << 31, 1 << 30], type: 28)])) {
        .tensorSizeOverflow(file: $0, tensor: "w")
    },
    MalformedGGUF(label: "unknown tensor type", bytes: tensorFile([RawTensor(name: "w", dims: [32], type: 4)])) {
        .unknownTensorType(file: $0, tensor: "w", rawType: 4)
    },
    MalformedGGUF(label: "ne0 not a multiple of the block", bytes: tensorFile([RawTensor(name: "w", dims: [16, 2], type: 8)])) {
        .invalidShape(file: $0, tensor: "w", shape: [16, 2], reason: "ne0 = 16 is not a multiple of the Q8_0 block size 32")
    },
    MalformedGGUF(label: "misaligned offset", bytes: tensorFile([RawTensor(name: "w", dims: [1], offset: 4)], data: [UInt8](repeating: 0, count: 8))) {
        .misalignedTensor(file: $0, tensor: "w", offset: 4, alignment: 32)
    },
    MalformedGGUF(label: "offset past end", bytes: tensorFile([RawTensor(name: "w", dims: [4], offset: 64)], data: [UInt8](repeating: 0, count: 16))) {
        .tensorOutOfBounds(file: $0, tensor: "w", offset: 64, byteCount: 16, dataSectionSize: 16)
    },
    MalformedGGUF(label: "offset near UInt64.max", bytes: tensorFile([RawTensor(name: "w", dims: [4], offset: UInt64.max - 31)])) {
        .tensorOutOfBounds(file: $0, tensor: "w", offset: UInt64.max - 31, byteCount: 16, dataSectionSize: 0)
    },
    MalformedGGUF(label: "tensor data truncated", bytes: tensorFile([RawTensor(name: "w", dims: [32, 2], type: 8)], data: [UInt8](repeating: 0, count: 40))) {
        .tensorOutOfBounds(file: $0, tensor: "w", offset: 0, byteCount: 68, dataSectionSize: 40)
    },
]

@Suite struct GGUFMalformedFileTests {
    @Test(arguments: malformedGGUFCases)
    func malformedFileThrowsTypedError(_ testCase: MalformedGGUF) throws {
        let url = try writeTemporaryFile(testCase.bytes, name: "bad.gguf")
        let error = ggufError { _ = try GGUFFile(url: url) }
        #expect(error == testCase.expected(url.path))
    }

    @Test func everyTruncationOfAValidFileThrowsInsteadOfCrashing() throws {
        let bytes = try Array(Data(contentsOf: Fixtures.quantGGUF))
        let directory = try temporaryDirectory()
        // Every cut in the header and first keys, every 5th byte up to the tensor table's end, then sparse cuts
        // through the tensor data.
        let valid = try GGUFFile(url: Fixtures.quantGGUF)
        let dataEnd = valid.tensors.map { valid.dataOffset + $0.offset + $0.byteCount }.max() ?? 0  // trailing padding is optional
        let cuts = Array(0..<300) + Array(stride(from: 300, to: 1100, by: 5)) + Array(stride(from: 1100, to: dataEnd, by: 211)) + [dataEnd - 1]
        for cut in cuts {
            let url = directory.appendingPathComponent("cut\(cut).gguf")
            try Data(bytes[0..<cut]).write(to: url)
            let error = ggufError { _ = try GGUFFile(url: url) }
            #expect(error != nil, "a file cut at \(cut) of \(bytes.count) bytes must be rejected")
        }
    }

    @Test func randomByteCorruptionNeverCrashes() throws {
        let original = try Array(Data(contentsOf: Fixtures.quantGGUF))
        let directory = try temporaryDirectory()
        var generator = SplitMix64(seed: 42)
        for trial in 0..<300 {
            var bytes = original
            for _ in 0..<4 {
                let position = Int(generator.next() % 1100)
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            let url = directory.appendingPathComponent("fuzz\(trial).gguf")
            try Data(bytes).write(to: url)
            // Either a typed error or a file whose tensors can all be decoded in bounds.
            if let file = try? GGUFFile(url: url) {
                for tensor in file.tensors where tensor.type.canDequantize { _ = try file.dequantize(tensor.name) }
            }
        }
    }

    @Test func unsupportedTypeCannotBeDequantized() throws {
        let url = try writeTemporaryFile(tensorFile([RawTensor(name: "w", dims: [32], type: 6)], data: [UInt8](repeating: 0, count: 22)))
        let file = try GGUFFile(url: url)
        #expect(file.tensors.first?.type == .q5_0)
        let error = ggufError { _ = try file.dequantize("w") }
        #expect(error == .unsupportedTensorType(file: url.path, tensor: "w", type: .q5_0, operation: "dequantize"))
        #expect(error?.description.contains("supported: F32, F16, Q4_0, Q4_1, Q8_0, Q4_K, Q5_K, Q6_K, BF16") == true)
    }

    @Test func missingFileAndDirectoryThrowCannotOpen() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/model.gguf")
        #expect(ggufError { _ = try GGUFFile(url: missing) }
            == .cannotOpen(file: missing.path, reason: "cannot open /nonexistent/model.gguf: No such file or directory. "
                + "Check that the file exists and is readable."))
        let directory = try temporaryDirectory()
        guard case .cannotOpen(_, let reason)? = ggufError({ _ = try GGUFFile(url: directory) }) else {
            Issue.record("a directory must throw cannotOpen")
            return
        }
        #expect(reason.contains("is not a regular file"))
    }

    @Test func messagesSayWhatWasExpected() {
        #expect(GGUFError.badMagic(file: "x.gguf", found: Array("GGML".utf8)).description
            == "GGUF x.gguf: bad magic [47 47 4D 4C]: expected \"GGUF\" (47 47 55 46). This is not a GGUF file.")
        #expect(GGUFError.unsupportedVersion(file: "x.gguf", version: 0x0300_0000).description
            == "GGUF x.gguf: unsupported version 50331648 (the file looks big-endian; only little-endian GGUF is supported): expected 2 or 3.")
        #expect(GGUFError.truncated(file: "x.gguf", context: "version", offset: 4, needed: 4, fileSize: 5).description
            == "GGUF x.gguf: truncated while reading version: needed 4 bytes at offset 4 but the file has 5 bytes. "
            + "The file is incomplete; download it again.")
    }
}

/// Small deterministic generator for fuzzing (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
