// GGUFFile: a validated, memory-mapped GGUF file: header, metadata and tensor infos parsed up front,
// tensor data left in place (zero-copy views, dequantization on request). Not a writer (GGUFWriter).
//
// Format (ggml docs/gguf.md, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md), all little-endian:
//   uint32 magic "GGUF" | uint32 version (2 or 3) | uint64 tensor_count | uint64 metadata_kv_count
//   metadata_kv_count × { gguf_string key | uint32 value_type | value }
//       gguf_string = uint64 length + UTF-8 bytes (no terminator);
//       array value = uint32 element_type + uint64 count + count values
//   tensor_count × { gguf_string name | uint32 n_dims (≤ 4) | n_dims × uint64 ne (ne0 fastest) |
//                    uint32 ggml_type | uint64 offset (relative to the data section, multiple of alignment) }
//   padding to `general.alignment` (uint32, default 32) | data section (each tensor padded to the alignment)

import Foundation

/// A GGUF model file, memory-mapped and validated.
///
/// Opening a file parses and checks everything except the tensor values: every count, length and offset is
/// checked against the file size with overflow-checked arithmetic, and any problem throws a ``GGUFError``
/// naming the file and the key or tensor. Tensor data stays in the mapping until you ask for it.
///
/// ```swift
/// let gguf = try GGUFFile(url: url)
/// let layers = try gguf.int(GGUFMetadataKey.blockCount("llama"))
/// let embedding = try gguf.dequantize("token_embd.weight")   // [V * C] floats, row-major [V, C]
/// ```
public final class GGUFFile: Sendable {
    /// The file that was opened.
    public let url: URL
    /// The format version (2 or 3).
    public let version: UInt32
    /// All metadata key/value pairs.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor infos in file order.
    public let tensors: [GGUFTensorInfo]
    /// Data alignment in bytes (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute file offset of the data section.
    public let dataOffset: Int
    /// The memory map backing tensor views.
    public let mappedFile: MappedFile
    private let tensorIndex: [String: Int]

    /// The alignment used when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The longest tensor name ggml accepts, in bytes (`GGML_MAX_NAME - 1`).
    public static let maximumTensorNameLength = 63
    /// The most dimensions a ggml tensor can have (`GGML_MAX_DIMS`).
    public static let maximumDimensions = 4

    /// Opens, maps and validates a GGUF file.
    ///
    /// - Parameter url: Path of a GGUF (version 2 or 3, little-endian) file.
    /// - Throws: ``GGUFError`` if the file cannot be read or any part of the header, metadata or tensor
    ///   table is malformed (see the cases of ``GGUFError``).
    public init(url: URL) throws(GGUFError) {
        let fileName = url.path
        let mapped: MappedFile
        do { mapped = try MappedFile(url: url) } catch { throw .cannotOpen(file: fileName, reason: error.description) }
        var parser = GGUFParser(file: mapped, fileName: fileName)

        let magic = mapped.slice(offset: 0, count: min(4, mapped.count)).map { Array($0) } ?? []
        guard magic == Array("GGUF".utf8) else {
            if magic.count < 4 {
                throw .truncated(file: fileName, context: "magic", offset: 0, needed: 4, fileSize: mapped.count)
            }
            throw .badMagic(file: fileName, found: magic)
        }
        parser.offset = 4
        let version = try parser.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(file: fileName, version: version) }
        let tensorCountRaw = try parser.read(UInt64.self, "tensor count")
        let keyCount = try parser.readCount("metadata key/value count", minimumSize: 13)
        // A tensor info takes at least 8 (name length) + 4 (n_dims) + 8 (ne0) + 4 (type) + 8 (offset) bytes.
        let tensorLimit = UInt64(max(0, parser.remaining) / 32)
        guard tensorCountRaw <= tensorLimit else {
            throw .countTooLarge(file: fileName, what: "tensor count", count: tensorCountRaw, limit: tensorLimit)
        }

