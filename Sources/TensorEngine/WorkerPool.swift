// Persistent helper threads for `Parallel.forEach`. A decode step of SmolLM2 splits about 150 small products
// and attention calls across the cores, each worth 50–300 µs; waking a parked thread through libdispatch costs
// tens of µs on these VMs, so each helper spins on a generation counter for a short while after its last job
// before it parks on a condition variable (the scheme of ggml's thread pool). The caller runs worker 0's share
// itself, so a two-thread job wakes one helper.
import CPUHints
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Helper threads that run the shares of workers 1…n of one job at a time; see the file comment.
final class WorkerPool: @unchecked Sendable {
    /// One job: `run(worker)` for the workers `0..<workers`.
    private final class Job {
        let workers: Int
        let run: (Int) -> Void
        init(workers: Int, run: @escaping (Int) -> Void) {
            self.workers = workers
            self.run = run
        }
    }

    /// Spins (a `pause` and an atomic load each, ≈ 60 ns on Zen 3) a helper makes before it parks: ≈ 0.25 ms,
    /// longer than the gaps between the products of one decode or training step, shorter than anything a user
    /// would notice as load.
    private static let spinsBeforeParking = 4_000

    /// The pool every `Parallel.forEach` call shares.
    static let shared = WorkerPool()

    private let generation = Atomic<Int>(0)
    private let unfinishedHelpers = Atomic<Int>(0)
    private let parkedHelpers = Atomic<Int>(0)
    private let inUse = Atomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Written by the caller before it publishes a generation, read by helpers after they see it.
    private var job: Job?
    /// Helper threads started so far (worker indices 1…helpers); only grows, under `inUse`.
    private var helpers = 0

    /// A pool with no helpers yet; they start on first use. Its threads live as long as the process.
    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Whether a job is running (a call from inside it, or from another thread, would be declined).
    var isBusy: Bool { inUse.load(ordering: .relaxed) }

    /// Runs `body(worker)` for every worker in `0..<workers` (worker 0 on the calling thread) and returns when
    /// all have finished. Returns false without running anything when the pool is busy with another caller's
    /// job (another thread, or a nested call from inside a job); the caller then splits the work another way.
    func run(workers: Int, _ body: (Int) -> Void) -> Bool {
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        while helpers < workers - 1 { startHelper() }
        withoutActuallyEscaping(body) { escapable in
            job = Job(workers: workers, run: escapable)
            unfinishedHelpers.store(helpers, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if parkedHelpers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            escapable(0)
            var spins = 0
            while unfinishedHelpers.load(ordering: .acquiring) > 0 {
                r1_spin_pause()
                spins += 1
                if spins > 1_000 { sched_yield() }  // ≈ 60 µs: the helper is slow (parked or preempted)
            }
            job = nil
        }
        return true
    }

    /// Starts helper `helpers + 1`; it first waits for the next generation.
    private func startHelper() {
        helpers += 1
        let index = helpers, start = generation.load(ordering: .acquiring)
        let thread = Thread { [self] in helperLoop(index: index, seen: start) }
        thread.name = "r1-engine-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func helperLoop(index: Int, seen start: Int) -> Never {
        var seen = start
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                r1_spin_pause()
                spins += 1
                if spins >= Self.spinsBeforeParking {
                    park(whileGenerationIs: seen)
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if let job, index < job.workers { job.run(index) }
            unfinishedHelpers.subtract(1, ordering: .releasing)
        }
    }

    /// Sleeps until the generation moves past `seen`. The caller reads `parkedHelpers` after publishing a
    /// generation (both sequentially consistent): either it sees this helper parked and broadcasts under the
    /// mutex, or this helper's check below already sees the new generation.
    private func park(whileGenerationIs seen: Int) {
        pthread_mutex_lock(mutex)
        parkedHelpers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(condition, mutex) }
        parkedHelpers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
    }
}
