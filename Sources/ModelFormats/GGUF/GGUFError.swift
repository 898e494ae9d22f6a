// GGUFError: every way reading or writing a GGUF file can fail, with the file, key or tensor involved.

/// An error reading, decoding or writing a GGUF file. Every case names the file and what was expected.
public enum GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be opened or mapped.
    case cannotOpen(file: String, reason: String)
    /// The file ended while reading `context` at `offset`: `needed` bytes were required.
    case truncated(file: String, context: String, offset: Int, needed: Int, fileSize: Int)
    /// The first four bytes are not `GGUF`.
    case badMagic(file: String, found: [UInt8])
    /// The version is not 2 or 3.
    case unsupportedVersion(file: String, version: UInt32)
    /// A count or length (`what`) is larger than the file could possibly hold.
    case countTooLarge(file: String, what: String, count: UInt64, limit: UInt64)
    /// A string is not valid UTF-8.
    case invalidString(file: String, context: String, offset: Int)
    /// The same metadata key occurs twice.
    case duplicateKey(file: String, key: String)
    /// A metadata value has an unknown type tag.
    case unknownValueType(file: String, key: String, rawType: UInt32)
    /// An array holds arrays (not supported by ggml).
    case nestedArray(file: String, key: String)
    /// `general.alignment` is zero or not a power of two.
    case invalidAlignment(file: String, alignment: Int)
    /// A required metadata key is absent.
    case missingKey(file: String, key: String)
    /// A metadata value has a different type than required.
    case typeMismatch(file: String, key: String, expected: String, found: String)
    /// Two tensors have the same name.
    case duplicateTensor(file: String, tensor: String)
    /// A tensor name is empty or too long (ggml allows at most 63 bytes).
    case invalidTensorName(file: String, tensor: String, reason: String)
    /// A tensor has more than 4 dimensions or a dimension is out of range.
    case invalidShape(file: String, tensor: String, shape: [UInt64], reason: String)
    /// A tensor has an unknown ggml type id.
    case unknownTensorType(file: String, tensor: String, rawType: UInt32)
    /// A tensor's size in bytes overflows.
    case tensorSizeOverflow(file: String, tensor: String)
    /// A tensor's data offset is not a multiple of the file's alignment.
    case misalignedTensor(file: String, tensor: String, offset: UInt64, alignment: Int)
    /// A tensor's data lies (partly) past the end of the file.
    case tensorOutOfBounds(file: String, tensor: String, offset: UInt64, byteCount: Int, dataSectionSize: Int)
    /// No tensor with this name.
    case tensorNotFound(file: String, tensor: String)
    /// The operation does not support the tensor's type.
    case unsupportedTensorType(file: String, tensor: String, type: GGUFTensorType, operation: String)
    /// A caller's buffer or data has the wrong number of elements.
    case elementCountMismatch(file: String, tensor: String, expected: Int, actual: Int)
    /// The writer was given an invalid value (reason says what and how to fix it).
    case invalidInput(file: String, reason: String)
    /// Writing the output file failed.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            return "GGUF \(file): cannot open: \(reason)"
        case let .truncated(file, context, offset, needed, fileSize):
            return "GGUF \(file): truncated while reading \(context): needed \(needed) bytes at offset \(offset) "
                + "but the file has \(fileSize) bytes. The file is incomplete; download it again."
        case let .badMagic(file, found):
            let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "GGUF \(file): bad magic [\(hex)]: expected \"GGUF\" (47 47 55 46). This is not a GGUF file."
        case let .unsupportedVersion(file, version):
            let hint = version > 0xFFFF && version.byteSwapped <= 3
                ? " (the file looks big-endian; only little-endian GGUF is supported)" : ""
            return "GGUF \(file): unsupported version \(version)\(hint): expected 2 or 3."
        case let .countTooLarge(file, what, count, limit):
            return "GGUF \(file): \(what) is \(count) but at most \(limit) fits in the file. The file is corrupt."
        case let .invalidString(file, context, offset):
            return "GGUF \(file): \(context) at offset \(offset) is not valid UTF-8."
        case let .duplicateKey(file, key):
            return "GGUF \(file): duplicate metadata key '\(key)': each key must occur once."
        case let .unknownValueType(file, key, rawType):
            return "GGUF \(file): metadata key '\(key)' has unknown value type \(rawType): expected 0...12."
        case let .nestedArray(file, key):
            return "GGUF \(file): metadata key '\(key)' is an array of arrays, which is not supported."
        case let .invalidAlignment(file, alignment):
            return "GGUF \(file): general.alignment is \(alignment): expected a non-zero power of two (default 32)."
        case let .missingKey(file, key):
            return "GGUF \(file): metadata key '\(key)' is missing."
        case let .typeMismatch(file, key, expected, found):
            return "GGUF \(file): metadata key '\(key)' has type \(found): expected \(expected)."
        case let .duplicateTensor(file, tensor):
            return "GGUF \(file): duplicate tensor '\(tensor)': each tensor name must occur once."
        case let .invalidTensorName(file, tensor, reason):
            return "GGUF \(file): invalid tensor name '\(tensor)': \(reason)."
        case let .invalidShape(file, tensor, shape, reason):
            return "GGUF \(file): tensor '\(tensor)' has invalid shape \(shape): \(reason)."
        case let .unknownTensorType(file, tensor, rawType):
            return "GGUF \(file): tensor '\(tensor)' has unknown ggml type \(rawType); "
                + "known types are \(GGUFTensorType.allCases.map(\.rawValue))."
        case let .tensorSizeOverflow(file, tensor):
            return "GGUF \(file): tensor '\(tensor)' size in bytes overflows. The file is corrupt."
        case let .misalignedTensor(file, tensor, offset, alignment):
            return "GGUF \(file): tensor '\(tensor)' data offset \(offset) is not a multiple of the alignment \(alignment)."
        case let .tensorOutOfBounds(file, tensor, offset, byteCount, dataSectionSize):
            return "GGUF \(file): tensor '\(tensor)' data (offset \(offset), \(byteCount) bytes) runs past the end "
                + "of the data section (\(dataSectionSize) bytes). The file is truncated or corrupt."
        case let .tensorNotFound(file, tensor):
            return "GGUF \(file): no tensor named '\(tensor)'. Use `r1 inspect` to list the tensors."
        case let .unsupportedTensorType(file, tensor, type, operation):
            let supported = GGUFTensorType.allCases.filter(\.canDequantize).map(\.name).joined(separator: ", ")
            return "GGUF \(file): tensor '\(tensor)' has type \(type.name), which \(operation) does not support "
                + "(supported: \(supported)). Convert the model with a supported quantization."
        case let .elementCountMismatch(file, tensor, expected, actual):
            return "GGUF \(file): tensor '\(tensor)' has \(expected) elements but the buffer/data has \(actual)."
        case let .invalidInput(file, reason):
            return "GGUF \(file): \(reason)"
        case let .writeFailed(file, reason):
            return "GGUF \(file): write failed: \(reason)"
        }
    }
}
