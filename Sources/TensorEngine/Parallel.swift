// Coarse-grained parallelism for the engine: per sequence, per head group, per half of a large GEMM.
// platform.md §3: a dispatch costs microseconds, so only split work worth milliseconds.
import Dispatch
import Foundation

/// The engine's worker-thread setting and a helper to split work across workers.
public enum Parallel {
    private final class Setting: @unchecked Sendable {
        let lock = NSLock()
        var threads = 1
    }
    private static let setting = Setting()

    /// Number of worker threads the engine's kernels may use (default 1; this machine has 2 cores).
    public static var threadCount: Int {
        get { setting.lock.lock(); defer { setting.lock.unlock() }; return setting.threads }
        set { setting.lock.lock(); setting.threads = max(1, newValue); setting.lock.unlock() }
    }

    /// Runs `body(worker, item)` for every item in `0..<items`, split over up to `threadCount` workers.
    /// Worker `w` handles items `w, w + workers, …`, so per-worker scratch indexed by `worker` is safe.
    /// - Parameters:
    ///   - items: number of independent work items.
    ///   - maxWorkers: upper bound on workers for this call (e.g. the number of scratch buffers).
    ///   - body: the work; must only write memory owned by its item (or by its worker).
    package static func forEach(_ items: Int, maxWorkers: Int = .max, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let workers = min(threadCount, items, maxWorkers)
        if workers <= 1 {
            for item in 0..<items { body(0, item) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var item = worker
                while item < items { box.run(worker, item); item += workers }
            }
        }
    }

    /// Carries the non-Sendable body into `concurrentPerform`; callers guarantee disjoint writes.
    private struct UncheckedBody: @unchecked Sendable {
        let run: (Int, Int) -> Void
    }
}
