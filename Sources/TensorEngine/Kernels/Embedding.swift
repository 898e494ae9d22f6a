// Token embedding lookup: out[n] = table[tokens[n]].

/// Embedding forward: copies one table row per token.
/// - Parameters:
///   - out: [N, C], overwritten. - tokens: [N], each in 0..<V. - table: [V, C].
///   - rows: N. - channels: C.
@_specialize(where F == Float)
package func embeddingForward<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ tokens: UnsafePointer<Int32>, _ table: UnsafePointer<F>, rows: Int, channels: Int
) {
    for n in 0..<rows {
        (out + n * channels).update(from: table + Int(tokens[n]) * channels, count: channels)
    }
}

/// Embedding backward: `dtable[tokens[n]] += dout[n]` (rows of repeated tokens add up).
/// - Parameters: dtable: [V, C]. dout: [N, C]. tokens: [N]. rows: N. channels: C.
@_specialize(where F == Float)
package func embeddingBackward<F: KernelScalar>(
    _ dtable: UnsafeMutablePointer<F>, _ dout: UnsafePointer<F>, _ tokens: UnsafePointer<Int32>, rows: Int, channels: Int
) {
    for n in 0..<rows {
        let row = dtable + Int(tokens[n]) * channels
        for c in 0..<channels { row[c] += dout[n * channels + c] }
    }
}
