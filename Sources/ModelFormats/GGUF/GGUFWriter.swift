// GGUFWriter: builds a GGUF v3 file (metadata + tensors in F32, F16, BF16, Q8_0 or pre-encoded bytes) that
// llama.cpp can load: tensor data offsets are relative to the data section, each tensor starts on an
// `alignment` boundary and tensors are laid out contiguously in the order added (what gguf.cpp checks).
// Layout is described in GGUFFile.swift. Not a reader.

import Foundation

/// Writes GGUF files.
///
/// Metadata keys keep the order in which they were first set; tensors keep the order in which they were
/// added. Shapes are in ggml order (`ne0` first), i.e. a numpy `[rows, columns]` matrix is `[columns, rows]`.
///
/// ```swift
/// var writer = GGUFWriter()
/// try writer.setValue(.string("llama"), forKey: GGUFMetadataKey.architecture)
/// try writer.addTensor("token_embd.weight", shape: [C, V], values: embedding, type: .q8_0)
/// try writer.write(to: url)
/// ```
public struct GGUFWriter: Sendable {
    /// Data alignment in bytes; written as `general.alignment` when it differs from 32.
    public let alignment: Int
    private var keys: [String] = []
    private var values: [String: GGUFValue] = [:]
    private var tensors: [(info: GGUFTensorInfo, bytes: [UInt8])] = []
    private var tensorNames: Set<String> = []
    private var dataSize = 0