        var metadata = [String: GGUFValue]()
        var keys = [String]()
        keys.reserveCapacity(keyCount)
        for index in 0..<keyCount {
            let key = try parser.readString("metadata key #\(index)")
            guard metadata[key] == nil else { throw .duplicateKey(file: fileName, key: key) }
            let type = try parser.readValueType(key: key)
            metadata[key] = try parser.readValue(type, key: key)
            keys.append(key)
        }

        var alignment = Self.defaultAlignment
        if let value = metadata[GGUFMetadataKey.alignment] {
            guard case let .uint32(raw) = value else {
                throw .typeMismatch(file: fileName, key: GGUFMetadataKey.alignment, expected: "uint32", found: value.type.description)
            }
            alignment = Int(raw)
            guard alignment > 0, alignment & (alignment - 1) == 0 else {
                throw .invalidAlignment(file: fileName, alignment: alignment)
            }
        }

        var tensors = [GGUFTensorInfo]()
        var index = [String: Int]()
        let tensorCount = Int(tensorCountRaw)
        tensors.reserveCapacity(tensorCount)
        var rawOffsets = [UInt64]()
        for position in 0..<tensorCount {
            let (info, rawOffset) = try Self.readTensorInfo(&parser, position: position, alignment: alignment)
            guard index[info.name] == nil else { throw .duplicateTensor(file: fileName, tensor: info.name) }
            index[info.name] = tensors.count
            tensors.append(info)
            rawOffsets.append(rawOffset)
        }

        let (padded, overflow) = parser.offset.addingReportingOverflow(alignment - 1)
        let dataOffset = overflow ? Int.max : padded & ~(alignment - 1)
        let dataSectionSize = max(0, mapped.count - dataOffset)
        for (tensor, rawOffset) in zip(tensors, rawOffsets) {
            let (end, overflow) = tensor.offset.addingReportingOverflow(tensor.byteCount)
            guard !overflow, end <= dataSectionSize else {
                throw .tensorOutOfBounds(file: fileName, tensor: tensor.name, offset: rawOffset,
                                         byteCount: tensor.byteCount, dataSectionSize: dataSectionSize)
            }
        }

