// ProcessSandbox: the CodeSandbox that runs each program in a fresh bubblewrap (or unshare) sandbox process
// with rlimits, a dedicated uid per run, a deadline and an output cap, up to N at a time.
// What is and is not protected is listed in CodeSandbox.swift. Linux only; elsewhere every run reports
// sandboxUnavailable.
//
// Follows the shape of nanochat's execution.py (a subprocess per program, limits, a result value), but
// isolates with namespaces instead of monkey-patching Python's os module.
// https://github.com/karpathy/nanochat/blob/master/nanochat/execution.py

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs untrusted Python in sandboxed processes, several at a time.
///
/// Each run: fork, then in the child a new session, rlimits (CPU, address space, file size, processes, open
/// files, no core), for root callers a uid/gid leased for this run, then exec of
/// `bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp ... python3`
/// under a small reaping parent (bubblewrap leaves its namespace init unreaped; the reaper collects it so
/// no zombie of the run's uid outlives the run).
/// The parent feeds the program on stdin, reads stdout/stderr concurrently with a cap, kills the whole tree
/// at the deadline, and classifies the outcome (``ExecutionResult/Status``).
///
/// The isolation mechanism is probed on first use (a program that must see no network interface but `lo`)
/// and reused. If neither bubblewrap nor `unshare` works, every run returns
/// ``ExecutionResult/Status/sandboxUnavailable(_:)`` unless the configuration says `.none` *and*
/// `allowUnisolated: true`.
///
/// Thread-safe: share one instance. ``run(_:limits:)`` suspends without blocking the cooperative pool;
/// ``runAll(_:)`` blocks the caller.
///
/// ```swift
/// let sandbox = try ProcessSandbox(configuration: .init(maxConcurrency: 2))
/// let results = sandbox.runAll(["assert 1 + 1 == 2", "assert 1 + 1 == 3"], limits: .default)
/// // results[0].status == .passed, results[1].status == .failed("...AssertionError")
/// ```
public final class ProcessSandbox: CodeSandbox, @unchecked Sendable {
    /// The validated configuration.
    public let configuration: Configuration

    private let pool: WorkerPool
    private let resolutionLock = NSLock()
    private var resolution: Resolution?  // guarded by resolutionLock

    /// The probed isolation: ready with a tool path, or unavailable with the reason.
    enum Resolution: Sendable, Equatable {
        case ready(SandboxIsolation, tool: String?)
        case unavailable(String)
    }

    /// Creates a sandbox. Nothing is launched until the first run.
    ///
    /// - Parameter configuration: isolation and concurrency settings.
    /// - Throws: ``SandboxError/invalidConfiguration(field:value:rule:)`` when the configuration is invalid.
    public init(configuration: Configuration = Configuration()) throws {
        try configuration.validate()
        self.configuration = configuration
        self.pool = WorkerPool(size: configuration.maxConcurrency)
    }

    /// Runs one program on a pool thread and resumes with its result.
    ///
    /// Task cancellation does not stop a run early; every run ends within its wall-time limit.
    ///
    /// - Parameters:
    ///   - program: complete Python 3 source.
    ///   - limits: resource limits.
    /// - Returns: the outcome.
    public func run(_ program: String, limits: SandboxLimits) async -> ExecutionResult {
        await withCheckedContinuation { continuation in
            pool.submit { [self] _ in
                continuation.resume(returning: execute(program, limits: limits))
            }
        }
    }

