// SandboxCodeRunner.swift — adapts the Sandbox module's `CodeSandbox` (ProcessSandbox: bubblewrap/unshare,
// rlimits, non-root uid, wall-clock kill) to the code reward's `CodeRunner` interface.

import Sandbox

/// `CodeRunner` backed by a `CodeSandbox`. The reward's timeout becomes the wall-clock limit; the other
/// limits come from `limits` (CPU time is raised to the wall time when it is lower).
public struct SandboxCodeRunner: CodeRunner {
    /// The sandbox.
    public let sandbox: any CodeSandbox
    /// Base limits.
    public let limits: SandboxLimits

    /// Creates the runner.
    /// - Parameters:
    ///   - sandbox: the sandbox (e.g. `try ProcessSandbox()`).
    ///   - limits: base limits (default `.default`).
    public init(sandbox: any CodeSandbox, limits: SandboxLimits = .default) {
        self.sandbox = sandbox
        self.limits = limits
    }

    func limits(timeout: Double) -> SandboxLimits {
        var l = limits
        l.wallTime = timeout
        l.cpuTime = min(max(l.cpuTime, 1), timeout)
        return l
    }

    public func runPython(_ program: String, timeout: Double) -> CodeRunResult {
        runPython([program], timeout: timeout)[0]
    }

    public func runPython(_ programs: [String], timeout: Double) -> [CodeRunResult] {
        let l = limits(timeout: timeout)
        return sandbox.runAll(programs, limits: l).map(Self.convert)
    }

    static func convert(_ r: ExecutionResult) -> CodeRunResult {
        let status: CodeRunStatus
        var stderr = r.stderr
        switch r.status {
        case .passed: status = .passed
        case .failed: status = .failed
        case .timedOut: status = .timedOut
        case .memoryExceeded: status = .memoryExceeded
        case .outputLimitExceeded, .crashed: status = .crashed
        case .sandboxUnavailable(let why):
            status = .sandboxUnavailable
            stderr = why
        }
        return CodeRunResult(status: status, stdout: r.stdout, stderr: stderr)
    }
}

extension RewardEnvironment {
    /// The production environment: `MathVerifier` for math and a `ProcessSandbox` for code.
    /// - Parameters:
    ///   - sandboxConfiguration: sandbox settings (default: probe bubblewrap, then unshare).
    ///   - limits: base sandbox limits.
    /// - Returns: the environment; `codeRunner` is nil when the sandbox configuration is invalid.
    public static func standard(sandboxConfiguration: ProcessSandbox.Configuration = .init(), limits: SandboxLimits = .default) -> RewardEnvironment {
        let runner = (try? ProcessSandbox(configuration: sandboxConfiguration)).map { SandboxCodeRunner(sandbox: $0, limits: limits) as any CodeRunner }
        return RewardEnvironment(mathChecker: MathVerifierChecker(), codeRunner: runner)
    }
}
