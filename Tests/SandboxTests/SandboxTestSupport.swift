// Shared helpers for the Sandbox tests: one shared sandbox, short limits, a /proc scan for leftover
// processes, and a TCP listener on the host's loopback. Not a test itself.

import Foundation
import Glibc
@testable import Sandbox

enum SandboxTestSupport {
    /// One bubblewrap sandbox shared by the tests (2 runs at a time, like the machine's 2 cores).
    static let shared: Result<ProcessSandbox, any Error> = Result {
        try ProcessSandbox(configuration: .init(isolation: .bubblewrap, maxConcurrency: 2))
    }

    /// Whether the tests run as root: only then does each run get its own uid, so that RLIMIT_NPROC binds
    /// (non-root callers get the weaker protection described in CodeSandbox.swift).
    static var callerIsRoot: Bool { geteuid() == 0 }

    /// The shared sandbox.
    static func sandbox() throws -> ProcessSandbox { try shared.get() }

    /// Tight limits on memory, processes, files and output that keep the adversarial tests fast, with time limits
    /// generous enough for a loaded 2-core CI machine, where the whole suite runs at once and starting Python in a
    /// sandbox can take seconds (a 5 s deadline once turned a failing HumanEval run into a time-out there). Tests of
    /// the time limits set their own short deadlines.
    static let fast = SandboxLimits(wallTime: 30, cpuTime: 10, memoryBytes: 256 << 20, fileSizeBytes: 1 << 20,
                                    processCount: 32, openFiles: 64, outputBytes: 64 << 10, scratchBytes: 8 << 20)

    /// The repository's Fixtures/sandbox directory.
    static let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sandbox")

    /// A token no other process on the machine has in its command line.
    static func uniqueToken() -> String { "swiftr1tok" + String(UInt64.random(in: 1..<UInt64.max), radix: 36) }

    /// Pids of live (non-zombie) processes whose command line contains `token`.
    static func processes(containing token: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid() else { continue }
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let cmdline = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if cmdline.contains(token) { found.append(pid) }
        }
        return found
    }

    /// Number of processes (zombies included) whose real uid is `uid`.
    static func processCount(ofUID uid: UInt32) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var count = 0
        for entry in entries where Int32(entry) != nil {
            guard let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) else { continue }
            if line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first == Substring(String(uid)) {
                count += 1
            }
        }
        return count
    }

    /// Pids of processes that contain `token`, polled for up to `seconds` until none is left.
    static func survivors(of token: String, within seconds: Double = 2) -> [Int32] {
        let end = Date().addingTimeInterval(seconds)
        var left = processes(containing: token)
        while !left.isEmpty && Date() < end {
            usleep(20_000)
            left = processes(containing: token)
        }
        return left
    }

    /// A listening TCP socket on the host's 127.0.0.1 (the sandbox must not reach it).
    final class LoopbackListener {
        let fd: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            self.fd = fd
            self.port = UInt16(bigEndian: addr.sin_port)
        }

        /// Whether any connection is waiting to be accepted.
        func hasPendingConnection() -> Bool {
            let client = accept(fd, nil, nil)
            if client >= 0 { close(client); return true }
            return false
        }

        deinit { close(fd) }
    }
}
