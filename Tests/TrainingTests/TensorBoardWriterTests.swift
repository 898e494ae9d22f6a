// TensorBoardWriterTests.swift — CRC32C against published vectors and the event file byte for byte
// against one written by TensorBoard's own RecordWriter and protobuf classes (the Python fixture).

import Foundation
import Testing
@testable import Training

@Suite struct TensorBoardWriterTests {
    @Test func crc32cKnownVectors() {
        // RFC 3720 appendix B.4 and the common check value of "123456789".
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        // Continuing a checksum equals checksumming the concatenation.
        let a = Array("hello ".utf8), b = Array("world".utf8)
        #expect(CRC32C.checksum(b, continuing: CRC32C.checksum(a)) == CRC32C.checksum(a + b))
        // Masking: rotate right 15 and add the TFRecord delta.
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_8000) == 0xA282_EAD9)
    }

    @Test func varints() {
        #expect(TensorBoardWriter.varint(0) == [0])
        #expect(TensorBoardWriter.varint(300) == [0xAC, 0x02])
        #expect(TensorBoardWriter.varint(UInt64(bitPattern: -1)).count == 10)
    }

    @Test func eventFileMatchesTensorBoardBytes() throws {
        let scratch = try ScratchDirectory("tb")
        defer { scratch.cleanup() }
        let writer = try TensorBoardWriter(directory: scratch.url, wallTime: 1_700_000_000.5, host: "test")
        try writer.add(orderedScalars: [("train/reward", 0.5), ("train/kl", 0.001)], step: 1, wallTime: 1_700_000_001.25)
        try writer.add(scalars: ["train/loss": -0.125], step: 300, wallTime: 1_700_000_002.0)
        try writer.flush()
        #expect(writer.url.lastPathComponent == "events.out.tfevents.1700000000.test")
        let written = try Data(contentsOf: writer.url)
        let reference = try Data(contentsOf: TrainingFixtures.url("reference.tfevents"))
        #expect(written == reference)
    }
}
