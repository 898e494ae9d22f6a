// SafetensorsFile: a validated, memory-mapped safetensors file with zero-copy views and F32/F16/BF16 → Float32.
// Not a writer (SafetensorsWriter) and not a loader of HF config.json (Models does that).
//
// Format (https://github.com/huggingface/safetensors README, "Format"):
//   uint64 little-endian N | N bytes of UTF-8 JSON header (may be padded with trailing spaces) | data bytes
//   header = { "__metadata__"?: {string: string},
//              "<name>": {"dtype": "F32"|..., "shape": [Int], "data_offsets": [begin, end]}, ... }
//   data_offsets are relative to the start of the data section; tensors must cover it contiguously
//   (no gaps or overlaps) and the last end must equal its size; each byte range must equal shape × dtype size.
//   This reader enforces the same rules as the reference implementation's `validate` (safetensors/src/tensor.rs).

import Foundation

/// A safetensors file, memory-mapped and validated.
///
/// ```swift
/// let weights = try SafetensorsFile(url: url)
/// for tensor in weights.tensors { print(tensor.name, tensor.dtype, tensor.shape) }
/// let q = try weights.floats("model.layers.0.self_attn.q_proj.weight")   // row-major
/// ```
public final class SafetensorsFile: Sendable {
    /// The file that was opened.
    public let url: URL
    /// The `__metadata__` string map (empty if absent).
    public let metadata: [String: String]
    /// Tensors in data order (by offset).
    public let tensors: [SafetensorsTensorInfo]
    /// Absolute file offset of the data section (8 + header length).
    public let dataOffset: Int
    /// The memory map backing tensor views.
    public let mappedFile: MappedFile
    private let tensorIndex: [String: Int]

    /// The largest header accepted, in bytes (as the reference implementation).
    public static let maximumHeaderLength = 100_000_000

    /// Opens, maps and validates a safetensors file.
    ///
    /// - Parameter url: Path of a `.safetensors` file.
    /// - Throws: ``SafetensorsError`` if the file cannot be read, the header is malformed, a dtype is unknown,
    ///   byte ranges are not contiguous or in bounds, or a range does not match shape × dtype size.
    public init(url: URL) throws(SafetensorsError) {
        let file = url.path
        let mapped: MappedFile
        do { mapped = try MappedFile(url: url) } catch { throw .cannotOpen(file: file, reason: error.description) }
        guard let length = mapped.load(UInt64.self, at: 0) else { throw .truncated(file: file, fileSize: mapped.count) }
        guard length <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(file: file, length: length, limit: Self.maximumHeaderLength)
        }
        guard let headerBytes = mapped.slice(offset: 8, count: Int(length)) else {
            throw .headerPastEnd(file: file, length: length, fileSize: mapped.count)
        }
        let parsed = try SafetensorsHeader.parse(headerBytes, file: file)
        let dataOffset = 8 + Int(length)
        let dataSize = mapped.count - dataOffset

        var expectedBegin = 0
        for tensor in parsed.tensors {
            let range = tensor.dataOffsets
            guard range.lowerBound == expectedBegin else {
                throw .invalidOffsets(file: file, tensor: tensor.name, begin: range.lowerBound, end: range.upperBound,
                                      expectedBegin: expectedBegin)
            }
            let (bytes, overflow) = tensor.elementCount.multipliedReportingOverflow(by: tensor.dtype.byteSize)
            guard !overflow, bytes == range.count else {
                throw .sizeMismatch(file: file, tensor: tensor.name, shape: tensor.shape, dtype: tensor.dtype,
                                    expectedBytes: overflow ? Int.max : bytes, actualBytes: range.count)
            }
            expectedBegin = range.upperBound
        }
        guard expectedBegin == dataSize else { throw .dataSizeMismatch(file: file, expected: expectedBegin, actual: dataSize) }

