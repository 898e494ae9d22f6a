// BLAS: the one place where matrix products leave Swift.
//
// Linux: OpenBLAS is loaded at run time with dlopen("libopenblas.so.0"). Debian's OpenBLAS 0.3.21 does not
// recognise recent Xeons and falls back to SSE3 "Prescott" kernels (4-8x slower, platform.md §1); because we
// load the library ourselves, setting OPENBLAS_CORETYPE=SkylakeX before dlopen is early enough. macOS uses
// Accelerate. When neither is available a blocked Swift GEMM (GEMMFallback.swift) is used, with one warning.
import Foundation
#if canImport(Accelerate)
import Accelerate
#endif

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    /// Use the matrix as stored (row-major).
    case none
    /// Use the transpose of the stored matrix.
    case transposed
}

/// Access to the single-precision GEMM backend (OpenBLAS, Accelerate, or the Swift fallback).
public enum BLAS {
    /// Which GEMM implementation is active.
    public enum Backend: Sendable, Equatable, CustomStringConvertible {
        /// OpenBLAS loaded at run time; `core` is what `openblas_get_corename()` reports (e.g. "SkylakeX").
        case openBLAS(core: String)
        /// Apple's Accelerate framework.
        case accelerate
        /// The blocked Swift GEMM in this module (slow; used when no BLAS library could be loaded).
        case swiftFallback(reason: String)

        public var description: String {
            switch self {
            case .openBLAS(let core): return "OpenBLAS (core \(core))"
            case .accelerate: return "Accelerate"
            case .swiftFallback(let reason): return "Swift fallback GEMM (\(reason))"
            }
        }
    }

    typealias SgemmFunction = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
        UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SetThreadsFunction = @convention(c) (Int32) -> Void
    typealias CoreNameFunction = @convention(c) () -> UnsafeMutablePointer<CChar>?

    struct Library: @unchecked Sendable {
        var sgemm: SgemmFunction?
        var setThreads: SetThreadsFunction?
        var backend: Backend
    }

    static let library: Library = load()

    /// The active backend, e.g. `OpenBLAS (core SkylakeX)`; loads the library on first use.
    public static var backend: Backend { library.backend }

    /// Sets the number of threads OpenBLAS uses inside one GEMM call (default 1; the engine parallelises
    /// at a coarser grain itself, see `Parallel`). No effect with Accelerate or the fallback.
    /// - Parameter count: threads per GEMM call, at least 1.
    public static func setThreads(_ count: Int) {
        library.setThreads?(Int32(max(1, count)))
    }

    private static func load() -> Library {
        #if canImport(Accelerate)
        return Library(sgemm: nil, setThreads: nil, backend: .accelerate)
        #else
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, cpuHasAVX512() {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        }
        var handle: UnsafeMutableRawPointer?
        for name in ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle, let sgemmSymbol = dlsym(handle, "cblas_sgemm") else {
            let reason = "libopenblas.so.0 could not be loaded; install libopenblas0 (Debian: apt-get install libopenblas-dev)"
            FileHandle.standardError.write(Data("warning: \(reason); using the slow Swift fallback GEMM\n".utf8))
            return Library(sgemm: nil, setThreads: nil, backend: .swiftFallback(reason: reason))
        }
        let sgemm = unsafeBitCast(sgemmSymbol, to: SgemmFunction.self)
        let setThreads = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreadsFunction.self) }
        var core = "unknown"
        if let symbol = dlsym(handle, "openblas_get_corename"),
           let name = unsafeBitCast(symbol, to: CoreNameFunction.self)() {
            core = String(cString: name)
        }
        setThreads?(1)
        return Library(sgemm: sgemm, setThreads: setThreads, backend: .openBLAS(core: core))
        #endif
    }

    private static func cpuHasAVX512() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("avx512f") }
    }

    /// Row-major single-precision GEMM: `C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] + beta · C`.
    ///
    /// - Parameters:
    ///   - transA: whether `A` is stored as [M, K] (`.none`) or [K, M] (`.transposed`).
    ///   - transB: whether `B` is stored as [K, N] (`.none`) or [N, K] (`.transposed`).
    ///   - m: rows of `C`. - n: columns of `C`. - k: inner dimension.
    ///   - a: `A`, leading dimension `lda`. - b: `B`, leading dimension `ldb`.
    ///   - beta: 0 overwrites `C`, 1 accumulates into it.
    ///   - c: `C` [M, N] with leading dimension `ldc`.
    package static func sgemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        #if canImport(Accelerate)
        cblas_sgemm(CblasRowMajor, transA == .none ? CblasNoTrans : CblasTrans,
                    transB == .none ? CblasNoTrans : CblasTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        #else
        if let sgemm = library.sgemm {
            sgemm(101, transA == .none ? 111 : 112, transB == .none ? 111 : 112,
                  Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        } else {
            fallbackSgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                          beta: beta, c: c, ldc: ldc)
        }
        #endif
    }
}
