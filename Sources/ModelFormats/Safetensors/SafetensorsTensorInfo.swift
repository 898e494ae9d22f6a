// SafetensorsTensorInfo: one tensor entry of a safetensors header (name, dtype, shape, byte range).

/// One tensor in a safetensors file.
public struct SafetensorsTensorInfo: Sendable, Equatable, Hashable, Codable {
    /// The tensor's name, e.g. `"model.layers.0.self_attn.q_proj.weight"`.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// Dimensions in row-major (PyTorch) order; empty for a scalar.
    public let shape: [Int]
    /// Byte range of the data relative to the start of the data section (after the header).
    public let dataOffsets: Range<Int>

    /// Creates a tensor entry.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Size of the data in bytes.
    public var byteCount: Int { dataOffsets.count }
}
