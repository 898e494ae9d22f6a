// OutcomeBuffer.swift — a lock-protected array that concurrent workers fill by index.

import Foundation

/// Fixed-size outcome storage written by concurrent workers (one slot each) under a lock.
final class OutcomeBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [RewardOutcome]

    init(count: Int) { storage = Array(repeating: .notApplicable, count: count) }

    func set(_ index: Int, _ outcome: RewardOutcome) {
        lock.lock()
        storage[index] = outcome
        lock.unlock()
    }

    var values: [RewardOutcome] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