        self.url = url
        self.version = version
        self.metadata = metadata
        self.metadataKeys = keys
        self.tensors = tensors
        self.alignment = alignment
        self.dataOffset = dataOffset
        self.mappedFile = mapped
        self.tensorIndex = index
    }

    private static func readTensorInfo(
        _ parser: inout GGUFParser, position: Int, alignment: Int
    ) throws(GGUFError) -> (info: GGUFTensorInfo, rawOffset: UInt64) {
        let file = parser.fileName
        let name = try parser.readString("name of tensor #\(position)")
        guard !name.isEmpty else { throw .invalidTensorName(file: file, tensor: name, reason: "tensor #\(position) has an empty name") }
        guard name.utf8.count <= maximumTensorNameLength else {
            throw .invalidTensorName(file: file, tensor: name,
                                     reason: "\(name.utf8.count) bytes, at most \(maximumTensorNameLength) allowed")
        }
        let dimensionCount = try parser.read(UInt32.self, "dimension count of tensor '\(name)'")
        guard (1...UInt32(maximumDimensions)).contains(dimensionCount) else {
            throw .invalidShape(file: file, tensor: name, shape: [],
                                reason: "\(dimensionCount) dimensions, expected 1 to \(maximumDimensions)")
        }
        var rawShape = [UInt64]()
        for _ in 0..<dimensionCount { rawShape.append(try parser.read(UInt64.self, "dimensions of tensor '\(name)'")) }
        let rawType = try parser.read(UInt32.self, "type of tensor '\(name)'")
        let offset = try parser.read(UInt64.self, "data offset of tensor '\(name)'")

        var elementCount = 1
        for dimension in rawShape {
            guard dimension <= UInt64(Int64.max) else {
                throw .invalidShape(file: file, tensor: name, shape: rawShape, reason: "dimension \(dimension) exceeds Int64.max")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow else {
                throw .invalidShape(file: file, tensor: name, shape: rawShape, reason: "element count overflows")
            }
            elementCount = product
        }
        guard let type = GGUFTensorType(rawValue: rawType) else {
            throw .unknownTensorType(file: file, tensor: name, rawType: rawType)
        }
        guard rawShape[0] % UInt64(type.blockSize) == 0 else {
            throw .invalidShape(file: file, tensor: name, shape: rawShape,
                                reason: "ne0 = \(rawShape[0]) is not a multiple of the \(type.name) block size \(type.blockSize)")
        }
        let (_, overflow) = (elementCount / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        guard !overflow else { throw .tensorSizeOverflow(file: file, tensor: name) }
        guard offset % UInt64(alignment) == 0 else {
            throw .misalignedTensor(file: file, tensor: name, offset: offset, alignment: alignment)
        }
        // Offsets beyond Int.max are clamped; the bounds check in init then rejects them with the raw value.
        let info = GGUFTensorInfo(name: name, shape: rawShape.map { Int($0) }, type: type, offset: Int(clamping: offset))
        return (info, offset)
    }

    /// The info of the tensor named `name`.
    ///
    /// - Parameter name: A tensor name, e.g. `"blk.0.attn_q.weight"`.
    /// - Returns: The tensor's info.
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)``.
    public func tensorInfo(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let position = tensorIndex[name] else { throw .tensorNotFound(file: url.path, tensor: name) }
        return tensors[position]
    }

    /// Whether the file has a tensor named `name`.
    public func hasTensor(named name: String) -> Bool { tensorIndex[name] != nil }

    /// The raw bytes of a tensor's data (zero-copy).
    ///
    /// The pointer is valid only while this `GGUFFile` is alive: keep a strong reference for as long as you
    /// use it (Swift may release an unused object before the end of a statement), or use
    /// ``withRawData(_:_:)``.
    ///
    /// - Parameter name: A tensor name.
    /// - Returns: `byteCount` bytes in the tensor's on-disk encoding.
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)``.
    public func rawData(_ name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let info = try tensorInfo(named: name)
        return rawData(info)
    }

    /// Calls `body` with the raw bytes of a tensor's data, keeping the file mapped during the call.
    ///
    /// - Parameters:
    ///   - name: A tensor name.
    ///   - body: Receives `byteCount` bytes in the tensor's on-disk encoding; must not escape the pointer.
    /// - Returns: What `body` returns.
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)``, or what `body` throws.
    public func withRawData<Result>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let info = try tensorInfo(named: name)
        return try withExtendedLifetime(self) { try body(rawData(info)) }
    }

    func rawData(_ info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        // Bounds were validated in init.
        mappedFile.slice(offset: dataOffset + info.offset, count: info.byteCount) ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// A zero-copy `Float` view of an F32 tensor, valid only while this `GGUFFile` is alive (hold a strong
    /// reference to the file for as long as the view is used).
    ///
    /// - Parameter name: The name of an F32 tensor.
    /// - Returns: `elementCount` floats in ggml order (`ne0` fastest, i.e. row-major numpy order).
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)``, or ``GGUFError/unsupportedTensorType(file:tensor:type:operation:)``
    ///   if the tensor is not F32 or its data is not 4-byte aligned in memory.
    public func float32View(_ name: String) throws(GGUFError) -> UnsafeBufferPointer<Float> {
        let info = try tensorInfo(named: name)
        guard info.type == .f32 else {
            throw .unsupportedTensorType(file: url.path, tensor: name, type: info.type, operation: "float32View")
        }
        let raw = rawData(info)
        guard let start = raw.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else {
            throw .misalignedTensor(file: url.path, tensor: name, offset: UInt64(info.offset), alignment: MemoryLayout<Float>.alignment)
        }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: info.elementCount)
    }
}