    /// Runs all jobs, at most `maxConcurrency` at a time, and blocks until every one has finished.
    ///
    /// - Parameter jobs: programs with their limits.
    /// - Returns: one result per job, in order.
    public func runAll(_ jobs: [SandboxJob]) -> [ExecutionResult] {
        let results = ResultSlots(count: jobs.count)
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            group.enter()
            pool.submit { [self] _ in
                results.set(index, execute(job.program, limits: job.limits))
                group.leave()
            }
        }
        group.wait()
        return results.values()
    }

    /// The isolation in use, probing it if that has not happened yet (blocks for one launch).
    ///
    /// - Returns: the mechanism, or `nil` with the reason when nothing can run.
    public func activeIsolation() -> (isolation: SandboxIsolation?, reason: String) {
        switch resolve() {
        case .ready(let isolation, let tool): return (isolation, tool.map { "using \($0)" } ?? "no isolation tool")
        case .unavailable(let reason): return (nil, reason)
        }
    }

    /// One run, from validation to classification.
    func execute(_ program: String, limits: SandboxLimits) -> ExecutionResult {
        do {
            try limits.validate()
        } catch {
            return ExecutionResult(status: .sandboxUnavailable("\(error)"), isolation: configuration.isolation)
        }
        switch resolve() {
        case .unavailable(let reason):
            return ExecutionResult(status: .sandboxUnavailable(reason), isolation: configuration.isolation)
        case .ready(let isolation, let tool):
            return execute(program, limits: limits, isolation: isolation, tool: tool)
        }
    }

    #if canImport(Glibc)
    /// How many more times a run is launched when its sandbox could not fork before the program started
    /// (`EAGAIN`: a passing shortage of processes, not the program's doing).
    static let startRetries = 2

    /// One run with a known mechanism, launched again (after a short wait, on an emptied uid) while the
    /// sandbox fails to start for want of processes.
    func execute(
        _ program: String, limits: SandboxLimits, isolation: SandboxIsolation, tool: String?
    ) -> ExecutionResult {
        var attempt = 0
        while true {
            let (result, couldNotFork) = executeOnce(program, limits: limits, isolation: isolation, tool: tool)
            guard couldNotFork, attempt < Self.startRetries else { return result }
            attempt += 1
            usleep(useconds_t(50_000 << attempt))
        }
    }

    /// One launch.
    ///
    /// - Returns: the classified result, and whether the sandbox could not fork before the program started.
    private func executeOnce(
        _ program: String, limits: SandboxLimits, isolation: SandboxIsolation, tool: String?
    ) -> (ExecutionResult, couldNotFork: Bool) {
        var lease: UserIDLease?
        if Self.callerIsRoot {
            lease = UserIDLease.acquire(base: configuration.sandboxUserIDBase) { id in
                killAllProcesses(ofUID: id, gid: id)
            }
            if lease == nil {
                let status = ExecutionResult.Status.sandboxUnavailable(
                    "could not create the uid lock directory \(UserIDLease.directory)")
                return (ExecutionResult(status: status, isolation: isolation), false)
            }
        }
        var quarantined = false
        defer { if !quarantined { lease?.release() } }
        let identity = lease.map { (uid: $0.id, gid: $0.id) }
        var workDirectory: String?
        if isolation != .bubblewrap {
            guard let dir = Self.makePrivateDirectory(owner: identity) else {
                let status = ExecutionResult.Status.sandboxUnavailable(
                    "could not create a private directory under \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
                return (ExecutionResult(status: status, isolation: isolation), false)
            }
            workDirectory = dir
        }
        defer { if let workDirectory { try? FileManager.default.removeItem(atPath: workDirectory) } }
        let token = PythonBootstrap.makeToken()
        let spec = launchSpec(program: program, limits: limits, identity: identity, isolation: isolation, tool: tool,
                              token: token, workDirectory: workDirectory)
        let outcome = launch(spec)
        let result = ExecutionResult.classify(outcome, token: token, limits: limits, isolation: isolation)
        let couldNotFork = Self.failedToForkBeforeStart(outcome, result)
        // Without bubblewrap, descendants that left the process group may survive; with it, a killed or
        // crashed monitor may leave the namespace still being torn down, and a sandbox that could not fork
        // may have met processes it did not expect. In each case the uid must own no process before the next
        // run gets it (RLIMIT_NPROC counts them, zombies included).
        let monitorDiedEarly = outcome.killedFor != nil || outcome.signal != nil
        if let lease, isolation != .bubblewrap || monitorDiedEarly || couldNotFork {
            lease.markSuspect()
            if killAllProcesses(ofUID: lease.id, gid: lease.id) {
                lease.markEmpty()
            } else {
                lease.quarantine()
                quarantined = true
            }
        }
        return (result, couldNotFork)
    }

    /// Whether a run ended before its program started because a fork failed with `EAGAIN` (in the launcher,
    /// or in bubblewrap or unshare, which say so on stderr).
    static func failedToForkBeforeStart(_ outcome: LaunchOutcome, _ result: ExecutionResult) -> Bool {
        guard case .sandboxUnavailable = result.status else { return false }
        let eagain = String(cString: strerror(EAGAIN))
        if let error = outcome.launchError { return error.contains(eagain) }
        return result.stderr.contains(eagain)
    }

    /// A fresh 0700 directory owned by `owner` (or the caller).
    static func makePrivateDirectory(owner: (uid: UInt32, gid: UInt32)?) -> String? {
        var template = Array((NSTemporaryDirectory() + "/swiftr1-sandbox-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let path = String(cString: made)
        if let owner, chown(path, owner.uid, owner.gid) != 0 {
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
        return path
    }

    /// Probes `isolation` by running ``probeProgram`` with it.
    private func probe(_ isolation: SandboxIsolation) -> Resolution {
        let tool: String?
        switch isolation {
        case .bubblewrap:
            tool = Self.findExecutable(configuration.bubblewrapPath, ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"])
            if tool == nil { return .unavailable("bubblewrap: bwrap not found (install it: apt-get install bubblewrap)") }
        case .unshare:
            tool = Self.findExecutable(configuration.unsharePath, ["/usr/bin/unshare", "/bin/unshare"])
            if tool == nil { return .unavailable("unshare: not found (install util-linux)") }
        case .none, .automatic:
            return .ready(.none, tool: nil)
        }
        let limits = SandboxLimits(wallTime: 30, cpuTime: 10)
        let result = execute(Self.probeProgram, limits: limits, isolation: isolation, tool: tool)
        if result.status == .passed { return .ready(isolation, tool: tool) }
        return .unavailable("\(isolation) (\(tool ?? "?")): probe \(result.status)")
    }
    #else
    func execute(
        _ program: String, limits: SandboxLimits, isolation: SandboxIsolation, tool: String?
    ) -> ExecutionResult {
        ExecutionResult(status: .sandboxUnavailable("ProcessSandbox supports Linux only"), isolation: isolation)
    }

    private func probe(_ isolation: SandboxIsolation) -> Resolution {
        .unavailable("ProcessSandbox supports Linux only (it needs bubblewrap or unshare)")
    }
    #endif

    /// Decides the mechanism once; concurrent callers wait for the first probe.
    private func resolve() -> Resolution {
        resolutionLock.lock()
        defer { resolutionLock.unlock() }
        if let resolution { return resolution }
        let decided: Resolution
        switch configuration.isolation {
        case .none:
            decided = configuration.allowUnisolated
                ? .ready(.none, tool: nil)
                : .unavailable("isolation is .none but allowUnisolated is false: refusing to run untrusted code without isolation (set allowUnisolated: true to accept the risk)")
        case .bubblewrap, .unshare:
            decided = probe(configuration.isolation)
        case .automatic:
            let bubblewrap = probe(.bubblewrap)
            if case .ready = bubblewrap {
                decided = bubblewrap
            } else {
                let unshare = probe(.unshare)
                if case .ready = unshare {
                    decided = unshare
                } else {
                    decided = .unavailable(
                        "no isolation works here. \(Self.reason(bubblewrap)); \(Self.reason(unshare)). Install bubblewrap and allow user namespaces, or opt out explicitly with isolation .none and allowUnisolated: true")
                }
            }
        }
        resolution = decided
        return decided
    }

    private static func reason(_ resolution: Resolution) -> String {
        if case .unavailable(let why) = resolution { return why }
        return "ok"
    }
}

/// Results of a batch, filled from worker threads.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [ExecutionResult?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: ExecutionResult) {
        lock.lock()
        storage[index] = result
        lock.unlock()
    }

    func values() -> [ExecutionResult] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0 ?? ExecutionResult(status: .sandboxUnavailable("internal error: no result"), isolation: .none) }
    }
}
