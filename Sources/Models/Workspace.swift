// Owned scratch memory for forward/backward passes: many named buffers, freed together.

/// A set of Float (and Int32) buffers allocated once and freed together on deinit.
final class Workspace {
    private var floats: [UnsafeMutablePointer<Float>] = []
    private var ints: [UnsafeMutablePointer<Int32>] = []

    /// A zero-filled buffer of `count` floats living as long as the workspace.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(16, count))
        p.initialize(repeating: 0, count: max(16, count))
        floats.append(p)
        return p
    }

    /// A zero-filled buffer of `count` Int32 living as long as the workspace.
    func ints(_ count: Int) -> UnsafeMutablePointer<Int32> {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, count))
        p.initialize(repeating: 0, count: max(1, count))
        ints.append(p)
        return p
    }

    deinit {
        for p in floats { p.deallocate() }
        for p in ints { p.deallocate() }
    }
}
