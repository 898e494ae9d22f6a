// offPool: the synchronous teachers block their thread, so the distillation tests run them off the cooperative
// pool that the in-process server (TestSupport's TinyServer) needs.
import Foundation

/// Runs blocking work (the synchronous teachers) on its own thread, never on the cooperative pool the server needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}
