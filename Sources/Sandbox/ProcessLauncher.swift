// ProcessLauncher: fork/exec of one sandbox command line with rlimits, a new session, an optional uid
// drop, piped stdio, a wall-clock deadline and an output cap. It knows nothing about bubblewrap or Python
// (ProcessSandbox+Isolation.swift builds the command line) and does not classify results.
//
// Why fork/exec rather than posix_spawn + `prlimit`/`setpriv` wrappers: one exec instead of three (about
// 1-2 ms less per launch), and no dependency on util-linux tools. Glibc's `fork` is importable from
// Swift; everything the child needs (argv, envp, rlimits, fds) is prepared before the fork, and the child
// calls only async-signal-safe functions (setsid, dup2, close_range/close, sigprocmask, signal, setrlimit,
// setgroups, setgid, setuid, prctl, getppid, chdir, execve, write, _exit). See
// ../shared/notes/platform.md §5 for the measurements behind this choice.

#if canImport(Glibc)
import Foundation
import Glibc

/// One rlimit the child sets before exec.
struct RLimitSetting: Sendable {
    var resource: Int32
    var soft: UInt64
    var hard: UInt64
}

/// Everything needed to launch one sandbox process.
struct LaunchSpec: Sendable {
    /// Absolute path of the executable; `arguments[0]` is its argv[0].
    var executable: String
    var arguments: [String]
    /// `KEY=VALUE` entries; the child gets exactly these.
    var environment: [String]
    var workingDirectory: String?
    var rlimits: [RLimitSetting]
    /// Drop supplementary groups in the child (needs root).
    var clearGroups: Bool
    /// setgid/setuid to these ids in the child before exec (needs root).
    var identity: (uid: UInt32, gid: UInt32)?
    /// Bytes written to the child's stdin, which is then closed.
    var stdinData: [UInt8]
    /// The command writes bubblewrap's JSON status to fd 4.
    var hasStatusFD: Bool
    /// Run the command under a reaping parent (see ``runChild``): bubblewrap exits without waiting for the
    /// namespace's init, whose zombie would otherwise go to the machine's init and, until that reaps it,
    /// count against the next run's RLIMIT_NPROC on the same uid.
    var reapsOrphans: Bool = false
    var wallTime: Double
    /// Most bytes of stdout + stderr kept; more kills the run.
    var outputLimit: Int
}

/// Why the parent killed the run.
enum KillReason: Sendable, Equatable {
    case wallTime
    case output
}

/// What happened to one launched process, before classification.
struct LaunchOutcome: Sendable {
    /// Set when the process could not be started at all.
    var launchError: String?
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    /// Bytes written by the bootstrap to fd 3.
    var marker: [UInt8] = []
    var exitCode: Int32?
    var signal: Int32?
    var killedFor: KillReason?
    var wallTime: Double = 0
    var cpuTime: Double = 0
}

typealias CloseRangeFunction = @convention(c) (UInt32, UInt32, Int32) -> Int32
typealias PrctlFunction = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
typealias Pipe2Function = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

/// glibc functions hidden behind `_GNU_SOURCE` in the Glibc module map, looked up once.
enum GNUFunctions {
    nonisolated(unsafe) static let handle = dlopen(nil, RTLD_NOW)
    static let closeRange: CloseRangeFunction? = dlsym(handle, "close_range").map { unsafeBitCast($0, to: CloseRangeFunction.self) }
    static let prctl: PrctlFunction? = dlsym(handle, "prctl").map { unsafeBitCast($0, to: PrctlFunction.self) }
    static let pipe2: Pipe2Function? = dlsym(handle, "pipe2").map { unsafeBitCast($0, to: Pipe2Function.self) }
}

/// The child's instructions: only trivial values and pointers prepared before the fork.
private struct ChildPlan {
    var path: UnsafeMutablePointer<CChar>
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    var envp: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    var cwd: UnsafeMutablePointer<CChar>?
    var limits: UnsafeMutablePointer<rlimit>
    var limitResources: UnsafeMutablePointer<Int32>
    var limitCount: Int
    var clearGroups: Bool
    var setIDs: Bool
    var uid: uid_t
    var gid: gid_t
    /// Source descriptors for fds 0...4 (-1: none); all are >= 10 so dup2 never clobbers a later source.
    var sources: UnsafeMutablePointer<Int32>
    var errorFD: Int32
    var errorBuffer: UnsafeMutablePointer<Int32>
    var parentPID: pid_t
    var emptyMask: UnsafeMutablePointer<sigset_t>
    var closeRange: CloseRangeFunction?
    var prctl: PrctlFunction?
    var reapsOrphans: Bool
}

