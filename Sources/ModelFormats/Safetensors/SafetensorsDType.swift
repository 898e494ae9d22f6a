// SafetensorsDType: the element types of the safetensors format (the "dtype" strings of its JSON header).

/// A safetensors element type, spelled as in the header (`"F32"`, `"BF16"`, ...).
public enum SafetensorsDType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8_e5m2 = "F8_E5M2", f8_e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32", f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8_e5m2, .f8_e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Whether ``SafetensorsFile/floats(_:)`` can convert this type to `Float`.
    public var isConvertibleToFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }

    /// Position in the reference implementation's `Dtype` declaration (safetensors/src/tensor.rs), which orders
    /// tensors in written files.
    var referenceRank: Int {
        let order: [SafetensorsDType] = [.bool, .u8, .i8, .f8_e5m2, .f8_e4m3, .i16, .u16, .f16, .bf16, .i32, .u32, .f32, .f64, .i64, .u64]
        return order.firstIndex(of: self) ?? 0
    }

    public var description: String { rawValue }
}
