// WorkerPool: a FIFO of jobs served by at most N dedicated threads, each owning a slot number 0..<N.
// Runs block for seconds in poll(2), so they stay off Swift's cooperative thread pool. Not a general
// executor: no priorities, no cancellation.

import Foundation

/// Runs submitted closures on at most `size` threads; each closure receives the slot of its thread.
final class WorkerPool: @unchecked Sendable {
    typealias Work = @Sendable (_ slot: Int) -> Void

    private let lock = NSLock()
    private var queue: [Work?] = []
    private var head = 0
    private var freeSlots: [Int]

    /// Creates a pool of at most `size` threads (started on demand, ended when the queue is empty).
    init(size: Int) {
        precondition(size > 0, "WorkerPool needs at least one slot")
        freeSlots = Array((0..<size).reversed())
    }

    /// Queues `work`; it runs on a pool thread as soon as a slot is free.
    func submit(_ work: @escaping Work) {
        lock.lock()
        queue.append(work)
        let slot = freeSlots.popLast()
        lock.unlock()
        if let slot {
            let thread = Thread { [self] in serve(slot) }
            thread.name = "sandbox-worker-\(slot)"
            thread.start()
        }
    }

    /// A worker's loop: take jobs in order until the queue is empty, then give the slot back.
    private func serve(_ slot: Int) {
        while true {
            lock.lock()
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
                freeSlots.append(slot)
                lock.unlock()
                return
            }
            let work = queue[head]
            queue[head] = nil
            head += 1
            lock.unlock()
            work?(slot)
        }
    }
}
