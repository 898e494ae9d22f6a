// ExecutionResult: what happened to one sandboxed program, as a value.
// It does not decide rewards; Rewards maps a status to a number.

/// The outcome of one sandboxed run.
///
/// ```swift
/// let result = await sandbox.run("assert 1 + 1 == 2", limits: .default)
/// if result.succeeded { reward = 1 }
/// ```
public struct ExecutionResult: Sendable, Equatable, CustomStringConvertible {
    /// How the run ended.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        /// The program ran to its last line and the interpreter exited with status 0.
        case passed
        /// The program raised, exited early (including `sys.exit(0)`/`os._exit(0)` before its end) or exited
        /// with a non-zero status. The associated text is the tail of stderr (the failing assertion and
        /// traceback) or a sentence saying why.
        case failed(String)
        /// The wall-clock limit or the CPU-time limit was reached; the whole process tree was killed.
        case timedOut
        /// The program ran out of its address-space limit (`MemoryError`).
        case memoryExceeded
        /// stdout plus stderr went past `SandboxLimits.outputBytes`; the run was killed.
        case outputLimitExceeded
        /// The program was killed by this signal, not by the sandbox.
        case crashed(signal: Int32)
        /// Nothing was run (or the interpreter could not start): no isolation mechanism works, the
        /// configuration forbids running unisolated, or launching failed. The text says why.
        case sandboxUnavailable(String)

        public var description: String {
            switch self {
            case .passed: return "passed"
            case .failed(let why): return "failed: \(why)"
            case .timedOut: return "timed out"
            case .memoryExceeded: return "memory limit exceeded"
            case .outputLimitExceeded: return "output limit exceeded"
            case .crashed(let signal): return "crashed (signal \(signal))"
            case .sandboxUnavailable(let why): return "sandbox unavailable: \(why)"
            }
        }
    }

    /// How the run ended.
    public var status: Status
    /// Captured stdout (UTF-8, invalid bytes replaced), at most the output limit.
    public var stdout: String
    /// Captured stderr (UTF-8, invalid bytes replaced), at most what the output limit left.
    public var stderr: String
    /// The interpreter's exit status, or `nil` when it was killed by a signal or never started.
    public var exitCode: Int32?
    /// Wall-clock time from launch to the end of the run, in seconds.
    public var wallTime: Double
    /// User plus system CPU time of the program's processes, in seconds; `nil` under bubblewrap, whose
    /// monitor does not pass its descendants' usage on to the caller.
    public var cpuTime: Double?
    /// The isolation that was used (never ``SandboxIsolation/automatic``).
    public var isolation: SandboxIsolation

    /// Creates a result.
    public init(
        status: Status, stdout: String = "", stderr: String = "", exitCode: Int32? = nil,
        wallTime: Double = 0, cpuTime: Double? = nil, isolation: SandboxIsolation
    ) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.wallTime = wallTime
        self.cpuTime = cpuTime
        self.isolation = isolation
    }

    /// `true` when the status is ``Status/passed``.
    public var succeeded: Bool { status == .passed }
    /// `true` when the status is ``Status/timedOut``.
    public var timedOut: Bool { status == .timedOut }
    /// `true` when the status is ``Status/memoryExceeded``.
    public var memoryExceeded: Bool { status == .memoryExceeded }

    public var description: String {
        let ms = (wallTime * 1000).rounded()
        return "\(status) [\(isolation), exit \(exitCode.map(String.init) ?? "-"), \(ms) ms]"
    }
}
