// AtomicFile.swift — durable file and directory replacement: write to a temporary name in the same
// directory, fsync the data, rename over the target (atomic on POSIX within one file system), then
// fsync the directory so the rename itself survives a power loss.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable writes.
public enum AtomicFile {
    /// Writes `data` to `url` atomically and durably.
    /// - Throws: `TrainingError.writeFailed`.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        try writeDurably(data, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TrainingError.writeFailed(path: url.path, reason: "rename failed: \(reason)")
        }
        try syncDirectory(directory)
    }

    /// Creates (or truncates) `url`, writes `data` and fsyncs it.
    /// - Throws: `TrainingError.writeFailed`.
    public static func writeDurably(_ data: Data, to url: URL) throws {
        try data.withUnsafeBytes { try writeDurably($0, to: url) }
    }

    /// Creates (or truncates) `url`, writes `bytes` and fsyncs it.
    /// - Throws: `TrainingError.writeFailed`.
    public static func writeDurably(_ bytes: UnsafeRawBufferPointer, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw TrainingError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var written = 0
        var ok = true
        if let base = bytes.baseAddress {
            while written < bytes.count {
                let n = posixWrite(fd, base + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    break
                }
                written += n
            }
        }
        guard ok, fsync(fd) == 0 else {
            throw TrainingError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    /// fsyncs a directory so that renames and new entries in it are durable.
    /// - Throws: `TrainingError.writeFailed`.
    public static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw TrainingError.writeFailed(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fsync(fd) == 0 else {
            throw TrainingError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    /// Renames `source` to `destination` (both directories or files) and fsyncs the parent.
    /// - Throws: `TrainingError.writeFailed`.
    public static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw TrainingError.writeFailed(path: destination.path,
                                            reason: "rename from \(source.lastPathComponent) failed: \(String(cString: strerror(errno)))")
        }
        try syncDirectory(destination.deletingLastPathComponent())
    }
}

/// POSIX write(2), named apart from the many `write` methods in scope.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
