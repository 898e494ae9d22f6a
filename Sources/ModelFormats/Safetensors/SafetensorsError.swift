// SafetensorsError: every way reading or writing a safetensors file can fail, naming the file and tensor.

/// An error reading or writing a safetensors file.
public enum SafetensorsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be opened or mapped.
    case cannotOpen(file: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case truncated(file: String, fileSize: Int)
    /// The header length exceeds the limit.
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header length points past the end of the file.
    case headerPastEnd(file: String, length: UInt64, fileSize: Int)
    /// The header is not valid UTF-8 JSON of the expected structure.
    case invalidHeader(file: String, reason: String)
    /// A tensor entry is malformed (missing field, negative number, bad shape).
    case invalidTensorEntry(file: String, tensor: String, reason: String)
    /// A tensor has a dtype this reader does not know.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// Tensor byte ranges are not contiguous from 0 (a gap, an overlap or a reversed range).
    case invalidOffsets(file: String, tensor: String, begin: Int, end: Int, expectedBegin: Int)
    /// A tensor's byte range does not match its shape × dtype size.
    case sizeMismatch(file: String, tensor: String, shape: [Int], dtype: SafetensorsDType, expectedBytes: Int, actualBytes: Int)
    /// The data section's size does not equal the end of the last tensor.
    case dataSizeMismatch(file: String, expected: Int, actual: Int)
    /// No tensor with this name.
    case tensorNotFound(file: String, tensor: String)
    /// The operation does not support the tensor's dtype.
    case unsupportedDType(file: String, tensor: String, dtype: SafetensorsDType, operation: String)
    /// A caller's buffer or data has the wrong number of elements.
    case elementCountMismatch(file: String, tensor: String, expected: Int, actual: Int)
    /// The writer was given a bad tensor or metadata (reason says what).
    case invalidInput(file: String, reason: String)
    /// Writing the output file failed.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            return "safetensors \(file): cannot open: \(reason)"
        case let .truncated(file, fileSize):
            return "safetensors \(file): file has \(fileSize) bytes, fewer than the 8-byte header length. Not a safetensors file or incomplete."
        case let .headerTooLarge(file, length, limit):
            return "safetensors \(file): header length \(length) exceeds the limit of \(limit) bytes. The file is corrupt or not safetensors."
        case let .headerPastEnd(file, length, fileSize):
            return "safetensors \(file): header length \(length) runs past the end of the \(fileSize)-byte file. The file is truncated or corrupt."
        case let .invalidHeader(file, reason):
            return "safetensors \(file): invalid JSON header: \(reason)."
        case let .invalidTensorEntry(file, tensor, reason):
            return "safetensors \(file): tensor '\(tensor)': \(reason)."
        case let .unknownDType(file, tensor, dtype):
            return "safetensors \(file): tensor '\(tensor)' has unknown dtype '\(dtype)'; expected one of "
                + SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ") + "."
        case let .invalidOffsets(file, tensor, begin, end, expectedBegin):
            return "safetensors \(file): tensor '\(tensor)' has data_offsets [\(begin), \(end)] but tensors must be "
                + "contiguous: expected it to begin at \(expectedBegin) with end >= begin."
        case let .sizeMismatch(file, tensor, shape, dtype, expectedBytes, actualBytes):
            return "safetensors \(file): tensor '\(tensor)' shape \(shape) of \(dtype) needs \(expectedBytes) bytes "
                + "but its data_offsets span \(actualBytes)."
        case let .dataSizeMismatch(file, expected, actual):
            return "safetensors \(file): data section has \(actual) bytes but the tensors cover \(expected). "
                + "The file is truncated or has trailing bytes."
        case let .tensorNotFound(file, tensor):
            return "safetensors \(file): no tensor named '\(tensor)'. Use `r1 inspect` to list the tensors."
        case let .unsupportedDType(file, tensor, dtype, operation):
            return "safetensors \(file): tensor '\(tensor)' has dtype \(dtype), which \(operation) does not support "
                + "(supported: F32, F16, BF16)."
        case let .elementCountMismatch(file, tensor, expected, actual):
            return "safetensors \(file): tensor '\(tensor)' has \(expected) elements but the buffer/data has \(actual)."
        case let .invalidInput(file, reason):
            return "safetensors \(file): \(reason)"
        case let .writeFailed(file, reason):
            return "safetensors \(file): write failed: \(reason)"
        }
    }
}
