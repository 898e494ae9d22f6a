// The `unshare` fallback (network + pid + mount namespaces, leased uid, private working directory): the
// properties it claims in CodeSandbox.swift, each asserted.

import Foundation
import Glibc
import Testing
@testable import Sandbox

@Suite struct UnshareIsolationTests {
    static let shared = Result { try ProcessSandbox(configuration: .init(isolation: .unshare, maxConcurrency: 2)) }
    let limits = SandboxTestSupport.fast

    @Test func passesFailsAndReportsCPUTime() async throws {
        let sandbox = try Self.shared.get()
        // Root callers: the run's own uid. Others: `unshare --map-root-user`, so uid 0 inside its user namespace.
        let uidCheck = SandboxTestSupport.callerIsRoot ? "os.getuid() != 0" : "os.getuid() == 0"
        let ok = await sandbox.run("import os\nassert \(uidCheck)\nprint(sum(range(10)))\n", limits: limits)
        #expect(ok.status == .passed, "\(ok.status)")
        #expect(ok.isolation == .unshare)
        #expect(ok.stdout == "45\n")
        #expect(ok.cpuTime != nil)
        let bad = await sandbox.run("assert 1 == 2, 'nope'\n", limits: limits)
        #expect(bad.status == .failed("Traceback (most recent call last):\n  File \"main.py\", line 1, in <module>\n    assert 1 == 2, 'nope'\n           ^^^^^^\nAssertionError: nope"))
    }

    @Test func networkIsUnreachable() async throws {
        let sandbox = try Self.shared.get()
        let listener = try SandboxTestTypes.listener()
        let program = """
            import socket
            assert sorted(n for _, n in socket.if_nameindex()) == ["lo"]
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect(("127.0.0.1", \(listener.port)))
            except OSError:
                pass
            else:
                raise SystemExit("reached the host listener")
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2)
            except OSError as e:
                assert e.errno == 101, e
            else:
                raise SystemExit("external connection")
            """
        let result = await sandbox.run(program, limits: limits)
        #expect(result.status == .passed, "\(result.status)")
        #expect(!listener.hasPendingConnection())
    }

    @Test func secretsAndOtherDirectoriesStayClosed() async throws {
        let sandbox = try Self.shared.get()
        let program = """
            import os
            for path in ("/etc/shadow", "/root/.bashrc"):
                try:
                    open(path).read()
                except PermissionError:
                    pass
                else:
                    raise SystemExit("read " + path)
            for d in ("/etc", "/usr/lib", "/root"):
                try:
                    open(os.path.join(d, "planted"), "w").write("x")
                except PermissionError:
                    pass
                else:
                    raise SystemExit("wrote into " + d)
            open("scratch.txt", "w").write("private directory is writable")
            print(os.getcwd())
            """
        let result = await sandbox.run(program, limits: limits)
        #expect(result.status == .passed, "\(result.status)")
        let workDirectory = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(workDirectory.contains("swiftr1-sandbox-"))
        #expect(!FileManager.default.fileExists(atPath: workDirectory), "the private directory is removed")
    }

    @Test(arguments: ["import os, time\nos.kill(os.getppid(), 9)\ntime.sleep(0.2)\n",
                      "import os, signal\nos.killpg(0, signal.SIGKILL)\n",
                      "import os, signal\nos.kill(-1, signal.SIGKILL)\n"])
    func killingTheParentDoesNotReachTheCaller(program: String) async throws {
        let sandbox = try Self.shared.get()
        let result = await sandbox.run(program, limits: limits)
        if case .sandboxUnavailable = result.status { Issue.record("unexpected \(result.status)") }
        let after = await sandbox.run("assert True", limits: limits)
        #expect(after.status == .passed, "\(after)")
    }

    @Test func forkBombIsBoundedAndChildrenDie() async throws {
        let sandbox = try Self.shared.get()
        let token = SandboxTestSupport.uniqueToken()
        let program = """
            import os
            children = 0
            for _ in range(200):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    os.execv("/usr/bin/python3", ["python3", "-c", "import time; time.sleep(600)", "\(token)"])
                children += 1
            print(children)
            """
        let result = await sandbox.run(program, limits: limits)
        if SandboxTestSupport.callerIsRoot {
            #expect(result.status == .passed, "\(result.status)")
            let children = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect(children > 0 && children < limits.processCount, "\(children) children")
        } else {
            // Without a dedicated uid the process limit is weak; the deadline and the namespace still end it.
            #expect(result.status == .passed || result.status == .timedOut, "\(result.status)")
        }
        #expect(SandboxTestSupport.survivors(of: token).isEmpty)
    }

    @Test func cpuLoopIsTimedOutWithItsCPUTime() async throws {
        let sandbox = try Self.shared.get()
        var tight = limits
        tight.cpuTime = 1
        tight.wallTime = 60
        let result = await sandbox.run("while True:\n    pass\n", limits: tight)
        #expect(result.status == .timedOut)
        #expect((result.cpuTime ?? 0) >= 0.9)
        #expect(result.wallTime < 30)
    }

    @Test func childSleepingPastTheDeadlineIsKilled() async throws {
        let sandbox = try Self.shared.get()
        let token = SandboxTestSupport.uniqueToken()
        var short = limits
        short.wallTime = 1.5
        let program = """
            import subprocess, time
            subprocess.Popen(["/usr/bin/python3", "-c", "import time; time.sleep(600)", "\(token)"], start_new_session=True)
            time.sleep(600)
            """
        let result = await sandbox.run(program, limits: short)
        #expect(result.status == .timedOut)
        #expect(SandboxTestSupport.survivors(of: token).isEmpty)
    }
}
