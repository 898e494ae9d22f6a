// MappedFile: a read-only, memory-mapped view of a whole file with bounds- and overflow-checked access.
// It is the storage under GGUFFile and SafetensorsFile. It is not a writer and never copies the file.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why a file could not be memory-mapped.
public enum MappedFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `open(2)` or `fstat(2)` failed; `reason` is the system's message.
    case cannotOpen(path: String, reason: String)
    /// The path names a directory, device or other non-regular file.
    case notARegularFile(path: String)
    /// `mmap(2)` failed; `reason` is the system's message.
    case cannotMap(path: String, size: Int, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open \(path): \(reason). Check that the file exists and is readable."
        case let .notARegularFile(path):
            return "\(path) is not a regular file; pass the path of a model file, not a directory or device."
        case let .cannotMap(path, size, reason):
            return "cannot memory-map \(path) (\(size) bytes): \(reason)."
        }
    }
}

/// A read-only memory map of a file.
///
/// The mapping lives as long as the object; pointers obtained from ``bytes`` or ``slice(offset:count:)``
/// are valid only while the `MappedFile` is alive. All accessors check bounds with overflow-checked
/// arithmetic and return `nil` instead of trapping, so callers can turn bad offsets into typed errors.
/// Like any memory map, it assumes the file is not truncated by another process while mapped (that would
/// raise SIGBUS on access); model files are treated as immutable.
///
/// ```swift
/// let file = try MappedFile(url: url)
/// let magic = file.load(UInt32.self, at: 0)   // nil if the file is shorter than 4 bytes
/// ```
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is immutable (PROT_READ, MAP_PRIVATE) after init and unmapped only in deinit.

    /// The file that was mapped.
    public let url: URL
    /// The file's size in bytes at the time it was mapped.
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps the whole file read-only.
    ///
    /// - Parameter url: A file URL of a regular file. An empty file is valid and has `count == 0`.
    /// - Throws: ``MappedFileError`` if the file cannot be opened, is not a regular file, or cannot be mapped.
    public init(url: URL) throws(MappedFileError) {
        self.url = url
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.systemMessage()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: Self.systemMessage()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
        let size = Int(info.st_size)
        count = size
        if size == 0 {
            base = nil
            return
        }
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              pointer != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw .cannotMap(path: path, size: size, reason: Self.systemMessage()) }
        base = UnsafeRawPointer(pointer)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// All bytes of the file (empty for an empty file). Valid while `self` is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes `offset ..< offset + count`, or `nil` if that range is negative, overflows or passes the end.
    ///
    /// - Parameters:
    ///   - offset: Start of the range, in bytes from the start of the file.
    ///   - count: Number of bytes.
    /// - Returns: A view into the mapping, valid while `self` is alive; `nil` when out of bounds.
    public func slice(offset: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset: offset, count: count) else { return nil }
        guard count > 0, let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// Whether `offset ..< offset + count` lies inside the file (overflow-checked).
    public func contains(offset: Int, count: Int) -> Bool {
        guard offset >= 0, count >= 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(count)
        return !overflow && end <= self.count
    }

    /// Loads a little-endian integer at `offset` (no alignment needed), or `nil` if it does not fit.
    ///
    /// - Parameters:
    ///   - type: The integer type to load.
    ///   - offset: Byte offset from the start of the file.
    /// - Returns: The value, converted from little-endian; `nil` when out of bounds.
    public func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T? {
        guard let bytes = slice(offset: offset, count: MemoryLayout<T>.size), let start = bytes.baseAddress else { return nil }
        return T(littleEndian: start.loadUnaligned(as: T.self))
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}
