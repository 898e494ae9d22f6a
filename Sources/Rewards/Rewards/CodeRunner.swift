// CodeRunner.swift — the narrow interface the code reward needs from a sandbox.
// The Sandbox module's `ProcessSandbox` is adapted to it in Integration/SandboxCodeRunner.swift.

import Foundation

/// How a sandboxed Python program ended.
public enum CodeRunStatus: String, Sendable, Equatable, Codable {
    /// Exit status 0.
    case passed
    /// Non-zero exit status (an exception).
    case failed
    /// Killed at the wall-clock or CPU limit.
    case timedOut
    /// Killed at the memory limit.
    case memoryExceeded
    /// Killed by a signal or otherwise abnormal.
    case crashed
    /// No sandbox could be started (missing bubblewrap/python).
    case sandboxUnavailable
}

/// Result of running one program.
public struct CodeRunResult: Sendable, Equatable {
    /// How it ended.
    public var status: CodeRunStatus
    /// Captured standard output (possibly partial when killed).
    public var stdout: String
    /// Captured standard error.
    public var stderr: String

    /// Creates a result.
    public init(status: CodeRunStatus, stdout: String = "", stderr: String = "") {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs a Python program in isolation. Must be thread-safe; enforces its own kill on timeout.
public protocol CodeRunner: Sendable {
    /// Runs `program` with `python3`.
    /// - Parameters:
    ///   - program: complete Python source.
    ///   - timeout: wall-clock seconds before the process is killed.
    /// - Returns: the result; sandbox problems are reported as `.sandboxUnavailable`, not thrown.
    func runPython(_ program: String, timeout: Double) -> CodeRunResult

    /// Runs several programs (concurrently where the runner can), blocking until all finished.
    /// The default runs `runPython(_:timeout:)` concurrently.
    /// - Parameters:
    ///   - programs: complete Python sources.
    ///   - timeout: wall-clock seconds per program.
    /// - Returns: one result per program, in order.
    func runPython(_ programs: [String], timeout: Double) -> [CodeRunResult]
}

extension CodeRunner {
    public func runPython(_ programs: [String], timeout: Double) -> [CodeRunResult] {
        let box = CodeRunResultBuffer(count: programs.count)
        DispatchQueue.concurrentPerform(iterations: programs.count) { i in
            box.set(i, runPython(programs[i], timeout: timeout))
        }
        return box.values
    }
}

/// Slots filled by concurrent runs.
final class CodeRunResultBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [CodeRunResult]
    init(count: Int) { storage = Array(repeating: CodeRunResult(status: .crashed), count: count) }
    func set(_ i: Int, _ r: CodeRunResult) { lock.lock(); storage[i] = r; lock.unlock() }
    var values: [CodeRunResult] { lock.lock(); defer { lock.unlock() }; return storage }
}
