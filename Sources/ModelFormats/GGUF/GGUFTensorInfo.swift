// GGUFTensorInfo: the description of one tensor in a GGUF file (name, shape, type, where its data is).

/// One tensor's entry in a GGUF file's tensor-info table.
///
/// `shape` is in ggml order: `shape[0]` (`ne0`) is the fastest-varying dimension, i.e. the reverse of the
/// numpy/PyTorch shape. A `[V, C]` PyTorch embedding is stored with `shape == [C, V]`: V rows of C values.
public struct GGUFTensorInfo: Sendable, Equatable, Hashable, Codable {
    /// The tensor's name, e.g. `"blk.0.attn_q.weight"`.
    public let name: String
    /// Dimensions in ggml order (`ne0` first); 1 to 4 entries.
    public let shape: [Int]
    /// The element type.
    public let type: GGUFTensorType
    /// Offset of the tensor's data from the start of the file's data section (a multiple of the alignment).
    public let offset: Int
    /// Number of values (product of `shape`).
    public let elementCount: Int
    /// Size of the tensor's data in bytes.
    public let byteCount: Int

    /// Creates a tensor description; sizes are derived from `shape` and `type`.
    ///
    /// - Precondition: `shape[0]` is a multiple of `type.blockSize` and sizes do not overflow (the reader
    ///   checks this before calling).
    public init(name: String, shape: [Int], type: GGUFTensorType, offset: Int) {
        precondition(!shape.isEmpty && shape[0] % type.blockSize == 0, "invalid GGUF tensor shape \(shape) for \(type)")
        self.name = name
        self.shape = shape
        self.type = type
        self.offset = offset
        let count = shape.reduce(1, *)
        self.elementCount = count
        self.byteCount = count / type.blockSize * type.typeSize
    }

    /// The shape in numpy/PyTorch order (`shape` reversed), e.g. `[V, C]` for `token_embd.weight`.
    public var numpyShape: [Int] { shape.reversed() }

    /// Values per row (`ne0`).
    public var rowLength: Int { shape[0] }

    /// Number of rows (product of all dimensions but the first).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }

    /// Bytes per row of `rowLength` values.
    public var rowByteCount: Int { rowLength / type.blockSize * type.typeSize }
}
