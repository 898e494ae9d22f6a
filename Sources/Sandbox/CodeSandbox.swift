// CodeSandbox: the one narrow interface through which untrusted, model-written Python runs.
// It is the contract only; ProcessSandbox.swift is the implementation.
//
// What ProcessSandbox protects (each point has an adversarial test in Tests/SandboxTests):
// - Time: wall-clock deadline enforced by the parent (kills the whole tree: the bubblewrap pid namespace,
//   the process group, and for root callers every process of the slot's uid); RLIMIT_CPU per process.
// - Memory: RLIMIT_AS per process (Python raises MemoryError). Not a cgroup: N processes may use N times it.
// - Processes: RLIMIT_NPROC on a dedicated uid per concurrency slot when the caller is root (fork bombs stop
//   at the limit); for non-root callers the limit is offset by the machine's task count and is weaker.
// - Output: stdout + stderr capped; the run is killed past the cap. Files: RLIMIT_FSIZE, and with bubblewrap
//   size-limited tmpfs mounts at /tmp and /dev/shm as the only writable places (bubblewrap < 0.7 cannot
//   size them: then only RLIMIT_FSIZE per file applies).
// - Filesystem (bubblewrap): read-only root, private /tmp, /root and /home hidden, new /dev and /proc;
//   root-only files such as /etc/shadow stay unreadable because the program runs as a non-root uid.
// - Network (bubblewrap, unshare): a new network namespace with only `lo`; no DNS, no external traffic.
// - The caller: the program runs in its own session and pid namespace as another uid, so it cannot signal
//   the caller (os.kill(os.getppid(), 9) hits the namespace's init, which ignores it).
// - Environment: only the variables listed in ProcessSandbox.defaultEnvironment (+ configured ones).
// - Early exit: `sys.exit(0)`/`os._exit(0)` before the program's last line is a failure, not a pass.
//
// What it does NOT protect:
// - No seccomp filter: the full kernel syscall surface is reachable (kernel exploits are out of scope).
//   Nested user namespaces are disabled only with bubblewrap >= 0.8 (--disable-userns).
// - Where unprivileged user namespaces are off (e.g. Ubuntu 24.04's AppArmor default), bubblewrap and
//   `unshare --map-root-user` fail for non-root callers and runs report sandboxUnavailable.
// - Reading world-readable files is allowed (the root is bind-mounted read-only), including datasets on disk;
//   hide directories with Configuration.hiddenPaths.
// - CPU and memory are per process, not per run; there is no cgroup. Concurrent runs share the machine.
// - With `unshare` isolation the filesystem is protected only by permissions (world-writable /tmp,
//   /dev/shm are writable); with `.none` (opt-in) there are no namespaces at all, and a non-root caller's
//   program runs as the caller and could signal it.

/// A program and the limits to run it under.
public struct SandboxJob: Sendable, Equatable {
    /// Complete Python source (for tests: built by ``CodeTestCase/program(completion:)``).
    public var program: String
    /// Resource limits of the run.
    public var limits: SandboxLimits

    /// Creates a job.
    public init(program: String, limits: SandboxLimits = .default) {
        self.program = program
        self.limits = limits
    }
}

/// Runs untrusted Python programs and reports each outcome as a value.
///
/// Implementations never throw for what the program does and never let the program affect the caller; a
/// run that cannot be isolated is reported as ``ExecutionResult/Status/sandboxUnavailable(_:)``.
///
/// ```swift
/// let sandbox: any CodeSandbox = try ProcessSandbox()
/// let result = await sandbox.run("assert sorted([3, 1]) == [1, 3]", limits: .default)
/// ```
public protocol CodeSandbox: Sendable {
    /// Runs one program.
    ///
    /// - Parameters:
    ///   - program: complete Python 3 source, run as `__main__`.
    ///   - limits: resource limits (invalid limits give ``ExecutionResult/Status/sandboxUnavailable(_:)``).
    /// - Returns: the outcome; never throws.
    func run(_ program: String, limits: SandboxLimits) async -> ExecutionResult

    /// Runs many programs, in parallel up to the implementation's concurrency limit, blocking the caller.
    ///
    /// - Parameter jobs: programs with their limits.
    /// - Returns: one result per job, in the order of `jobs`.
    func runAll(_ jobs: [SandboxJob]) -> [ExecutionResult]
}

extension CodeSandbox {
    /// Runs many programs under the same limits, blocking the caller.
    ///
    /// - Parameters:
    ///   - programs: complete Python sources.
    ///   - limits: resource limits for every run.
    /// - Returns: one result per program, in order.
    public func runAll(_ programs: [String], limits: SandboxLimits) -> [ExecutionResult] {
        runAll(programs.map { SandboxJob(program: $0, limits: limits) })
    }

    /// Runs `completion` against a test case.
    ///
    /// - Parameters:
    ///   - completion: the model's code (see ``CodeTestCase/program(completion:)`` for how it is combined).
    ///   - testCase: the problem and its tests.
    ///   - limits: resource limits.
    /// - Returns: ``ExecutionResult/Status/passed`` when every test passed.
    public func run(_ completion: String, against testCase: CodeTestCase, limits: SandboxLimits) async -> ExecutionResult {
        await run(testCase.program(completion: completion), limits: limits)
    }
}
