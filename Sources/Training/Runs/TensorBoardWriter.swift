// TensorBoardWriter.swift — scalar summaries in TensorBoard's event-file format, written by hand.
// File: a sequence of TFRecords, each  u64 length (LE) · u32 masked CRC32C(length bytes) · payload ·
// u32 masked CRC32C(payload). Payload: a serialised tensorflow.Event protobuf; we encode only
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
// with proto3 rules (zero scalars omitted; simple_value is in a oneof, so always written). The first
// record carries file_version "brain.Event:2". Not here: histograms, images, text, the v2 tensor form.

import Foundation

/// Appends scalar events to one `events.out.tfevents.*` file.
///
/// ```swift
/// let writer = try TensorBoardWriter(directory: run.tensorBoardDirectory)
/// try writer.add(scalars: ["train/reward": 0.5], step: 10)
/// ```
public final class TensorBoardWriter {
    /// The event file.
    public let url: URL
    private let handle: FileHandle

    /// Creates `events.out.tfevents.<seconds>.<host>` in `directory` and writes the version record.
    /// - Parameters:
    ///   - directory: an existing directory.
    ///   - wallTime: time of the first record (now by default).
    ///   - host: host-name part of the file name.
    /// - Throws: `TrainingError.writeFailed`.
    public init(directory: URL, wallTime: Double = Date().timeIntervalSince1970,
                host: String = ProcessInfo.processInfo.hostName) throws {
        url = directory.appendingPathComponent("events.out.tfevents.\(Int(wallTime)).\(host)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw TrainingError.writeFailed(path: url.path, reason: "cannot create the event file")
        }
        self.handle = handle
        try write(record: Self.event(wallTime: wallTime, step: 0, fileVersion: "brain.Event:2"))
    }

    deinit { try? handle.close() }

    /// Appends one event holding `scalars` (sorted by tag) at `step`.
    /// - Throws: `TrainingError.writeFailed`.
    public func add(scalars: [String: Double], step: Int, wallTime: Double = Date().timeIntervalSince1970) throws {
        try add(orderedScalars: scalars.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, step: step, wallTime: wallTime)
    }

    /// Appends one event holding `scalars` in the given order.
    /// - Throws: `TrainingError.writeFailed`.
    public func add(orderedScalars scalars: [(String, Double)], step: Int,
                    wallTime: Double = Date().timeIntervalSince1970) throws {
        try write(record: Self.event(wallTime: wallTime, step: step, scalars: scalars))
    }

    /// Flushes the file to disk.
    public func flush() throws {
        do { try handle.synchronize() } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    private func write(record payload: [UInt8]) throws {
        do { try handle.write(contentsOf: Self.frame(payload)) } catch {
            throw TrainingError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    // MARK: Encoding

    /// TFRecord framing of one payload.
    static func frame(_ payload: [UInt8]) -> Data {
        var out = Data(capacity: payload.count + 16)
        let length = littleEndian(UInt64(payload.count))
        out.append(contentsOf: length)
        out.append(contentsOf: littleEndian(CRC32C.masked(CRC32C.checksum(length))))
        out.append(contentsOf: payload)
        out.append(contentsOf: littleEndian(CRC32C.masked(CRC32C.checksum(payload))))
        return out
    }

    /// A serialised Event.
    static func event(wallTime: Double, step: Int, fileVersion: String? = nil, scalars: [(String, Double)] = []) -> [UInt8] {
        var out: [UInt8] = []
        if wallTime != 0 {
            out.append(0x09)  // field 1, fixed64
            out += littleEndian(wallTime.bitPattern)
        }
        if step != 0 {
            out.append(0x10)  // field 2, varint
            out += varint(UInt64(bitPattern: Int64(step)))
        }
        if let fileVersion {
            out.append(0x1A)  // field 3, length-delimited
            out += lengthDelimited(Array(fileVersion.utf8))
        }
        if !scalars.isEmpty {
            var summary: [UInt8] = []
            for (tag, value) in scalars {
                var v: [UInt8] = []
                if !tag.isEmpty {
                    v.append(0x0A)  // Value.tag, field 1
                    v += lengthDelimited(Array(tag.utf8))
                }
                v.append(0x15)  // Value.simple_value, field 2, fixed32
                v += littleEndian(Float(value).bitPattern)
                summary.append(0x0A)  // Summary.value, field 1
                summary += lengthDelimited(v)
            }
            out.append(0x2A)  // Event.summary, field 5
            out += lengthDelimited(summary)
        }
        return out
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    static func lengthDelimited(_ bytes: [UInt8]) -> [UInt8] { varint(UInt64(bytes.count)) + bytes }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
