// MappedFile tests: bounds and overflow checks return nil instead of trapping; errors for missing files.
import Foundation
import Testing
@testable import ModelFormats

@Suite struct MappedFileTests {
    @Test func slicesAndLoadsAreBoundsChecked() throws {
        let url = try writeTemporaryFile([1, 2, 3, 4, 5, 6, 7, 8, 9])
        let file = try MappedFile(url: url)
        #expect(file.count == 9)
        #expect(file.load(UInt32.self, at: 0) == 0x0403_0201)
        #expect(file.load(UInt64.self, at: 1) == 0x0908_0706_0504_0302)
        #expect(file.load(UInt64.self, at: 2) == nil)
        #expect(file.slice(offset: 9, count: 0)?.count == 0)
        #expect(file.slice(offset: 9, count: 1) == nil)
        #expect(file.slice(offset: -1, count: 2) == nil)
        #expect(file.slice(offset: 1, count: -1) == nil)
        #expect(file.slice(offset: Int.max, count: Int.max) == nil)
        #expect(file.slice(offset: 2, count: 3).map(Array.init) == [3, 4, 5])
    }

    @Test func emptyFileMapsToNoBytes() throws {
        let file = try MappedFile(url: writeTemporaryFile([]))
        #expect(file.count == 0)
        #expect(file.bytes.isEmpty)
        #expect(file.load(UInt8.self, at: 0) == nil)
        #expect(file.slice(offset: 0, count: 0)?.count == 0)
    }

    @Test func missingFileAndDirectoryThrow() throws {
        #expect(throws: MappedFileError.cannotOpen(path: "/nonexistent/x", reason: "No such file or directory")) {
            try MappedFile(url: URL(fileURLWithPath: "/nonexistent/x"))
        }
        let directory = try temporaryDirectory()
        #expect(throws: MappedFileError.notARegularFile(path: directory.path)) { try MappedFile(url: directory) }
    }
}
