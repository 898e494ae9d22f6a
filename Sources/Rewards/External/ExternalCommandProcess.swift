// ExternalCommandProcess.swift — the child process behind ExternalCommandReward: spawning, one
// request/response exchange with a deadline, death and garbage detection, restart.
// stdin is a Unix socket pair so writes to a dead child fail with EPIPE (MSG_NOSIGNAL) instead of
// raising SIGPIPE in the trainer.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-lived child process exchanging one JSON line per request. Thread-safe (requests serialised).
final class ExternalCommandProcess: @unchecked Sendable {
    let executable: URL
    let arguments: [String]
    private let lock = NSLock()
    private var process: Process?
    private var stdinFD: Int32 = -1
    private var stdoutFD: Int32 = -1
    private var stdoutHandle: FileHandle?
    private var stderrPipe: Pipe?
    private var buffer: [UInt8] = []
    private let stderrTail = StderrTail()
    /// Longest accepted response line.
    static let maxLineBytes = 64 << 20

    var commandName: String { ([executable.lastPathComponent] + arguments).joined(separator: " ") }

    init(executable: URL, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    deinit { kill() }

    var runningProcessID: Int32? {
        lock.lock()
        defer { lock.unlock() }
        guard let p = process, p.isRunning else { return nil }
        return p.processIdentifier
    }

    /// Sends one request line and reads one response line.
    func exchange(_ request: Data, expected: Int, timeout: Double) throws -> [Double?] {
        lock.lock()
        defer { lock.unlock() }
        if process == nil || !(process?.isRunning ?? false) {
            kill()
            try start()
        }
        buffer.removeAll(keepingCapacity: true)
        drainPending()
        try writeAll(request)
        let line = try readLine(deadline: DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9), timeout: timeout)
        do {
            return try ExternalCommandReward.decodeResponse(line, expected: expected, command: commandName)
        } catch let e as RewardsError {
            if case .externalCommandProtocol = e { kill() }
            throw e
        }
    }

    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        guard let p = process else { return }
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
        let deadline = Date().addingTimeInterval(1)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        kill()
    }

    // MARK: - Private (lock held)

    private func start() throws {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let sockType = Int32(SOCK_STREAM.rawValue)
        #else
        let sockType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, sockType, 0, &fds) == 0 else {
            throw RewardsError.externalCommandFailedToStart(command: commandName, reason: "socketpair failed (errno \(errno))")
        }
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        let childIn = FileHandle(fileDescriptor: fds[1], closeOnDealloc: false)
        let out = Pipe()
        let err = Pipe()
        p.standardInput = childIn
        p.standardOutput = out
        p.standardError = err
        stderrTail.reset()
        let tail = stderrTail
        err.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if !d.isEmpty { tail.append(d) }
        }
        do { try p.run() } catch {
            close(fds[0]); close(fds[1])
            err.fileHandleForReading.readabilityHandler = nil
            throw RewardsError.externalCommandFailedToStart(command: commandName, reason: error.localizedDescription)
        }
        close(fds[1])
        process = p
        stdinFD = fds[0]
        stdoutHandle = out.fileHandleForReading
        stdoutFD = out.fileHandleForReading.fileDescriptor
        stderrPipe = err
    }

    /// Terminates the child (SIGKILL) and releases its descriptors.
    private func kill() {
        if let p = process {
            if p.isRunning { _ = Glibc_kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        stderrPipe?.fileHandleForReading.readabilityHandler = nil
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
        stdoutFD = -1
        stdoutHandle = nil
        stderrPipe = nil
        process = nil
        buffer.removeAll()
    }

    private func exitedError() -> RewardsError {
        let p = process
        var status: Int32 = -1
        if let p {
            let deadline = Date().addingTimeInterval(2)
            while p.isRunning && Date() < deadline { usleep(5_000) }
            if !p.isRunning { status = p.terminationStatus }
        }
        usleep(20_000)  // let the stderr handler catch the last words
        let e = RewardsError.externalCommandExited(command: commandName, status: status, stderrTail: stderrTail.text)
        kill()
        return e
    }

    private func writeAll(_ data: Data) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var off = 0
            while off < raw.count {
                #if canImport(Glibc)
                let n = send(stdinFD, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                #else
                let n = send(stdinFD, raw.baseAddress! + off, raw.count - off, 0)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    throw exitedError()
                }
                off += n
            }
        }
    }

    /// Discards output the child printed before this request (it belongs to no request).
    private func drainPending() {
        var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while poll(&pfd, 1, 0) > 0 && (pfd.revents & Int16(POLLIN)) != 0 {
            let n = read(stdoutFD, &chunk, chunk.count)
            if n <= 0 { return }
        }
    }

    private func readLine(deadline: UInt64, timeout: Double) throws -> Data {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = Data(buffer[..<nl])
                buffer.removeSubrange(...nl)
                return line
            }
            if buffer.count > Self.maxLineBytes {
                kill()
                throw RewardsError.externalCommandProtocol(command: commandName, reason: "response line longer than \(Self.maxLineBytes) bytes", line: "")
            }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else {
                kill()
                throw RewardsError.externalCommandTimedOut(command: commandName, seconds: timeout)
            }
            let ms = Int32(min(UInt64(Int32.max), (deadline - now) / 1_000_000 + 1))
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, ms)
            if r < 0 {
                if errno == EINTR { continue }
                throw exitedError()
            }
            if r == 0 { continue }
            let n = read(stdoutFD, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw exitedError()
            }
            if n == 0 { throw exitedError() }  // EOF: the child closed stdout or died
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

/// The last 2 KB of a child's stderr, appended from a Foundation reader thread.
final class StderrTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    static let limit = 2048

    func append(_ d: Data) {
        lock.lock()
        bytes.append(contentsOf: d)
        if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
        lock.unlock()
    }

    func reset() {
        lock.lock()
        bytes.removeAll()
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

#if canImport(Glibc)
@inline(__always) private func Glibc_kill(_ pid: pid_t, _ sig: Int32) -> Int32 { Glibc.kill(pid, sig) }
#else
@inline(__always) private func Glibc_kill(_ pid: pid_t, _ sig: Int32) -> Int32 { Darwin.kill(pid, sig) }
#endif
