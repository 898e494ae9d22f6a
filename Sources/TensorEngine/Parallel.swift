// Coarse-grained parallelism for the engine: per sequence, per head group, per half of a large GEMM.
// platform.md §3: a libdispatch dispatch costs microseconds; `WorkerPool` keeps helpers spinning between jobs.
import Dispatch
import Foundation
import Synchronization

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

    /// How `forEach` hands items to workers.
    package enum Schedule {
        /// Worker `w` takes items `w, w + workers, …` (which worker runs an item is fixed).
        case interleaved
        /// Workers claim the next unclaimed item from a shared counter, so a worker that runs slower (a core
        /// shared with other load, a helper that woke late) or items of unequal cost do not leave the other
        /// waiting. Only for bodies whose results do not depend on which worker runs an item.
        case dynamic
    }

    /// A claim counter for `Schedule.dynamic`.
    private final class NextItem: @unchecked Sendable {
        let value = Atomic<Int>(0)
    }

    /// Runs `body(worker, item)` for every item in `0..<items`, split over up to `threadCount` workers.
    /// Per-worker scratch indexed by `worker` is safe under either schedule.
    /// - Parameters:
    ///   - items: number of independent work items.
    ///   - maxWorkers: upper bound on workers for this call (e.g. the number of scratch buffers).
    ///   - schedule: interleaved (default) or dynamic.
    ///   - body: the work; must only write memory owned by its item (or by its worker).
    package static func forEach(_ items: Int, maxWorkers: Int = .max, schedule: Schedule = .interleaved,
                                _ body: (_ worker: Int, _ item: Int) -> Void) {
        let workers = min(threadCount, items, maxWorkers)
        if workers <= 1 {
            for item in 0..<items { body(0, item) }
            return
        }
        let next = schedule == .dynamic ? NextItem() : nil  // no allocation for the interleaved schedule
        let share = { (worker: Int) in
            if let next {
                while true {
                    let item = next.value.add(1, ordering: .relaxed).oldValue
                    if item >= items { break }
                    body(worker, item)
                }
            } else {
                var item = worker
                while item < items { body(worker, item); item += workers }
            }
        }
        // The pool's spinning helpers start in well under a microsecond; when another thread (or an enclosing
        // job) holds the pool, libdispatch splits the work instead.
        if WorkerPool.shared.run(workers: workers, share) { return }
        withoutActuallyEscaping(share) { escapable in
            let box = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in box.run(worker) }
        }
    }

    /// Runs `body` over contiguous chunks of `0..<count`, one per worker, when there are at least `grain`
    /// items per worker; otherwise (and inside another parallel job, or when the pool is busy) runs
    /// `body(0..<count)` on the calling thread. Chunk boundaries are multiples of `alignment`, so a SIMD kernel
    /// with a scalar tail treats every item exactly as one serial call would: results do not depend on the
    /// thread count.
    /// - Parameters:
    ///   - count: number of items. - alignment: boundaries are multiples of this (e.g. the SIMD width).
    ///   - grain: fewest items worth a worker (a dispatch costs about a microsecond).
    ///   - body: the work for one chunk; must only write memory owned by its items.
    package static func chunks(_ count: Int, alignment: Int = 16, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
        let workers = min(threadCount, count / max(1, grain))
        if workers <= 1 || WorkerPool.shared.isBusy {
            body(0..<count)
            return
        }
        let units = (count + alignment - 1) / alignment
        let ran = WorkerPool.shared.run(workers: workers) { worker in
            let lo = min(count, units * worker / workers * alignment)
            let hi = worker == workers - 1 ? count : min(count, units * (worker + 1) / workers * alignment)
            if lo < hi { body(lo..<hi) }
        }
        if !ran { body(0..<count) }
    }

    /// Carries the non-Sendable body into `concurrentPerform`; callers guarantee disjoint writes.
    private struct UncheckedBody: @unchecked Sendable {
        let run: (Int) -> Void
    }
}
