// Shared helpers for ModelFormats tests: fixture paths, a temporary directory, and a little-endian byte
// builder for handcrafting (malformed) GGUF and safetensors files.
import Foundation
@testable import ModelFormats

enum Fixtures {
    /// `Fixtures/formats` in the repository, found relative to this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats")

    static var quantGGUF: URL { directory.appendingPathComponent("quant.gguf.bin") }

    /// Decoded `quant.json` written by Scripts/fixtures/formats_quant.py.
    struct Quant: Decodable {
        let shapeNumpy: [Int]
        let source: [Float]
        let dequantized: [String: [Float]]
        let edgeValueBits: [UInt32]
        var edgeValues: [Float] { edgeValueBits.map(Float.init(bitPattern:)) }
        let edgeFloat16Bits: [UInt16]
        let edgeBfloat16Bits: [UInt16]
    }

    static func quant() throws -> Quant {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Quant.self, from: Data(contentsOf: directory.appendingPathComponent("quant.json")))
    }
}

/// A fresh temporary directory per call.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ModelFormatsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `bytes` to a new temporary file and returns its URL.
func writeTemporaryFile(_ bytes: [UInt8], name: String = "test.bin") throws -> URL {
    let url = try temporaryDirectory().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

/// Little-endian byte builder.
struct ByteBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func f32(_ value: Float) { u32(value.bitPattern) }
    mutating func string(_ value: String) {
        u64(UInt64(value.utf8.count))
        bytes += value.utf8
    }
    mutating func raw(_ other: [UInt8]) { bytes += other }
    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}

/// A handcrafted GGUF tensor entry.
struct RawTensor {
    var name: String
    var dims: [UInt64]
    var type: UInt32 = 0
    var offset: UInt64 = 0
}

/// Builds a GGUF file byte by byte so tests can corrupt any field.
/// `metadata` entries are pre-encoded as (key, type tag, value bytes).
func craftGGUF(
    magic: [UInt8] = Array("GGUF".utf8), version: UInt32 = 3, tensorCount: UInt64? = nil, keyCount: UInt64? = nil,
    metadata: [(String, UInt32, [UInt8])] = [], tensors: [RawTensor] = [], alignment: Int = 32, data: [UInt8] = [],
    padded: Bool = true
) -> [UInt8] {
    var b = ByteBuilder()
    b.raw(magic)
    b.u32(version)
    b.u64(tensorCount ?? UInt64(tensors.count))
    b.u64(keyCount ?? UInt64(metadata.count))
    for (key, type, value) in metadata {
        b.string(key)
        b.u32(type)
        b.raw(value)
    }
    for tensor in tensors {
        b.string(tensor.name)
        b.u32(UInt32(tensor.dims.count))
        for dim in tensor.dims { b.u64(dim) }
        b.u32(tensor.type)
        b.u64(tensor.offset)
    }
    if padded { b.pad(to: alignment) }
    b.raw(data)
    return b.bytes
}

func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
func le64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
func ggufString(_ value: String) -> [UInt8] { le64(UInt64(value.utf8.count)) + Array(value.utf8) }

/// Runs `body` and returns the GGUFError it throws (nil if none or another error).
func ggufError(_ body: () throws -> Void) -> GGUFError? {
    do { try body() } catch let error as GGUFError { return error } catch { return nil }
    return nil
}

/// Runs `body` and returns the SafetensorsError it throws (nil if none or another error).
func safetensorsError(_ body: () throws -> Void) -> SafetensorsError? {
    do { try body() } catch let error as SafetensorsError { return error } catch { return nil }
    return nil
}
