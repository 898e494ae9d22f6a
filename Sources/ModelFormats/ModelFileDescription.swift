// ModelFileDescription: a printable, JSON-encodable summary of a GGUF or safetensors file for `r1 inspect`.
// It reads only headers (no tensor data). Printing is the CLI's job; this file only builds the value.

import Foundation

/// A summary of a model file: format, metadata (long arrays abbreviated) and the tensor table.
///
/// ```swift
/// let summary = try ModelFileDescription.describe(url: url)
/// let json = try JSONEncoder().encode(summary)
/// ```
public struct ModelFileDescription: Sendable, Equatable, Codable {
    /// A model file format.
    public enum Format: String, Sendable, Codable { case gguf, safetensors }

    /// One metadata entry.
    public struct MetadataEntry: Sendable, Equatable, Codable {
        /// The key.
        public var key: String
        /// The type: a GGUF value type (`"uint32"`, `"array of string"`, ...) or `"string"` for safetensors.
        public var type: String
        /// The value as text; arrays longer than the limit show their first elements and the count.
        public var value: String
    }

    /// One tensor.
    public struct TensorEntry: Sendable, Equatable, Codable {
        /// The tensor name.
        public var name: String
        /// The element type name (`"Q4_1"`, `"F32"`, `"BF16"`, ...).
        public var type: String
        /// The shape as stored: ggml order (`ne0` first) for GGUF, row-major for safetensors.
        public var shape: [Int]
        /// Number of elements.
        public var elementCount: Int
        /// Size of the data in bytes.
        public var byteCount: Int
    }

    /// The file format.
    public var format: Format
    /// The file path.
    public var path: String
    /// The file size in bytes.
    public var fileSize: Int
    /// The GGUF version; `nil` for safetensors.
    public var version: Int?
    /// The GGUF data alignment; `nil` for safetensors.
    public var alignment: Int?
    /// Metadata entries in file order (GGUF) or key order (safetensors `__metadata__`).
    public var metadata: [MetadataEntry]
    /// Tensors in file order.
    public var tensors: [TensorEntry]

    /// Total number of tensor elements (parameters).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }
    /// Total size of tensor data in bytes.
    public var tensorByteCount: Int { tensors.reduce(0) { $0 + $1.byteCount } }

    /// Describes a GGUF file.
    ///
    /// - Parameters:
    ///   - file: An opened GGUF file.
    ///   - maximumArrayElements: Arrays longer than this show only their first `maximumArrayElements` elements.
    public init(gguf file: GGUFFile, maximumArrayElements: Int = 8) {
        format = .gguf
        path = file.url.path
        fileSize = file.mappedFile.count
        version = Int(file.version)
        alignment = file.alignment
        metadata = file.metadataKeys.compactMap { key in
            guard let value = file.metadata[key] else { return nil }
            return MetadataEntry(key: key, type: GGUFFile.typeName(value),
                                 value: Self.summarize(value, maximumArrayElements: maximumArrayElements))
        }
        tensors = file.tensors.map {
            TensorEntry(name: $0.name, type: $0.type.name, shape: $0.shape, elementCount: $0.elementCount, byteCount: $0.byteCount)
        }
    }

    /// Describes a safetensors file.
    ///
    /// - Parameter file: An opened safetensors file.
    public init(safetensors file: SafetensorsFile) {
        format = .safetensors
        path = file.url.path
        fileSize = file.mappedFile.count
        version = nil
        alignment = nil
        metadata = file.metadata.keys.sorted().map {
            MetadataEntry(key: $0, type: "string", value: file.metadata[$0] ?? "")
        }
        tensors = file.tensors.map {
            TensorEntry(name: $0.name, type: $0.dtype.rawValue, shape: $0.shape, elementCount: $0.elementCount, byteCount: $0.byteCount)
        }
    }

    /// Opens a model file, detects its format from its first bytes, and describes it.
    ///
    /// - Parameters:
    ///   - url: A `.gguf` or `.safetensors` file.
    ///   - maximumArrayElements: Arrays longer than this are abbreviated (GGUF).
    /// - Returns: The description.
    /// - Throws: ``GGUFError`` or ``SafetensorsError`` from opening the file; ``SafetensorsError/invalidHeader(file:reason:)``
    ///   when the file is neither format (no `GGUF` magic and no `{` after the 8-byte length).
    public static func describe(url: URL, maximumArrayElements: Int = 8) throws -> ModelFileDescription {
        let mapped: MappedFile
        do { mapped = try MappedFile(url: url) } catch { throw GGUFError.cannotOpen(file: url.path, reason: error.description) }
        let head = mapped.slice(offset: 0, count: min(9, mapped.count)).map { Array($0) } ?? []
        if head.starts(with: Array("GGUF".utf8)) {
            return ModelFileDescription(gguf: try GGUFFile(url: url), maximumArrayElements: maximumArrayElements)
        }
        if head.count == 9, head[8] == UInt8(ascii: "{") {
            return ModelFileDescription(safetensors: try SafetensorsFile(url: url))
        }
        throw SafetensorsError.invalidHeader(
            file: url.path, reason: "not a model file: no GGUF magic and no JSON header; expected a .gguf or .safetensors file")
    }

    /// Renders a metadata value as text, abbreviating long arrays and strings.
    static func summarize(_ value: GGUFValue, maximumArrayElements: Int) -> String {
        switch value {
        case let .array(_, elements):
            let shown = elements.prefix(maximumArrayElements).map { summarize($0, maximumArrayElements: maximumArrayElements) }
            let more = elements.count > maximumArrayElements ? ", … (\(elements.count) total)" : ""
            return "[" + shown.joined(separator: ", ") + more + "]"
        case let .string(string):
            let limit = 120
            let escaped = string.count > limit ? String(string.prefix(limit)) + "… (\(string.utf8.count) bytes)" : string
            return "\"" + escaped.replacingOccurrences(of: "\n", with: "\\n") + "\""
        case let .bool(v): return String(v)
        case let .float32(v): return String(v)
        case let .float64(v): return String(v)
        case let .uint64(v): return String(v)
        case let .int64(v): return String(v)
        default: return value.intValue.map(String.init) ?? "\(value)"
        }
    }
}
