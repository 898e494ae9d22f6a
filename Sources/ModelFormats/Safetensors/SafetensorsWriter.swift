// SafetensorsWriter: writes safetensors files (F32, F16, BF16 from floats) with optional __metadata__.
// Tensors are ordered as the reference implementation orders them (safetensors/src/tensor.rs `prepare`: dtype
// in descending declaration order, so wider types first, then name) and laid out contiguously; the JSON header
// is compact and padded with spaces so the data section starts on an 8-byte boundary. Not a reader.

import Foundation

/// Writes safetensors files.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.addTensor("lm_head.weight", shape: [V, C], values: weights, dtype: .bf16)
/// try writer.write(to: url)
/// ```
public struct SafetensorsWriter: Sendable {
    /// The `__metadata__` map written into the header (omitted when empty).
    public var metadata: [String: String]
    private var tensors: [String: (dtype: SafetensorsDType, shape: [Int], bytes: [UInt8])] = [:]

    /// Creates an empty writer.
    ///
    /// - Parameter metadata: Free-form string metadata, e.g. `["format": "pt"]`.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor converted from floats.
    ///
    /// - Parameters:
    ///   - name: Unique, non-empty name other than `__metadata__`.
    ///   - shape: Row-major (PyTorch) shape; `[]` for a scalar.
    ///   - values: `shape.product` floats in row-major order.
    ///   - dtype: `.f32`, `.f16` or `.bf16` (narrowing rounds to nearest even).
    /// - Throws: ``SafetensorsError/invalidInput(file:reason:)``, ``SafetensorsError/elementCountMismatch(file:tensor:expected:actual:)``
    ///   or ``SafetensorsError/unsupportedDType(file:tensor:dtype:operation:)``.
    public mutating func addTensor(
        _ name: String, shape: [Int], values: [Float], dtype: SafetensorsDType = .f32
    ) throws(SafetensorsError) {
        guard dtype.isConvertibleToFloat else {
            throw .unsupportedDType(file: "<writer>", tensor: name, dtype: dtype, operation: "SafetensorsWriter.addTensor")
        }
        let count = try validate(name, shape: shape)
        guard values.count == count else {
            throw .elementCountMismatch(file: "<writer>", tensor: name, expected: count, actual: values.count)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(count * dtype.byteSize)
        for value in values {
            switch dtype {
            case .f32: withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            case .f16: withUnsafeBytes(of: HalfPrecision.float16Bits(from: value).littleEndian) { bytes += $0 }
            default: withUnsafeBytes(of: HalfPrecision.bfloat16Bits(from: value).littleEndian) { bytes += $0 }
            }
        }
        tensors[name] = (dtype, shape, bytes)
    }

    /// Adds a tensor whose bytes are already in `dtype`'s little-endian encoding (any dtype).
    ///
    /// - Parameters:
    ///   - name: Unique, non-empty name other than `__metadata__`.
    ///   - shape: Row-major shape; `[]` for a scalar.
    ///   - dtype: The element type.
    ///   - rawData: Exactly `shape.product * dtype.byteSize` bytes.
    /// - Throws: ``SafetensorsError/invalidInput(file:reason:)``.
    public mutating func addTensor(
        _ name: String, shape: [Int], dtype: SafetensorsDType, rawData: [UInt8]
    ) throws(SafetensorsError) {
        let count = try validate(name, shape: shape)
        guard rawData.count == count * dtype.byteSize else {
            throw .invalidInput(file: "<writer>", reason: "tensor '\(name)' \(dtype) shape \(shape) needs "
                + "\(count * dtype.byteSize) bytes, got \(rawData.count)")
        }
        tensors[name] = (dtype, shape, rawData)
    }

    private func validate(_ name: String, shape: [Int]) throws(SafetensorsError) -> Int {
        guard !name.isEmpty, name != "__metadata__" else {
            throw .invalidInput(file: "<writer>", reason: "tensor name '\(name)' is empty or reserved")
        }
        guard tensors[name] == nil else { throw .invalidInput(file: "<writer>", reason: "duplicate tensor '\(name)'") }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw .invalidInput(file: "<writer>", reason: "tensor '\(name)' shape \(shape) has a negative dimension")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .invalidInput(file: "<writer>", reason: "tensor '\(name)' shape \(shape) overflows") }
            count = product
        }
        return count
    }

    /// Tensor names in file order: dtype rank descending, then name (the reference implementation's order).
    var orderedNames: [String] {
        tensors.keys.sorted { left, right in
            let l = tensors[left]?.dtype.referenceRank ?? 0, r = tensors[right]?.dtype.referenceRank ?? 0
            return l != r ? l > r : left < right
        }
    }

    /// The whole file as bytes.
    public func serialized() -> [UInt8] {
        let names = orderedNames
        var json = "{"
        var fields = [String]()
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(Self.quoted(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += fields.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out += $0 }
        out += header
        for name in names { out += tensors[name]?.bytes ?? [] }
        return out
    }

    /// Writes the file, replacing any existing file at `url`.
    ///
    /// - Throws: ``SafetensorsError/writeFailed(file:reason:)``.
    public func write(to url: URL) throws(SafetensorsError) {
        do {
            try Data(serialized()).write(to: url)
        } catch {
            throw .writeFailed(file: url.path, reason: "\(error)")
        }
    }

    /// A JSON string literal for `string`.
    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