    /// Creates an empty writer.
    ///
    /// - Parameter alignment: A power of two (default 32, the GGUF default).
    /// - Precondition: `alignment` is a positive power of two.
    public init(alignment: Int = GGUFFile.defaultAlignment) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "GGUF alignment must be a power of two")
        self.alignment = alignment
    }

    /// Sets a metadata value, replacing an earlier value for the same key in place.
    ///
    /// - Parameters:
    ///   - value: The value; arrays must be homogeneous (every element of the array's element type) and flat.
    ///   - key: The key, e.g. ``GGUFMetadataKey/architecture``.
    /// - Throws: ``GGUFError/invalidInput(file:reason:)`` for an empty key, a heterogeneous or nested array, or a
    ///   `general.alignment` that is not a uint32 equal to ``alignment``.
    public mutating func setValue(_ value: GGUFValue, forKey key: String) throws(GGUFError) {
        guard !key.isEmpty else { throw .invalidInput(file: "<writer>", reason: "metadata keys must not be empty") }
        if case let .array(elementType, elements) = value {
            guard elementType != .array else {
                throw .invalidInput(file: "<writer>", reason: "metadata key '\(key)': arrays of arrays are not supported")
            }
            if let bad = elements.firstIndex(where: { $0.type != elementType }) {
                throw .invalidInput(file: "<writer>", reason: "metadata key '\(key)': element \(bad) has type "
                    + "\(elements[bad].type), expected \(elementType) like the array's element type")
            }
        }
        if key == GGUFMetadataKey.alignment, value != .uint32(UInt32(alignment)) {
            throw .invalidInput(file: "<writer>", reason: "general.alignment must be uint32 \(alignment) "
                + "(set the alignment with GGUFWriter(alignment:) instead)")
        }
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// Adds a tensor encoded from floats.
    ///
    /// - Parameters:
    ///   - name: Unique tensor name of 1 to 63 bytes.
    ///   - shape: 1 to 4 dimensions in ggml order (`ne0` first); `shape[0]` must be a multiple of the type's
    ///     block size (32 for Q8_0).
    ///   - values: `shape.product` floats, `ne0` fastest (numpy row-major order of the reversed shape).
    ///   - type: `.f32`, `.f16`, `.bf16` or `.q8_0`.
    /// - Throws: ``GGUFError/invalidInput(file:reason:)``, ``GGUFError/duplicateTensor(file:tensor:)``,
    ///   ``GGUFError/elementCountMismatch(file:tensor:expected:actual:)`` or
    ///   ``GGUFError/unsupportedTensorType(file:tensor:type:operation:)``.
    public mutating func addTensor(
        _ name: String, shape: [Int], values: [Float], type: GGUFTensorType = .f32
    ) throws(GGUFError) {
        guard GGUFQuantizer.encodableTypes.contains(type) else {
            throw .unsupportedTensorType(file: "<writer>", tensor: name, type: type, operation: "GGUFWriter.addTensor(values:)")
        }
        let count = try validate(name, shape: shape, type: type)
        guard values.count == count else {
            throw .elementCountMismatch(file: "<writer>", tensor: name, expected: count, actual: values.count)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(count / type.blockSize * type.typeSize)
        values.withUnsafeBufferPointer { GGUFQuantizer.encode($0, as: type, into: &bytes) }
        append(name, shape: shape, type: type, bytes: bytes)
    }

    /// Adds a tensor whose data is already in `type`'s on-disk encoding (e.g. copied from another GGUF).
    ///
    /// - Parameters:
    ///   - name: Unique tensor name of 1 to 63 bytes.
    ///   - shape: 1 to 4 dimensions in ggml order.
    ///   - type: Any ggml type.
    ///   - rawData: Exactly the tensor's byte count (`elements / blockSize * typeSize`).
    /// - Throws: As ``addTensor(_:shape:values:type:)``.
    public mutating func addTensor(
        _ name: String, shape: [Int], type: GGUFTensorType, rawData: [UInt8]
    ) throws(GGUFError) {
        let count = try validate(name, shape: shape, type: type)
        let byteCount = count / type.blockSize * type.typeSize
        guard rawData.count == byteCount else {
            throw .invalidInput(file: "<writer>", reason: "tensor '\(name)': \(type.name) shape \(shape) needs "
                + "\(byteCount) bytes, got \(rawData.count)")
        }
        append(name, shape: shape, type: type, bytes: rawData)
    }

    private func validate(_ name: String, shape: [Int], type: GGUFTensorType) throws(GGUFError) -> Int {
        guard !name.isEmpty, name.utf8.count <= GGUFFile.maximumTensorNameLength else {
            throw .invalidTensorName(file: "<writer>", tensor: name,
                                     reason: "names must have 1 to \(GGUFFile.maximumTensorNameLength) bytes")
        }
        guard !tensorNames.contains(name) else { throw .duplicateTensor(file: "<writer>", tensor: name) }
        let rawShape = shape.map { UInt64(truncatingIfNeeded: $0) }
        guard (1...GGUFFile.maximumDimensions).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw .invalidShape(file: "<writer>", tensor: name, shape: rawShape,
                                reason: "expected 1 to \(GGUFFile.maximumDimensions) non-negative dimensions")
        }
        guard shape[0] % type.blockSize == 0 else {
            throw .invalidShape(file: "<writer>", tensor: name, shape: rawShape,
                                reason: "ne0 = \(shape[0]) is not a multiple of the \(type.name) block size \(type.blockSize)")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .tensorSizeOverflow(file: "<writer>", tensor: name) }
            count = product
        }
        return count
    }

    private mutating func append(_ name: String, shape: [Int], type: GGUFTensorType, bytes: [UInt8]) {
        let info = GGUFTensorInfo(name: name, shape: shape, type: type, offset: dataSize)
        tensors.append((info, bytes))
        tensorNames.insert(name)
        dataSize += padded(bytes.count)
    }

    private func padded(_ count: Int) -> Int { (count + alignment - 1) & ~(alignment - 1) }

    /// Writes the file, replacing any existing file at `url`.
    ///
    /// - Parameter url: Destination path.
    /// - Throws: ``GGUFError/writeFailed(file:reason:)`` if the file cannot be created or written.
    public func write(to url: URL) throws(GGUFError) {
        let header = encodedHeader()
        do {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw GGUFError.writeFailed(file: url.path, reason: "cannot create the file (check the directory exists and is writable)")
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.write(contentsOf: header)
            for tensor in tensors {
                var chunk = tensor.bytes
                chunk.append(contentsOf: repeatElement(0, count: padded(chunk.count) - chunk.count))
                try handle.write(contentsOf: chunk)
            }
        } catch let error as GGUFError {
            throw error
        } catch {
            throw .writeFailed(file: url.path, reason: "\(error)")
        }
    }

    /// The whole file as bytes (for tests and small files).
    public func serialized() -> [UInt8] {
        var bytes = encodedHeader()
        for tensor in tensors {
            bytes += tensor.bytes
            bytes.append(contentsOf: repeatElement(0, count: padded(tensor.bytes.count) - tensor.bytes.count))
        }
        return bytes
    }

    /// Header, metadata, tensor infos and padding up to the data section.
    private func encodedHeader() -> [UInt8] {
        var out = GGUFByteWriter()
        out.bytes += Array("GGUF".utf8)
        out.append(UInt32(3))
        out.append(UInt64(tensors.count))
        var allKeys = keys
        if alignment != GGUFFile.defaultAlignment, values[GGUFMetadataKey.alignment] == nil {
            allKeys.append(GGUFMetadataKey.alignment)
        }
        out.append(UInt64(allKeys.count))
        for key in allKeys {
            out.appendString(key)
            let value = values[key] ?? .uint32(UInt32(alignment))
            out.append(value.type.rawValue)
            out.appendValue(value)
        }
        for (info, _) in tensors {
            out.appendString(info.name)
            out.append(UInt32(info.shape.count))
            for dimension in info.shape { out.append(UInt64(dimension)) }
            out.append(info.type.rawValue)
            out.append(UInt64(info.offset))
        }
        out.bytes.append(contentsOf: repeatElement(0, count: padded(out.bytes.count) - out.bytes.count))
        return out.bytes
    }
}

/// Little-endian byte encoder for GGUF primitives.
struct GGUFByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func appendString(_ string: String) {
        append(UInt64(string.utf8.count))
        bytes += string.utf8
    }

    mutating func appendValue(_ value: GGUFValue) {
        switch value {
        case let .uint8(v): append(v)
        case let .int8(v): append(v)
        case let .uint16(v): append(v)
        case let .int16(v): append(v)
        case let .uint32(v): append(v)
        case let .int32(v): append(v)
        case let .float32(v): append(v.bitPattern)
        case let .bool(v): append(UInt8(v ? 1 : 0))
        case let .string(v): appendString(v)
        case let .uint64(v): append(v)
        case let .int64(v): append(v)
        case let .float64(v): append(v.bitPattern)
        case let .array(elementType, elements):
            append(elementType.rawValue)
            append(UInt64(elements.count))
            for element in elements { appendValue(element) }
        }
    }
}
