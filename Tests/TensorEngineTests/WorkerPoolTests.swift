import Foundation
import Synchronization
import Testing
@testable import TensorEngine

/// The spinning helper threads behind `Parallel.forEach`: every worker's share runs once per job, on the spin
/// path and after the helpers have parked, a busy pool declines instead of deadlocking, and concurrent and
/// nested `Parallel.forEach` calls still cover every item once.
@Suite struct WorkerPoolTests {
    /// Runs `jobs` jobs of `workers` workers on `pool`; each job must call every worker index exactly once.
    private func runJobs(_ pool: WorkerPool, workers: Int, jobs: Int) {
        // Slot w is written only by the thread running worker w; `run` returns after every share has finished.
        let calls = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers)
        calls.initialize(repeating: 0)
        defer { calls.deallocate() }
        for job in 0..<jobs {
            let ran = pool.run(workers: workers) { worker in
                precondition(worker >= 0 && worker < workers, "worker index \(worker) outside 0..<\(workers)")
                calls[worker] += 1
            }
            #expect(ran)
            for worker in 0..<workers { #expect(calls[worker] == job + 1, "worker \(worker), job \(job)") }
        }
    }

    @Test func everyWorkerRunsOncePerJobWhileSpinningAndAfterParking() {
        let pool = WorkerPool()
        runJobs(pool, workers: 3, jobs: 500)  // back to back: the helpers are still spinning
        for _ in 0..<3 {
            Thread.sleep(forTimeInterval: 0.05)  // far longer than the spin budget: the helpers park
            runJobs(pool, workers: 3, jobs: 2)
        }
        runJobs(pool, workers: 2, jobs: 50)  // fewer workers than helpers: the third helper skips its share
        runJobs(pool, workers: 4, jobs: 50)  // more: a helper is added
    }

    @Test func aBusyPoolDeclinesANestedJob() {
        let pool = WorkerPool()
        let nestedRan = Atomic<Int>(0), declined = Atomic<Int>(0)
        let ran = pool.run(workers: 2) { _ in
            if pool.run(workers: 2, { _ in nestedRan.add(1, ordering: .relaxed) }) {
                Issue.record("a nested job ran on a pool that was busy")
            } else {
                declined.add(1, ordering: .relaxed)
            }
        }
        #expect(ran)
        #expect(declined.load(ordering: .relaxed) == 2)
        #expect(nestedRan.load(ordering: .relaxed) == 0)
    }

    /// Four threads call `Parallel.forEach` at once, each item nesting another `forEach`; all but one caller at a
    /// time fall back to libdispatch, and every (outer, inner) item is visited exactly once.
    @Test func concurrentAndNestedForEachVisitEveryItemOnce() async {
        let previous = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = previous }
        let outer = 40, inner = 7
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    // Item (i, j) is written by one thread per round; rounds are ordered by forEach returning.
                    let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: outer * inner)
                    visits.initialize(repeating: 0)
                    defer { visits.deallocate() }
                    for _ in 0..<20 {
                        Parallel.forEach(outer) { _, i in
                            Parallel.forEach(inner) { _, j in visits[i * inner + j] += 1 }
                        }
                    }
                    return visits.allSatisfy { $0 == 20 }
                }
            }
            for await allVisited in group { #expect(allVisited) }
        }
    }
}
