// One contiguous Float storage for all parameters of a model, with named views (llm.c
// `malloc_and_point_parameters`). Gradients and optimizer moments use buffers with the same layout,
// so zeroing, clipping, AdamW and checkpointing are loops over flat arrays.

/// The names, shapes and offsets of tensors packed into one flat buffer.
public struct ParameterLayout: Sendable, Equatable {
    /// One named tensor inside the flat buffer.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name (Hugging Face naming for models, e.g. `model.norm.weight`).
        public let name: String
        /// Its shape, outermost first (e.g. [OC, IC] for a linear weight).
        public let shape: [Int]
        /// Offset of its first element in the flat buffer.
        public let offset: Int
        /// Number of elements (product of `shape`).
        public var count: Int { shape.reduce(1, *) }
    }

    /// Entries in storage order.
    public private(set) var entries: [Entry] = []
    /// Total number of floats.
    public private(set) var count = 0
    private var index: [String: Int] = [:]

    /// An empty layout.
    public init() {}

    /// Appends a tensor at the end of the buffer (offsets are rounded up to 16 floats = 64 bytes).
    /// - Parameters: name: unique name. shape: dimensions, each ≥ 1.
    public mutating func append(_ name: String, shape: [Int]) {
        precondition(index[name] == nil, "duplicate parameter name \(name)")
        precondition(shape.allSatisfy { $0 > 0 }, "parameter \(name) has an empty dimension: \(shape)")
        let offset = (count + 15) / 16 * 16
        index[name] = entries.count
        entries.append(Entry(name: name, shape: shape, offset: offset))
        count = offset + shape.reduce(1, *)
    }

    /// The entry named `name`, or nil.
    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }
}

/// A flat, 64-byte-aligned Float buffer holding every tensor of a `ParameterLayout`.
///
/// A class because it owns mutable memory with identity (weights, gradients, optimizer moments).
/// Not synchronised: concurrent writers must touch disjoint ranges.
public final class ParameterBuffer: @unchecked Sendable {
    /// The layout shared by weights, gradients and optimizer state.
    public let layout: ParameterLayout
    /// The flat storage, `layout.count` floats.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of floats (`layout.count`).
    public var count: Int { layout.count }

    /// Allocates a zero-filled buffer for `layout`.
    public init(layout: ParameterLayout) {
        self.layout = layout
        // Weights, gradients and moments are streamed whole by every training step and prefill: huge pages.
        let raw = allocateStreamedMemory(byteCount: max(64, layout.count * 4))
        pointer = raw.bindMemory(to: Float.self, capacity: max(16, layout.count))
        pointer.initialize(repeating: 0, count: max(16, layout.count))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// The storage of tensor `name` (precondition: it exists).
    public subscript(name: String) -> UnsafeMutableBufferPointer<Float> {
        guard let entry = layout.entry(name) else { preconditionFailure("no parameter named \(name)") }
        return UnsafeMutableBufferPointer(start: pointer + entry.offset, count: entry.count)
    }

    /// The whole flat storage.
    public var flat: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Copies all values from a buffer with the same layout.
    /// - Parameter other: source buffer (precondition: same layout).
    public func copy(from other: ParameterBuffer) {
        precondition(other.layout == layout, "ParameterBuffer.copy(from:) needs identical layouts")
        pointer.update(from: other.pointer, count: count)
    }
}