/// Reports the failing stage and errno to the parent, then exits. Async-signal-safe.
private func childFail(_ plan: UnsafePointer<ChildPlan>, _ stage: Int32) -> Never {
    plan.pointee.errorBuffer[0] = stage
    plan.pointee.errorBuffer[1] = errno
    _ = write(plan.pointee.errorFD, plan.pointee.errorBuffer, 8)
    _exit(127)
}

/// The child between fork and exec. Async-signal-safe calls only; no allocation.
private func runChild(_ plan: UnsafePointer<ChildPlan>) -> Never {
    let p = plan.pointee
    if setsid() < 0 { childFail(plan, 1) }
    var lastFD: Int32 = 2
    for target in 0..<5 {
        let source = p.sources[target]
        if source >= 0 {
            if dup2(source, Int32(target)) < 0 { childFail(plan, 2) }
            lastFD = Int32(target)
        }
    }
    // Close every other descriptor (other threads' pipes must not leak into the sandbox).
    let low = UInt32(lastFD + 1)
    let err = UInt32(p.errorFD)
    if let closeRange = p.closeRange, closeRange(low, err - 1, 0) == 0, closeRange(err + 1, UInt32.max, 0) == 0 {
        // done
    } else {
        var fd = Int32(low)
        while fd < 65_536 {
            if fd != p.errorFD { close(fd) }
            fd += 1
        }
    }
    _ = sigprocmask(SIG_SETMASK, p.emptyMask, nil)
    _ = signal(SIGPIPE, SIG_DFL)
    _ = signal(SIGXFSZ, SIG_DFL)
    _ = signal(SIGXCPU, SIG_DFL)
    _ = signal(SIGINT, SIG_DFL)
    _ = signal(SIGTERM, SIG_DFL)
    _ = signal(SIGHUP, SIG_DFL)
    _ = signal(SIGCHLD, SIG_DFL)
    var i = 0
    while i < p.limitCount {
        if setrlimit(__rlimit_resource_t(p.limitResources[i]), p.limits + i) != 0 { childFail(plan, 3) }
        i += 1
    }
    if p.clearGroups, setgroups(0, nil) != 0 { childFail(plan, 4) }
    if p.setIDs {
        if setgid(p.gid) != 0 { childFail(plan, 5) }
        if setuid(p.uid) != 0 { childFail(plan, 6) }
    }
    // PR_SET_PDEATHSIG (1) is cleared by setuid, so it comes after it.
    if let prctl = p.prctl { _ = prctl(1, UInt(SIGKILL), 0, 0, 0) }
    if getppid() != p.parentPID { _exit(127) }
    if let cwd = p.cwd, chdir(cwd) != 0 { childFail(plan, 7) }
    if p.reapsOrphans { reapAround(plan) }
    execve(p.path, p.argv, p.envp)
    childFail(plan, 8)
}

/// Makes this child a subreaper, forks the command (which execs), waits until it and every orphan handed
/// to this process are reaped, then ends as the command ended (same exit status, or killed by the same
/// signal). Returns only in the command's process. Async-signal-safe calls only.
private func reapAround(_ plan: UnsafePointer<ChildPlan>) {
    let p = plan.pointee
    // PR_SET_CHILD_SUBREAPER (36).
    if let prctl = p.prctl, prctl(36, 1, 0, 0, 0) != 0 { childFail(plan, 9) }
    let reaper = getpid()
    let command = fork()
    if command < 0 { childFail(plan, 10) }
    if command == 0 {
        // The command dies with its reaper, as the reaper dies with the caller.
        if let prctl = p.prctl { _ = prctl(1, UInt(SIGKILL), 0, 0, 0) }
        if getppid() != reaper { _exit(127) }
        return
    }
    // The reaper keeps no descriptor of the run: end-of-file and the exec report belong to the command.
    close(p.errorFD)
    for fd: Int32 in 0..<5 { close(fd) }
    var commandStatus: Int32 = 0
    var status: Int32 = 0
    while true {
        let reaped = waitpid(-1, &status, 0)
        if reaped == command { commandStatus = status }
        if reaped < 0 && errno != EINTR { break }
    }
    if commandStatus & 0x7f == 0 { _exit((commandStatus >> 8) & 0xff) }
    let signalNumber = commandStatus & 0x7f
    _ = signal(signalNumber, SIG_DFL)
    _ = kill(reaper, signalNumber)
    _exit(128 + signalNumber)
}

