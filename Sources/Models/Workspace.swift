// Owned scratch memory for forward/backward passes: many named buffers, freed together — or handed out again.
// A GRPO step runs 8–16 micro-batches of slightly different shapes; giving each its own fresh buffers cost
// ≈ 10 % of the step in first-touch page faults (the kernel zeroes every new page, then we zero it again).
// `rewind()` lets the next pass take the same buffers in the same order instead.

/// A set of Float (and Int32) buffers allocated once and freed together on deinit, or reused after `rewind()`.
final class Workspace {
    private var floatBuffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    private var intBuffers: [(pointer: UnsafeMutablePointer<Int32>, capacity: Int)] = []
    private var nextFloat = 0
    private var nextInt = 0

    /// A zero-filled buffer of `count` floats living until the workspace is freed or rewound.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let pointer = Self.take(&floatBuffers, index: nextFloat, count: max(16, count))
        nextFloat += 1
        return pointer
    }

    /// A zero-filled buffer of `count` Int32 living until the workspace is freed or rewound.
    func ints(_ count: Int) -> UnsafeMutablePointer<Int32> {
        let pointer = Self.take(&intBuffers, index: nextInt, count: max(1, count))
        nextInt += 1
        return pointer
    }

    /// Invalidates every buffer handed out so far: the next requests get the same buffers again, in the order
    /// they were first requested (zeroed, and replaced by a larger one where one is too small). Callers that
    /// request buffers in a fixed order (a training state, a backward's scratch) thus touch no new pages.
    func rewind() {
        nextFloat = 0
        nextInt = 0
    }

    /// Buffer `index` of `buffers` with room for `count` values, zeroed over `count`.
    private static func take<T: Numeric>(
        _ buffers: inout [(pointer: UnsafeMutablePointer<T>, capacity: Int)], index: Int, count: Int
    ) -> UnsafeMutablePointer<T> {
        if index < buffers.count {
            if buffers[index].capacity >= count {
                buffers[index].pointer.update(repeating: 0, count: count)
                return buffers[index].pointer
            }
            buffers[index].pointer.deinitialize(count: buffers[index].capacity)
            buffers[index].pointer.deallocate()  // before the larger one, so the two never coexist
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            buffers[index] = (pointer, count)
            return pointer
        }
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        buffers.append((pointer, count))
        return pointer
    }

    deinit {
        for buffer in floatBuffers { buffer.pointer.deallocate() }
        for buffer in intBuffers { buffer.pointer.deallocate() }
    }
}
