// GGUFValue: one metadata value of a GGUF file (gguf.md "Standardized key-value pairs" value types),
// with typed accessors. Parsing lives in GGUFParser.swift, encoding in GGUFWriter.swift.

/// The on-disk type tag of a GGUF metadata value (`enum gguf_type`, stored as `uint32`).
public enum GGUFValueType: UInt32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Size in bytes of one value of a fixed-size type; `nil` for `string` and `array`.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    public var description: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// A GGUF metadata value.
///
/// Arrays carry their element type so that empty arrays keep it; all elements of an array have that type.
/// Use the typed accessors (`intValue`, `stringArrayValue`, ...) rather than matching cases when the
/// exact integer width does not matter.
///
/// ```swift
/// let layers = file.metadata["llama.block_count"]?.intValue   // Int? from any integer type
/// let tokens = file.metadata["tokenizer.ggml.tokens"]?.stringArrayValue
/// ```
public enum GGUFValue: Sendable, Equatable, Hashable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    /// An array whose elements all have `elementType`; nested arrays are not allowed (as in ggml).
    case array(elementType: GGUFValueType, elements: [GGUFValue])

    /// The value's on-disk type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        case .array: return .array
        }
    }

    /// The value of any integer type as `Int`, or `nil` if not an integer or not representable.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): return Int(v)
        case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v)
        case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v)
        case let .int32(v): return Int(v)
        case let .uint64(v): return Int(exactly: v)
        case let .int64(v): return Int(v)
        default: return nil
        }
    }

    /// The value of a `float32`/`float64` as `Double`; integers are converted too. `nil` otherwise.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return intValue.map(Double.init)
        }
    }

    /// ``doubleValue`` narrowed to `Float`.
    public var floatValue: Float? { doubleValue.map(Float.init) }

    /// The value of a `bool`, or `nil`.
    public var boolValue: Bool? {
        if case let .bool(v) = self { return v }
        return nil
    }

    /// The value of a `string`, or `nil`.
    public var stringValue: String? {
        if case let .string(v) = self { return v }
        return nil
    }

    /// The elements of an array, or `nil` if not an array.
    public var arrayValue: [GGUFValue]? {
        if case let .array(_, elements) = self { return elements }
        return nil
    }

    /// The elements of an array of strings, or `nil` if not an array of strings.
    public var stringArrayValue: [String]? {
        guard case let .array(type, elements) = self, type == .string else { return nil }
        var result = [String]()
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case let .string(value) = element else { return nil }
            result.append(value)
        }
        return result
    }

    /// The elements of an array of integers as `Int`, or `nil` if not an integer array (or a value overflows).
    public var intArrayValue: [Int]? {
        guard case let .array(_, elements) = self else { return nil }
        var result = [Int]()
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = element.intValue else { return nil }
            result.append(value)
        }
        return result
    }

    /// The elements of an array of numbers as `Float`, or `nil` if not a numeric array.
    public var floatArrayValue: [Float]? {
        guard case let .array(_, elements) = self else { return nil }
        var result = [Float]()
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = element.floatValue else { return nil }
            result.append(value)
        }
        return result
    }
}

extension GGUFValue {
    /// An array of strings, e.g. for ``GGUFMetadataKey/tokens`` and ``GGUFMetadataKey/merges``.
    public static func stringArray(_ strings: [String]) -> GGUFValue {
        .array(elementType: .string, elements: strings.map { .string($0) })
    }

    /// An array of int32, e.g. for ``GGUFMetadataKey/tokenType``.
    public static func int32Array(_ values: [Int32]) -> GGUFValue {
        .array(elementType: .int32, elements: values.map { .int32($0) })
    }

    /// An array of float32, e.g. for ``GGUFMetadataKey/scores``.
    public static func float32Array(_ values: [Float]) -> GGUFValue {
        .array(elementType: .float32, elements: values.map { .float32($0) })
    }
}
