// ExecutionResult+Classification: turns a raw launch outcome (exit status, signal, fd-3 markers, captured
// output, why the parent killed it) into an ExecutionResult. Pure; it launches nothing.

#if canImport(Glibc)
import Foundation
import Glibc

extension ExecutionResult {
    /// Most lines and characters of stderr kept in ``Status/failed(_:)``.
    static let tailLines = 20
    static let tailCharacters = 2000

    /// The last lines of `text` (at most ``tailLines`` lines and ``tailCharacters`` characters).
    static func tail(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept = lines.suffix(tailLines + 1).joined(separator: "\n")
        while kept.hasSuffix("\n") { kept.removeLast() }
        if kept.count > tailCharacters { kept = "…" + kept.suffix(tailCharacters) }
        return kept
    }

    /// Classifies one run.
    ///
    /// - Parameters:
    ///   - outcome: what the launcher saw.
    ///   - token: this run's completion token (see ``PythonBootstrap``).
    ///   - limits: the limits of the run (for the CPU-time check).
    ///   - isolation: the mechanism used; with bubblewrap an exit status 129...192 means "killed by signal
    ///     status - 128", because bubblewrap's init reports a signal that way.
    static func classify(
        _ outcome: LaunchOutcome, token: String, limits: SandboxLimits, isolation: SandboxIsolation
    ) -> ExecutionResult {
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        var result = ExecutionResult(
            status: .passed, stdout: stdout, stderr: stderr, exitCode: outcome.exitCode,
            wallTime: outcome.wallTime, cpuTime: isolation == .bubblewrap ? nil : outcome.cpuTime,
            isolation: isolation)
        if let error = outcome.launchError {
            result.status = .sandboxUnavailable("could not launch the \(isolation) sandbox: \(error)")
            result.exitCode = nil
            return result
        }
        var signal = outcome.signal
        if signal == nil, isolation == .bubblewrap, let code = outcome.exitCode, (129...192).contains(code) {
            signal = code - 128
        }
        if signal != nil { result.exitCode = nil }
        let started = outcome.marker.first == UInt8(ascii: "S")
        let finished = outcome.marker == Array(("S" + token).utf8)

        switch outcome.killedFor {
        case .output?:
            result.status = .outputLimitExceeded
            return result
        case .wallTime?:
            result.status = .timedOut
            return result
        case nil:
            break
        }
        // RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL one second later if SIGXCPU is ignored. Under
        // bubblewrap the CPU time is unknown, so a SIGKILL we did not send after at least soft + 1 s of wall
        // time is taken as the hard limit. (util-linux unshare reports a child killed by SIGXCPU as exit 1.)
        let cpuLimitReached = isolation == .bubblewrap
            ? signal == SIGKILL && outcome.wallTime >= Double(limits.cpuSeconds + 1) - 0.05
            : outcome.cpuTime >= Double(limits.cpuSeconds) - 0.05
        if signal == SIGXCPU || (cpuLimitReached && !finished) {
            result.status = .timedOut
            return result
        }
        if !started {
            let how = signal.map { "was killed by signal \($0)" } ?? "exited with status \(outcome.exitCode ?? -1)"
            let detail = tail(stderr).isEmpty ? "no error output" : tail(stderr)
            result.status = .sandboxUnavailable(
                "the \(isolation) sandbox \(how) before the interpreter started (are the limits too small, or is \(isolation) broken here?): \(detail)")
            return result
        }
        let lastLine = stderr.split(separator: "\n").last.map(String.init) ?? ""
        if lastLine == "MemoryError" || lastLine.hasPrefix("MemoryError:") {
            result.status = .memoryExceeded
            return result
        }
        if let signal {
            result.status = .crashed(signal: signal)
            return result
        }
        let code = outcome.exitCode ?? -1
        let errorTail = tail(stderr)
        switch (code == 0, finished) {
        case (true, true):
            result.status = .passed
        case (true, false):
            result.status = .failed(
                "the program exited with status 0 before reaching its last line (sys.exit or os._exit), so the code after that point did not run")
        case (false, true):
            result.status = .failed(
                "the program reached its last line but the interpreter exited with status \(code)" + (errorTail.isEmpty ? "" : ": \(errorTail)"))
        case (false, false):
            result.status = .failed(errorTail.isEmpty ? "exit status \(code) with no error output" : errorTail)
        }
        return result
    }
}
#endif