        self.url = url
        self.metadata = parsed.metadata
        self.tensors = parsed.tensors
        self.dataOffset = dataOffset
        self.mappedFile = mapped
        self.tensorIndex = Dictionary(uniqueKeysWithValues: parsed.tensors.enumerated().map { ($1.name, $0) })
    }

    /// The entry of the tensor named `name`.
    ///
    /// - Throws: ``SafetensorsError/tensorNotFound(file:tensor:)``.
    public func tensorInfo(named name: String) throws(SafetensorsError) -> SafetensorsTensorInfo {
        guard let position = tensorIndex[name] else { throw .tensorNotFound(file: url.path, tensor: name) }
        return tensors[position]
    }

    /// Whether the file has a tensor named `name`.
    public func hasTensor(named name: String) -> Bool { tensorIndex[name] != nil }

    /// The raw little-endian bytes of a tensor (zero-copy), valid only while this `SafetensorsFile` is alive
    /// (Swift may release an unused object before the end of a statement; prefer ``withRawData(_:_:)``).
    ///
    /// - Throws: ``SafetensorsError/tensorNotFound(file:tensor:)``.
    public func rawData(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        rawData(try tensorInfo(named: name))
    }

    /// Calls `body` with the raw bytes of a tensor, keeping the file mapped during the call.
    ///
    /// - Parameters:
    ///   - name: The tensor name.
    ///   - body: Receives `byteCount` little-endian bytes; must not escape the pointer.
    /// - Returns: What `body` returns.
    /// - Throws: ``SafetensorsError/tensorNotFound(file:tensor:)``, or what `body` throws.
    public func withRawData<Result>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let info = try tensorInfo(named: name)
        return try withExtendedLifetime(self) { try body(rawData(info)) }
    }

    /// A zero-copy `Float` view of an F32 tensor, valid only while this `SafetensorsFile` is alive (hold a
    /// strong reference to the file for as long as the view is used).
    ///
    /// - Parameter name: The name of an F32 tensor.
    /// - Returns: `elementCount` floats in row-major order.
    /// - Throws: ``SafetensorsError/tensorNotFound(file:tensor:)``, or ``SafetensorsError/unsupportedDType(file:tensor:dtype:operation:)``
    ///   if the tensor is not F32 or its data is not 4-byte aligned in memory (use ``floats(_:)`` then).
    public func float32View(_ name: String) throws(SafetensorsError) -> UnsafeBufferPointer<Float> {
        let info = try tensorInfo(named: name)
        let raw = rawData(info)
        guard info.dtype == .f32, Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 else {
            throw .unsupportedDType(file: url.path, tensor: name, dtype: info.dtype, operation: "float32View (F32, 4-byte aligned)")
        }
        guard let start = raw.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: info.elementCount)
    }

    private func rawData(_ info: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        mappedFile.slice(offset: dataOffset + info.dataOffsets.lowerBound, count: info.byteCount)
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// A tensor converted to `Float` (F32, F16 or BF16).
    ///
    /// - Parameter name: The tensor name.
    /// - Returns: `elementCount` floats in row-major order of `shape`.
    /// - Throws: ``SafetensorsError/tensorNotFound(file:tensor:)`` or ``SafetensorsError/unsupportedDType(file:tensor:dtype:operation:)``.
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        let info = try tensorInfo(named: name)
        try checkConvertible(info)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            convert(info, into: buffer)
            initialized = info.elementCount
        }
    }

    /// Converts a tensor to `Float` into a caller-provided buffer (no allocation).
    ///
    /// - Parameters:
    ///   - name: The tensor name.
    ///   - destination: Exactly `elementCount` floats.
    /// - Throws: As ``floats(_:)``, or ``SafetensorsError/elementCountMismatch(file:tensor:expected:actual:)``.
    public func floats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws(SafetensorsError) {
        let info = try tensorInfo(named: name)
        try checkConvertible(info)
        guard destination.count == info.elementCount else {
            throw .elementCountMismatch(file: url.path, tensor: name, expected: info.elementCount, actual: destination.count)
        }
        convert(info, into: destination)
    }

    private func checkConvertible(_ info: SafetensorsTensorInfo) throws(SafetensorsError) {
        guard info.dtype.isConvertibleToFloat else {
            throw .unsupportedDType(file: url.path, tensor: info.name, dtype: info.dtype, operation: "floats")
        }
    }

    private func convert(_ info: SafetensorsTensorInfo, into destination: UnsafeMutableBufferPointer<Float>) {
        guard let source = rawData(info).baseAddress, let out = destination.baseAddress else { return }
        switch info.dtype {
        case .f32: UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: info.byteCount)
        case .f16: HalfPrecision.convertFloat16ToFloat(source, into: out, count: info.elementCount)
        case .bf16: HalfPrecision.convertBFloat16ToFloat(source, into: out, count: info.elementCount)
        default: preconditionFailure("convert called for \(info.dtype); callers check isConvertibleToFloat")
        }
    }
}
