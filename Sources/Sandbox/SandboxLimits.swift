// SandboxLimits: the resource limits of one sandboxed run, as a validated value type.
// It is not the mechanism that enforces them (see ProcessLauncher.swift).

/// Resource limits for one sandboxed run.
///
/// How each limit is enforced (see ``ProcessSandbox``):
/// - `wallTime`: the parent kills the whole process tree when it passes → ``ExecutionResult/Status/timedOut``.
/// - `cpuTime`: `RLIMIT_CPU` (soft = the value rounded up to whole seconds, hard = one second more),
///   per process → ``ExecutionResult/Status/timedOut``.
/// - `memoryBytes`: `RLIMIT_AS` (address space, per process); Python raises `MemoryError`
///   → ``ExecutionResult/Status/memoryExceeded``.
/// - `fileSizeBytes`: `RLIMIT_FSIZE`, the largest file a process may write.
/// - `processCount`: `RLIMIT_NPROC` for the sandbox's user id (processes and threads). It binds only when
///   the sandbox drops to a dedicated non-root uid (the caller runs as root); see ``ProcessSandbox``.
/// - `openFiles`: `RLIMIT_NOFILE`.
/// - `outputBytes`: stdout and stderr together; the parent stops storing and kills the run when exceeded
///   → ``ExecutionResult/Status/outputLimitExceeded``.
/// - `scratchBytes`: size of the private writable tmpfs at `/tmp` (bubblewrap isolation only).
///
/// ```swift
/// var limits = SandboxLimits.default
/// limits.wallTime = 3
/// try limits.validate()
/// ```
public struct SandboxLimits: Codable, Sendable, Equatable {
    /// Wall-clock limit in seconds, measured from the launch of the sandbox.
    public var wallTime: Double
    /// CPU-time limit in seconds per process (rounded up to whole seconds).
    public var cpuTime: Double
    /// Address-space limit in bytes per process.
    public var memoryBytes: Int
    /// Largest file a process may write, in bytes.
    public var fileSizeBytes: Int
    /// Most processes and threads the sandbox user may own at once.
    public var processCount: Int
    /// Most open file descriptors per process.
    public var openFiles: Int
    /// Most bytes of stdout and stderr (together) that are kept before the run is killed.
    public var outputBytes: Int
    /// Size of the private tmpfs mounted at `/tmp` inside the sandbox, in bytes.
    public var scratchBytes: Int

    /// Smallest accepted `memoryBytes`: bubblewrap plus the Python interpreter need about 30 MiB of
    /// address space to start.
    public static let minimumMemoryBytes = 64 << 20

    /// Defaults for reward computation: 10 s wall, 5 s CPU, 1 GiB address space, 16 MiB files,
    /// 32 processes, 64 open files, 1 MiB of output, 64 MiB of scratch space.
    public static let `default` = SandboxLimits()

    /// Creates limits; every argument has the default described at ``default``.
    public init(
        wallTime: Double = 10, cpuTime: Double = 5, memoryBytes: Int = 1 << 30,
        fileSizeBytes: Int = 16 << 20, processCount: Int = 32, openFiles: Int = 64,
        outputBytes: Int = 1 << 20, scratchBytes: Int = 64 << 20
    ) {
        self.wallTime = wallTime
        self.cpuTime = cpuTime
        self.memoryBytes = memoryBytes
        self.fileSizeBytes = fileSizeBytes
        self.processCount = processCount
        self.openFiles = openFiles
        self.outputBytes = outputBytes
        self.scratchBytes = scratchBytes
    }

    enum CodingKeys: String, CodingKey {
        case wallTime = "wall_time"
        case cpuTime = "cpu_time"
        case memoryBytes = "memory_bytes"
        case fileSizeBytes = "file_size_bytes"
        case processCount = "process_count"
        case openFiles = "open_files"
        case outputBytes = "output_bytes"
        case scratchBytes = "scratch_bytes"
    }

    /// Decodes limits; a missing key takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SandboxLimits()
        wallTime = try c.decodeIfPresent(Double.self, forKey: .wallTime) ?? d.wallTime
        cpuTime = try c.decodeIfPresent(Double.self, forKey: .cpuTime) ?? d.cpuTime
        memoryBytes = try c.decodeIfPresent(Int.self, forKey: .memoryBytes) ?? d.memoryBytes
        fileSizeBytes = try c.decodeIfPresent(Int.self, forKey: .fileSizeBytes) ?? d.fileSizeBytes
        processCount = try c.decodeIfPresent(Int.self, forKey: .processCount) ?? d.processCount
        openFiles = try c.decodeIfPresent(Int.self, forKey: .openFiles) ?? d.openFiles
        outputBytes = try c.decodeIfPresent(Int.self, forKey: .outputBytes) ?? d.outputBytes
        scratchBytes = try c.decodeIfPresent(Int.self, forKey: .scratchBytes) ?? d.scratchBytes
    }

    /// Checks every limit.
    ///
    /// - Throws: ``SandboxError/invalidLimit(field:value:rule:)`` naming the first field out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: CustomStringConvertible, _ rule: String) throws {
            if !ok { throw SandboxError.invalidLimit(field: field, value: value.description, rule: rule) }
        }
        try check(wallTime.isFinite && wallTime > 0 && wallTime <= 86_400, "wallTime", wallTime,
                  "must be a number of seconds in (0, 86400]")
        try check(cpuTime.isFinite && cpuTime > 0 && cpuTime <= 86_400, "cpuTime", cpuTime,
                  "must be a number of seconds in (0, 86400]")
        try check(memoryBytes >= Self.minimumMemoryBytes, "memoryBytes", memoryBytes,
                  "must be at least \(Self.minimumMemoryBytes) (64 MiB): the interpreter cannot start with less")
        try check(fileSizeBytes >= 4096, "fileSizeBytes", fileSizeBytes,
                  "must be at least 4096: the program text itself is written to a file in the sandbox")
        try check(processCount >= 4, "processCount", processCount,
                  "must be at least 4: the sandbox needs 3 processes before the program starts")
        try check(openFiles >= 16, "openFiles", openFiles, "must be at least 16")
        try check(outputBytes >= 1, "outputBytes", outputBytes, "must be positive")
        try check(scratchBytes >= 1 << 20, "scratchBytes", scratchBytes, "must be at least 1 MiB")
    }

    /// `cpuTime` as the whole seconds given to `RLIMIT_CPU`.
    var cpuSeconds: UInt64 { UInt64(cpuTime.rounded(.up)) }
}
