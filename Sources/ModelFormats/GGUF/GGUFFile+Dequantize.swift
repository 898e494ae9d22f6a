// GGUFFile+Dequantize: converting tensors (or row ranges of them) to Float32, in parallel for large ones.

import Dispatch
import Foundation

extension GGUFFile {
    /// Tensors with at least this many values are dequantized on all cores.
    static let parallelThreshold = 1 << 18

    /// Dequantizes a whole tensor to `Float`.
    ///
    /// - Parameter name: A tensor of a type with ``GGUFTensorType/canDequantize`` (F32, F16, BF16, Q8_0, Q4_0,
    ///   Q4_1, Q4_K, Q5_K, Q6_K).
    /// - Returns: `elementCount` floats in ggml order: for shape `[ne0, ne1]`, row `r` is `r*ne0 ..< (r+1)*ne0`
    ///   (the numpy `[ne1, ne0]` array flattened row-major).
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)`` or ``GGUFError/unsupportedTensorType(file:tensor:type:operation:)``.
    public func dequantize(_ name: String) throws(GGUFError) -> [Float] {
        let info = try tensorInfo(named: name)
        try checkDequantizable(info)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            decode(info, rows: 0..<info.rowCount, into: buffer.baseAddress)
            initialized = info.elementCount
        }
    }

    /// Dequantizes a whole tensor into a caller-provided buffer (no allocation).
    ///
    /// - Parameters:
    ///   - name: A tensor of a dequantizable type.
    ///   - destination: Exactly `elementCount` floats; receives the values in ggml order.
    /// - Throws: ``GGUFError/tensorNotFound(file:tensor:)``, ``GGUFError/unsupportedTensorType(file:tensor:type:operation:)``
    ///   or ``GGUFError/elementCountMismatch(file:tensor:expected:actual:)``.
    public func dequantize(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws(GGUFError) {
        let info = try tensorInfo(named: name)
        try checkDequantizable(info)
        guard destination.count == info.elementCount else {
            throw .elementCountMismatch(file: url.path, tensor: name, expected: info.elementCount, actual: destination.count)
        }
        decode(info, rows: 0..<info.rowCount, into: destination.baseAddress)
    }

    /// Dequantizes rows `rows` of a tensor (a row is `ne0` values), e.g. a few embedding rows by token id.
    ///
    /// - Parameters:
    ///   - name: A tensor of a dequantizable type.
    ///   - rows: Row indices within `0 ..< rowCount`.
    ///   - destination: Exactly `rows.count * ne0` floats.
    /// - Throws: As ``dequantize(_:into:)``; ``GGUFError/invalidInput(file:reason:)`` if `rows` is out of range.
    public func dequantizeRows(
        _ name: String, rows: Range<Int>, into destination: UnsafeMutableBufferPointer<Float>
    ) throws(GGUFError) {
        let info = try tensorInfo(named: name)
        try checkDequantizable(info)
        guard rows.lowerBound >= 0, rows.upperBound <= info.rowCount else {
            throw .invalidInput(file: url.path, reason: "rows \(rows) out of range 0..<\(info.rowCount) for tensor '\(name)'")
        }
        guard destination.count == rows.count * info.rowLength else {
            throw .elementCountMismatch(file: url.path, tensor: name, expected: rows.count * info.rowLength, actual: destination.count)
        }
        decode(info, rows: rows, into: destination.baseAddress)
    }

    private func checkDequantizable(_ info: GGUFTensorInfo) throws(GGUFError) {
        guard info.type.canDequantize else {
            throw .unsupportedTensorType(file: url.path, tensor: info.name, type: info.type, operation: "dequantize")
        }
    }

    /// Decodes `rows` into `destination` (which holds `rows.count * rowLength` floats); splits large jobs
    /// into contiguous block ranges, one per core.
    private func decode(_ info: GGUFTensorInfo, rows: Range<Int>, into destination: UnsafeMutablePointer<Float>?) {
        guard let destination, !rows.isEmpty, info.rowLength > 0,
              let source = rawData(info).baseAddress?.advanced(by: rows.lowerBound * info.rowByteCount)
        else { return }
        let type = info.type
        let blocksPerRow = info.rowLength / type.blockSize
        let blockCount = rows.count * blocksPerRow
        let valueCount = rows.count * info.rowLength
        let chunks = valueCount >= Self.parallelThreshold
            ? min(ProcessInfo.processInfo.activeProcessorCount, blockCount) : 1
        if chunks <= 1 {
            GGUFDequantizer.dequantize(type, source: source, destination: destination, blockCount: blockCount)
            return
        }
        let blocksPerChunk = (blockCount + chunks - 1) / chunks
        let pointers = ChunkPointers(source: source, destination: destination)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let first = chunk * blocksPerChunk
            let count = min(blocksPerChunk, blockCount - first)
            guard count > 0 else { return }
            GGUFDequantizer.dequantize(
                type, source: pointers.source + first * type.typeSize,
                destination: pointers.destination + first * type.blockSize, blockCount: count)
        }
    }
}

/// Source and destination handed to worker threads; each worker writes a disjoint block range.
private struct ChunkPointers: @unchecked Sendable {
    let source: UnsafeRawPointer
    let destination: UnsafeMutablePointer<Float>
}