private let stageNames: [Int32: String] = [
    1: "setsid", 2: "dup2", 3: "setrlimit", 4: "setgroups", 5: "setgid", 6: "setuid", 7: "chdir", 8: "execve",
    9: "prctl(PR_SET_CHILD_SUBREAPER)", 10: "fork",
]

/// Monotonic time in seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Launches `spec`, feeds stdin, collects output until the process exits, the deadline passes or the
/// output cap is exceeded, kills the whole process group, and reaps. Blocks the calling thread.
func launch(_ spec: LaunchSpec) -> LaunchOutcome {
    let start = monotonicSeconds()
    var outcome = launchAndCollect(spec, start: start)
    outcome.wallTime = monotonicSeconds() - start
    return outcome
}

/// The body of ``launch(_:)``; `start` is the monotonic time the deadline counts from.
private func launchAndCollect(_ spec: LaunchSpec, start: Double) -> LaunchOutcome {
    var outcome = LaunchOutcome()

    // Pipes: parent end first, child end second. Child ends are moved to fds >= 10.
    var opened: [Int32] = []
    defer { for fd in opened { close(fd) } }
    func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        let rc = fds.withUnsafeMutableBufferPointer { buf -> Int32 in
            if let pipe2 = GNUFunctions.pipe2 { return pipe2(buf.baseAddress!, O_CLOEXEC) }
            let r = pipe(buf.baseAddress!)
            if r == 0 { _ = fcntl(buf[0], F_SETFD, FD_CLOEXEC); _ = fcntl(buf[1], F_SETFD, FD_CLOEXEC) }
            return r
        }
        if rc != 0 { return nil }
        opened.append(contentsOf: fds)
        return (fds[0], fds[1])
    }
    func high(_ fd: Int32) -> Int32 {
        let h = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        if h >= 0 { opened.append(h) }
        return h
    }
    func closeOpened(_ fd: Int32) {
        if let i = opened.firstIndex(of: fd) { opened.remove(at: i); close(fd) }
    }
    var socks: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &socks) == 0 else {
        outcome.launchError = "socketpair failed: \(String(cString: strerror(errno)))"
        return outcome
    }
    opened.append(contentsOf: socks)
    guard let out = makePipe(), let errPipe = makePipe(), let marker = makePipe(), let report = makePipe() else {
        outcome.launchError = "pipe failed: \(String(cString: strerror(errno))) (too many open files?)"
        return outcome
    }
    let status = spec.hasStatusFD ? makePipe() : nil
    if spec.hasStatusFD && status == nil {
        outcome.launchError = "pipe failed: \(String(cString: strerror(errno)))"
        return outcome
    }
    let childSources: [Int32] = [high(socks[1]), high(out.write), high(errPipe.write), high(marker.write),
                                 status.map { high($0.write) } ?? -1]
    let reportWrite = high(report.write)
    if childSources[0..<4].contains(where: { $0 < 0 }) || reportWrite < 0 || (status != nil && childSources[4] < 0) {
        outcome.launchError = "fcntl(F_DUPFD_CLOEXEC) failed: \(String(cString: strerror(errno)))"
        return outcome
    }
    for fd in [socks[1], out.write, errPipe.write, marker.write, report.write] { closeOpened(fd) }
    if let status { closeOpened(status.write) }

    // Everything the child touches is allocated here, before the fork.
    let path = strdup(spec.executable)!
    func cArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (i, s) in strings.enumerated() { array[i] = strdup(s) }
        array[strings.count] = nil
        return array
    }
    let argv = cArray(spec.arguments)
    let envp = cArray(spec.environment)
    let cwd = spec.workingDirectory.map { strdup($0)! }
    let limits = UnsafeMutablePointer<rlimit>.allocate(capacity: max(1, spec.rlimits.count))
    let resources = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, spec.rlimits.count))
    for (i, l) in spec.rlimits.enumerated() {
        limits[i] = rlimit(rlim_cur: rlim_t(l.soft), rlim_max: rlim_t(l.hard))
        resources[i] = l.resource
    }
    let sources = UnsafeMutablePointer<Int32>.allocate(capacity: 5)
    for i in 0..<5 { sources[i] = childSources[i] }
    let errorBuffer = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
    let mask = UnsafeMutablePointer<sigset_t>.allocate(capacity: 1)
    sigemptyset(mask)
    let plan = UnsafeMutablePointer<ChildPlan>.allocate(capacity: 1)
    plan.initialize(to: ChildPlan(
        path: path, argv: argv, envp: envp, cwd: cwd, limits: limits, limitResources: resources,
        limitCount: spec.rlimits.count, clearGroups: spec.clearGroups, setIDs: spec.identity != nil,
        uid: spec.identity?.uid ?? 0, gid: spec.identity?.gid ?? 0, sources: sources, errorFD: reportWrite,
        errorBuffer: errorBuffer, parentPID: getpid(), emptyMask: mask,
        closeRange: GNUFunctions.closeRange, prctl: GNUFunctions.prctl, reapsOrphans: spec.reapsOrphans))
    defer {
        free(path)
        for i in 0..<spec.arguments.count { free(argv[i]) }
        for i in 0..<spec.environment.count { free(envp[i]) }
        argv.deallocate(); envp.deallocate()
        if let cwd { free(cwd) }
        limits.deallocate(); resources.deallocate(); sources.deallocate(); errorBuffer.deallocate()
        mask.deallocate(); plan.deallocate()
    }

    let pid = fork()
    if pid == 0 { runChild(plan) }
    if pid < 0 {
        outcome.launchError = "fork failed: \(String(cString: strerror(errno)))"
        return outcome
    }
    // Parent: drop the child's ends, then learn whether exec succeeded.
    for fd in childSources where fd >= 0 { closeOpened(fd) }
    closeOpened(reportWrite)
    var report4 = [Int32](repeating: 0, count: 2)
    var got = 0
    report4.withUnsafeMutableBytes { buf in
        while got < 8 {
            let n = read(report.read, buf.baseAddress! + got, 8 - got)
            if n > 0 { got += n } else if n == 0 || errno != EINTR { break }
        }
    }
    if got == 8 {
        var st: Int32 = 0
        _ = waitpid(pid, &st, 0)
        let stage = stageNames[report4[0]] ?? "stage \(report4[0])"
        outcome.launchError = "\(stage) failed in the child: \(String(cString: strerror(report4[1]))) (errno \(report4[1]))"
        return outcome
    }

    let reader = OutputCollector(spec: spec, stdout: out.read, stderr: errPipe.read, marker: marker.read,
                                 status: status?.read, stdinSocket: socks[0])
    reader.run(pid: pid, deadline: start + spec.wallTime, outcome: &outcome)
    return outcome
}

