// ExecutionResult.classify: a table of raw outcomes (exit status, signal, fd-3 markers, why the parent killed
// the run) and the status each must get, independent of any process. Also the bubblewrap status parser.

import Foundation
import Glibc
import Testing
@testable import Sandbox

@Suite struct ClassificationTests {
    static let token = "0123456789abcdef0123456789abcdef"
    static let limits = SandboxLimits(cpuTime: 2)

    static func outcome(
        exit: Int32? = 0, signal: Int32? = nil, marker: String = "S" + token, stderr: String = "",
        killedFor: KillReason? = nil, wall: Double = 0.1, cpu: Double = 0.05, launchError: String? = nil
    ) -> LaunchOutcome {
        var o = LaunchOutcome()
        o.exitCode = exit
        o.signal = signal
        o.marker = Array(marker.utf8)
        o.stderr = Array(stderr.utf8)
        o.killedFor = killedFor
        o.wallTime = wall
        o.cpuTime = cpu
        o.launchError = launchError
        return o
    }

    static let table: [(String, LaunchOutcome, SandboxIsolation, ExecutionResult.Status)] = [
        ("clean exit with token", outcome(), .bubblewrap, .passed),
        ("assertion", outcome(exit: 1, marker: "S", stderr: "Traceback\n  File \"main.py\"\nAssertionError\n"), .bubblewrap,
         .failed("Traceback\n  File \"main.py\"\nAssertionError")),
        ("exit 0 without token", outcome(marker: "S"), .bubblewrap,
         .failed("the program exited with status 0 before reaching its last line (sys.exit or os._exit), so the code after that point did not run")),
        ("forged token", outcome(marker: "Sforged"), .bubblewrap,
         .failed("the program exited with status 0 before reaching its last line (sys.exit or os._exit), so the code after that point did not run")),
        ("token but exit 120", outcome(exit: 120), .bubblewrap,
         .failed("the program reached its last line but the interpreter exited with status 120")),
        ("MemoryError", outcome(exit: 1, marker: "S", stderr: "Traceback\nMemoryError\n"), .bubblewrap, .memoryExceeded),
        ("MemoryError with text", outcome(exit: 1, marker: "S", stderr: "MemoryError: oops"), .unshare, .memoryExceeded),
        ("wall clock", outcome(exit: nil, signal: SIGKILL, marker: "S", killedFor: .wallTime), .bubblewrap, .timedOut),
        ("output cap wins", outcome(exit: nil, signal: SIGKILL, marker: "S", killedFor: .output), .bubblewrap, .outputLimitExceeded),
        ("SIGXCPU via bwrap status", outcome(exit: 128 + SIGXCPU, marker: "S"), .bubblewrap, .timedOut),
        ("SIGSEGV via bwrap status", outcome(exit: 128 + SIGSEGV, marker: "S"), .bubblewrap, .crashed(signal: SIGSEGV)),
        ("SIGKILL early: a crash", outcome(exit: 128 + SIGKILL, marker: "S", wall: 0.5), .bubblewrap, .crashed(signal: SIGKILL)),
        ("SIGKILL after soft+1 s: CPU hard limit", outcome(exit: 128 + SIGKILL, marker: "S", wall: 3.2), .bubblewrap, .timedOut),
        ("exit 137 is not a signal without bwrap", outcome(exit: 137, marker: "S"), .none, .failed("exit status 137 with no error output")),
        ("real signal", outcome(exit: nil, signal: SIGABRT, marker: "S"), .none, .crashed(signal: SIGABRT)),
        ("unshare hides SIGXCPU; CPU time shows it",
         outcome(exit: 1, marker: "S", stderr: "unshare: sigprocmask unblock failed: Invalid argument\n", cpu: 2.01), .unshare, .timedOut),
        ("never started", outcome(exit: 1, marker: "", stderr: "bwrap: Creating new namespace failed: Operation not permitted\n"),
         .bubblewrap,
         .sandboxUnavailable("the bubblewrap sandbox exited with status 1 before the interpreter started (are the limits too small, or is bubblewrap broken here?): bwrap: Creating new namespace failed: Operation not permitted")),
        ("launch error", outcome(launchError: "fork failed: Resource temporarily unavailable"), .unshare,
         .sandboxUnavailable("could not launch the unshare sandbox: fork failed: Resource temporarily unavailable")),
    ]

    @Test(arguments: table.indices)
    func outcomeIsClassified(index: Int) {
        let (name, outcome, isolation, expected) = Self.table[index]
        let result = ExecutionResult.classify(outcome, token: Self.token, limits: Self.limits, isolation: isolation)
        #expect(result.status == expected, "\(name)")
        #expect(result.isolation == isolation)
    }

    @Test func signalledRunsHaveNoExitCodeAndBubblewrapHasNoCPUTime() {
        let r = ExecutionResult.classify(Self.outcome(exit: 128 + SIGSEGV, marker: "S"), token: Self.token,
                                         limits: Self.limits, isolation: .bubblewrap)
        #expect(r.exitCode == nil)
        #expect(r.cpuTime == nil)
        let u = ExecutionResult.classify(Self.outcome(cpu: 0.25), token: Self.token, limits: Self.limits, isolation: .unshare)
        #expect(u.cpuTime == 0.25)
        #expect(u.exitCode == 0)
    }

    @Test func failureTailKeepsTheLastLines() {
        let long = (1...50).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let tail = ExecutionResult.tail(long)
        #expect(tail.hasPrefix("line 31\n"), "the last 20 lines")
        #expect(tail.hasSuffix("line 50"))
        let wide = String(repeating: "x", count: 5000)
        #expect(ExecutionResult.tail(wide).count == ExecutionResult.tailCharacters + 1)
    }

    @Test func childPIDIsParsedFromBubblewrapStatus() {
        #expect(parseChildPID(Array("{ \"child-pid\": 4242 }\n".utf8)) == 4242)
        #expect(parseChildPID(Array("{ \"child-pid\": 42".utf8)) == nil, "incomplete number")
        #expect(parseChildPID(Array("{ \"exit-code\": 1 }".utf8)) == nil)
    }
}
