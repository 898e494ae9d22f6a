// Behaviour of ProcessSandbox on ordinary programs: pass, fail with the assertion text, syntax errors,
// early exits, the environment, stdin, large programs, batches, and refusal to run unisolated.

import Foundation
import Glibc
import Testing
@testable import Sandbox

@Suite struct ProcessSandboxTests {
    let limits = SandboxTestSupport.fast

    @Test func passingProgramPassesAndKeepsStdout() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let result = await sandbox.run("print('hello')\nassert sorted([3, 1, 2]) == [1, 2, 3]\n", limits: limits)
        #expect(result.status == .passed)
        #expect(result.succeeded)
        #expect(result.stdout == "hello\n")
        #expect(result.exitCode == 0)
        #expect(result.isolation == .bubblewrap)
        #expect(result.wallTime > 0 && result.wallTime < limits.wallTime)
    }

    @Test func failingAssertionReportsTheAssertionAndMessage() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let program = "def add(a, b):\n    return a - b\n\nassert add(2, 2) == 4, 'add(2, 2) should be 4'\n"
        let result = await sandbox.run(program, limits: limits)
        guard case .failed(let text) = result.status else {
            Issue.record("expected failed, got \(result.status)")
            return
        }
        #expect(text.contains("File \"main.py\", line 4"))
        #expect(text.contains("assert add(2, 2) == 4, 'add(2, 2) should be 4'"))
        #expect(text.hasSuffix("AssertionError: add(2, 2) should be 4"))
        #expect(!text.contains("<string>"), "the bootstrap's frames are not shown")
        #expect(result.exitCode == 1)
    }

    @Test func syntaxErrorIsAFailureWithTheOffendingLine() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let result = await sandbox.run("def f(x)\n    return x\n", limits: limits)
        guard case .failed(let text) = result.status else {
            Issue.record("expected failed, got \(result.status)")
            return
        }
        #expect(text.contains("def f(x)"))
        #expect(text.hasSuffix("SyntaxError: expected ':'"))
    }

    @Test(arguments: ["import sys\nsys.exit(0)\nassert False\n", "import os\nos._exit(0)\nassert False\n",
                      "raise SystemExit\nassert False\n"])
    func exitingEarlyWithStatusZeroIsNotAPass(program: String) async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let result = await sandbox.run(program, limits: limits)
        #expect(result.exitCode == 0)
        #expect(result.status == .failed(
            "the program exited with status 0 before reaching its last line (sys.exit or os._exit), so the code after that point did not run"))
    }

    @Test func nonZeroExitWithoutOutputSaysSo() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let result = await sandbox.run("import sys\nsys.exit(3)\n", limits: limits)
        #expect(result.status == .failed("exit status 3 with no error output"))
        #expect(result.exitCode == 3)
    }

    @Test func environmentIsCleanAndStdinIsEmpty() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let program = """
            import os, sys
            allowed = {"PATH", "LANG", "LC_ALL", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONUNBUFFERED",
                       "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TMPDIR", "HOME", "PWD"}
            extra = set(os.environ) - allowed
            assert not extra, f"unexpected variables: {extra}"
            assert os.environ["HOME"] == "/tmp" and os.getcwd() == "/tmp"
            assert os.environ["PYTHONHASHSEED"] == "0"
            assert sys.stdin.read() == ""
            assert os.getuid() != 0, "runs as a non-root uid"
            print(os.getuid())
            """
        let result = await sandbox.run(program, limits: limits)
        #expect(result.status == .passed, "\(result.status)")
    }

    @Test func configuredEnvironmentVariablesAreAdded() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .bubblewrap, maxConcurrency: 1,
                                                             environment: ["R1_TEST_VALUE": "42"]))
        let result = await sandbox.run("import os\nassert os.environ['R1_TEST_VALUE'] == '42'\n", limits: limits)
        #expect(result.status == .passed, "\(result.status)")
    }

    @Test func programLargerThanAPipeBufferIsDeliveredWhole() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        let filler = String(repeating: "# padding line to make the program large\n", count: 8000)  // 328 KB
        let check = "import os\nassert os.path.getsize('main.py') == "
        let size = filler.utf8.count + check.utf8.count + 7  // six digits and a newline
        let program = filler + check + "\(size)\n"
        #expect(program.utf8.count == size)
        let result = await sandbox.run(program, limits: limits)
        #expect(result.status == .passed, "\(result.status)")
    }

    @Test func runAllKeepsOrderAndRunsUpToTheConcurrencyLimitAtOnce() throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .bubblewrap, maxConcurrency: 2))
        // Each program sleeps 1 s, long enough for the other slot's interpreter to start even on a loaded machine.
        let programs = (0..<4).map {
            "import time\nstart = time.time()\ntime.sleep(1)\nprint(\($0), start, time.time())\nassert \($0) % 2 == 0\n"
        }
        let results = sandbox.runAll(programs, limits: limits)
        #expect(results.map { $0.stdout.split(separator: " ").first.map(String.init) } == (0..<4).map { "\($0)" })
        #expect(results.map(\.succeeded) == [true, false, true, false])
        // Each program's [start, end] wall interval (host and sandbox share the clock).
        let intervals = results.compactMap { r -> (Double, Double)? in
            let f = r.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard f.count == 3, let a = Double(f[1]), let b = Double(f[2]) else { return nil }
            return (a, b)
        }
        #expect(intervals.count == 4)
        var maxOverlapping = 0
        for (start, _) in intervals {
            maxOverlapping = max(maxOverlapping, intervals.filter { $0.0 <= start && start < $0.1 }.count)
        }
        #expect(maxOverlapping == 2, "two runs at a time, never three")
    }

    @Test func invalidLimitsAreReportedNotRun() async throws {
        let sandbox = try SandboxTestSupport.sandbox()
        var bad = limits
        bad.wallTime = -1
        let result = await sandbox.run("print(1)", limits: bad)
        #expect(result.status == .sandboxUnavailable(
            "SandboxLimits.wallTime = -1.0 is invalid: must be a number of seconds in (0, 86400]. Fix the value in the sandbox limits."))
    }

    @Test func isolationNoneWithoutOptOutRefusesToRun() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .none))
        let result = await sandbox.run("print('should not run')", limits: limits)
        #expect(result.status == .sandboxUnavailable(
            "isolation is .none but allowUnisolated is false: refusing to run untrusted code without isolation (set allowUnisolated: true to accept the risk)"))
        #expect(result.stdout.isEmpty)
        #expect(sandbox.activeIsolation().isolation == nil)
    }

    @Test func isolationNoneWithOptOutRunsAndSaysSo() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .none, allowUnisolated: true, maxConcurrency: 1))
        let result = await sandbox.run("import os\nassert os.getuid() != 0\nprint('ran')\n", limits: limits)
        #expect(result.status == .passed, "\(result.status)")
        #expect(result.isolation == .none)
        #expect(result.stdout == "ran\n")
    }

    @Test func isolationNoneCleansUpDaemonizedDescendantsForRootCallers() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .none, allowUnisolated: true, maxConcurrency: 1))
        let token = SandboxTestSupport.uniqueToken()
        let program = """
            import os
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(600)", "\(token)"])
                os._exit(0)
            os.wait()
            """
        let result = await sandbox.run(program, limits: limits)
        #expect(result.status == .passed, "\(result.status)")
        let left = SandboxTestSupport.survivors(of: token)
        if SandboxTestSupport.callerIsRoot {
            #expect(left.isEmpty, "every process of the run's uid is killed after the run")
        } else {
            // Documented: without namespaces or a dedicated uid, a daemonized descendant escapes.
            #expect(!left.isEmpty)
            for pid in left { kill(pid, SIGKILL) }
        }
    }

    /// Another process may exit while a sandbox uid it quarantined still owns processes (its lock goes with
    /// it). The next process to lease that uid must empty it first, or RLIMIT_NPROC stops bubblewrap from
    /// forking ("Can't fork for pid 1: Resource temporarily unavailable", seen once in CI).
    @Test(.enabled(if: SandboxTestSupport.callerIsRoot, "sandbox uids are leased only by root callers"))
    func leftoverProcessesOfAnotherProcessOnTheUIDDoNotStopTheRun() async throws {
        // An id range no other test uses, so this process has not leased (and emptied) the id before.
        let uid = UInt32.random(in: 200_000..<900_000)
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        squatter.arguments = ["--reuid", String(uid), "--regid", String(uid), "--clear-groups", "/bin/sh", "-c",
                              "for i in $(seq 40); do sleep 300 & done; exec sleep 300"]
        try squatter.run()
        defer { _ = killAllProcesses(ofUID: uid, gid: uid) }
        // More processes than the run's RLIMIT_NPROC (32) allows its uid.
        let deadline = Date().addingTimeInterval(10)
        while SandboxTestSupport.processCount(ofUID: uid) < 41 && Date() < deadline { usleep(10_000) }
        #expect(SandboxTestSupport.processCount(ofUID: uid) >= 41)

        let sandbox = try ProcessSandbox(configuration: .init(isolation: .bubblewrap, sandboxUserIDBase: uid))
        let result = await sandbox.run("print('ran')\n", limits: limits)
        #expect(result.status == .passed, "\(result.status)")
        #expect(result.stdout == "ran\n")
        #expect(SandboxTestSupport.processCount(ofUID: uid) == 0, "the lease killed the squatters, and the run left no zombie")
    }

    @Test func missingIsolationToolIsUnavailableWithTheReason() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(
            isolation: .automatic, bubblewrapPath: "/nonexistent/bwrap", unsharePath: "/nonexistent/unshare"))
        let result = await sandbox.run("print(1)", limits: limits)
        guard case .sandboxUnavailable(let reason) = result.status else {
            Issue.record("expected sandboxUnavailable, got \(result.status)")
            return
        }
        #expect(reason.hasPrefix("no isolation works here. bubblewrap: bwrap not found"))
        #expect(reason.contains("unshare: not found"))
        #expect(reason.hasSuffix("or opt out explicitly with isolation .none and allowUnisolated: true"))
    }

    @Test func missingInterpreterIsUnavailable() async throws {
        let sandbox = try ProcessSandbox(configuration: .init(isolation: .none, allowUnisolated: true,
                                                             interpreterPath: "/nonexistent/python3"))
        let result = await sandbox.run("print(1)", limits: limits)
        #expect(result.status == .sandboxUnavailable(
            "could not launch the none sandbox: execve failed in the child: No such file or directory (errno 2)"))
    }
}
