// llama.cpp's Q/K row permutation for arch-`llama` GGUF files (its converter's `permute`): per head, Hugging
// Face row j·D/2 + i (rotate-half RoPE pairs i, i + D/2) is stored as GGUF row 2i + j (interleaved pairs).
// The inverse of `LlamaModel.unpermuteRotaryRows`, which runs on load.

/// Reorders the rows of query/key projections between Hugging Face and llama.cpp layouts.
public enum RotaryPermutation {
    /// Permutes rows from the Hugging Face to the llama.cpp (GGUF, arch llama) order.
    /// - Parameters:
    ///   - values: [heads·D, columns] row-major (or [heads·D] for a bias).
    ///   - heads: H for q_proj, Hkv for k_proj.
    ///   - headDim: D (even).
    /// - Returns: the permuted rows, same shape.
    public static func toGGUF(_ values: [Float], heads: Int, headDim: Int) -> [Float] {
        precondition(heads > 0 && headDim % 2 == 0 && values.count % (heads * headDim) == 0,
                     "RotaryPermutation: \(values.count) values do not form \(heads) heads of \(headDim) rows")
        let columns = values.count / (heads * headDim), half = headDim / 2
        var result = values
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for h in 0..<heads {
                    for i in 0..<half {
                        for j in 0..<2 {
                            let from = (h * headDim + j * half + i) * columns, to = (h * headDim + 2 * i + j) * columns
                            for c in 0..<columns { target[to + c] = source[from + c] }
                        }
                    }
                }
            }
        }
        return result
    }
}