/// The parent's event loop for one run: poll the pipes, enforce the deadline and the output cap.
private struct OutputCollector {
    let spec: LaunchSpec
    let stdout: Int32, stderr: Int32, marker: Int32, status: Int32?, stdinSocket: Int32

    init(spec: LaunchSpec, stdout: Int32, stderr: Int32, marker: Int32, status: Int32?, stdinSocket: Int32) {
        self.spec = spec
        self.stdout = stdout; self.stderr = stderr; self.marker = marker
        self.status = status; self.stdinSocket = stdinSocket
    }

    /// `true` once `pid` has terminated (not reaped yet, so its process group id stays reserved).
    func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        // ECHILD: the process was reaped behind our back (SIGCHLD set to SIG_IGN in this process).
        return (rc == 0 && info._sifields._sigchld.si_pid == pid) || (rc < 0 && errno == ECHILD)
    }

    func run(pid: pid_t, deadline: Double, outcome: inout LaunchOutcome) {
        var readers: [Int32] = [stdout, stderr, marker] + (status.map { [$0] } ?? [])
        for fd in readers + [stdinSocket] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var statusText: [UInt8] = []
        var innerPID: pid_t?
        var stored = 0
        var written = 0
        var writing = true
        var buffer = [UInt8](repeating: 0, count: 65_536)
        if spec.stdinData.isEmpty { shutdown(stdinSocket, Int32(SHUT_WR)); writing = false }

        /// Reads what is available on `fd`; returns false at EOF or on a hard error.
        func drain(_ fd: Int32) -> Bool {
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n == 0 { return false }
                if n < 0 { return errno == EAGAIN || errno == EINTR }
                let chunk = buffer[0..<n]
                if fd == stdout || fd == stderr {
                    let room = max(0, spec.outputLimit - stored)
                    let keep = chunk.prefix(room)
                    if fd == stdout { outcome.stdout += keep } else { outcome.stderr += keep }
                    stored += keep.count
                    if n > room { outcome.killedFor = outcome.killedFor ?? .output; return true }
                } else if fd == marker {
                    if outcome.marker.count < 256 { outcome.marker += chunk.prefix(256 - outcome.marker.count) }
                } else {
                    if statusText.count < 4096 { statusText += chunk.prefix(4096 - statusText.count) }
                    if innerPID == nil { innerPID = parseChildPID(statusText) }
                }
                if n < buffer.count { return true }
            }
        }

        var exited = false
        while true {
            if hasExited(pid) { exited = true; break }
            let now = monotonicSeconds()
            if now >= deadline { outcome.killedFor = .wallTime; break }
            var fds = readers.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writing { fds.append(pollfd(fd: stdinSocket, events: Int16(POLLOUT), revents: 0)) }
            let tick = fds.isEmpty ? 0.002 : 0.05
            let timeout = Int32(max(1, min(deadline - now, tick) * 1000))
            let rc = poll(&fds, nfds_t(fds.count), timeout)
            if rc < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                if p.fd == stdinSocket {
                    let n = spec.stdinData.withUnsafeBytes {
                        send(stdinSocket, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                    }
                    if n > 0 { written += n }
                    if written == spec.stdinData.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                        shutdown(stdinSocket, Int32(SHUT_WR)); writing = false
                    }
                } else if !drain(p.fd) {
                    readers.removeAll { $0 == p.fd }
                }
            }
            if outcome.killedFor != nil { break }
        }
        if exited {
            for fd in readers { _ = drain(fd) }
        } else {
            // Kill the namespace's init first (bubblewrap): the kernel then tears the whole pid namespace
            // down and bubblewrap exits only after every process in it is gone.
            if let inner = innerPID {
                kill(inner, SIGKILL)
                let giveUp = monotonicSeconds() + 5
                while !hasExited(pid) && monotonicSeconds() < giveUp { usleep(1000) }
            }
        }
        // Stragglers in the process group (the leader is not reaped yet, so the group id is still ours).
        killpg(pid, SIGKILL)
        kill(pid, SIGKILL)
        var wstatus: Int32 = 0
        var usage = rusage()
        while wait4(pid, &wstatus, 0, &usage) < 0 && errno == EINTR {}
        outcome.cpuTime = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        if wstatus & 0x7f == 0 {
            outcome.exitCode = (wstatus >> 8) & 0xff
        } else {
            outcome.signal = wstatus & 0x7f
        }
    }
}

/// The `"child-pid": N` value from bubblewrap's `--json-status-fd` output, if complete.
func parseChildPID(_ bytes: [UInt8]) -> pid_t? {
    guard let text = String(bytes: bytes, encoding: .utf8),
          let key = text.range(of: "\"child-pid\"") else { return nil }
    let rest = text[key.upperBound...].drop { $0 == ":" || $0 == " " }
    let digits = rest.prefix { $0.isNumber }
    guard !digits.isEmpty, rest.dropFirst(digits.count).first != nil else { return nil }
    return pid_t(digits)
}

/// Kills every process owned by `uid` (except init) from short-lived children that switch to that uid, until
/// none is left (zombies count until reaped) or `timeout` seconds pass. Needs root.
///
/// Emptiness is tested with the limit itself: a helper running as `uid` with `RLIMIT_NPROC` = 2 can fork
/// only if it is the uid's sole process. (`kill(-1, 0)` cannot tell: it succeeds whenever any other
/// process exists, even one it may not signal.)
///
/// - Returns: `true` when the uid owns no process any more.
func killAllProcesses(ofUID uid: UInt32, gid: UInt32, timeout: Double = 5) -> Bool {
    let giveUp = monotonicSeconds() + timeout
    var two = rlimit(rlim_cur: 2, rlim_max: 2)
    while true {
        let pid = fork()
        if pid == 0 {
            // Exit status 0: the uid owns nothing else; 1: it still does; 2: could not switch to it.
            guard setgroups(0, nil) == 0, setgid(gid) == 0, setuid(uid) == 0 else { _exit(2) }
            _ = kill(-1, SIGKILL)
            guard setrlimit(__rlimit_resource_t(__RLIMIT_NPROC.rawValue), &two) == 0 else { _exit(2) }
            let probe = fork()
            if probe == 0 { _exit(0) }
            if probe < 0 { _exit(1) }
            var st: Int32 = 0
            while waitpid(probe, &st, 0) < 0 && errno == EINTR {}
            _exit(0)
        }
        guard pid > 0 else { return false }
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
        let code = (st & 0x7f) == 0 ? (st >> 8) & 0xff : -1
        if code == 0 { return true }
        if code != 1 || monotonicSeconds() > giveUp { return false }
        usleep(2000)
    }
}
#endif
