// ModelFileDescription tests: format detection, metadata summaries with abbreviated arrays, tensor tables, JSON.
import Foundation
import Testing
@testable import ModelFormats

@Suite struct ModelFileDescriptionTests {
    @Test func describesGGUF() throws {
        let description = try ModelFileDescription.describe(url: Fixtures.quantGGUF, maximumArrayElements: 2)
        #expect(description.format == .gguf)
        #expect(description.version == 3 && description.alignment == 32)
        #expect(description.fileSize == 7360)
        let strings = try #require(description.metadata.first { $0.key == "test.strings" })
        #expect(strings.type == "array of string")
        #expect(strings.value == #"["a", "", … (4 total)]"#)
        #expect(description.metadata.first { $0.key == "test.string" }?.value == #""héllo\nwörld""#)
        #expect(description.metadata.first { $0.key == "test.uint64" }?.value == "9223372036854775813")
        #expect(description.metadata.first { $0.key == "test.bool" }?.value == "true")
        #expect(description.tensors.count == 9)
        let q4k = try #require(description.tensors.first { $0.name == "q4_k" })
        #expect(q4k == .init(name: "q4_k", type: "Q4_K", shape: [256, 2], elementCount: 512, byteCount: 288))
        #expect(description.parameterCount == 9 * 512)
    }

    @Test func describesSafetensorsAndEncodesJSON() throws {
        let url = Fixtures.directory.appendingPathComponent("reference.safetensors")
        let description = try ModelFileDescription.describe(url: url)
        #expect(description.format == .safetensors)
        #expect(description.version == nil)
        #expect(description.metadata == [.init(key: "format", type: "string", value: "pt")])
        #expect(description.tensors.map(\.name) == ["w.f32", "w.scalar", "w.i32", "w.bf16", "w.f16"])
        #expect(description.tensorByteCount == 94)
        let decoded = try JSONDecoder().decode(ModelFileDescription.self, from: JSONEncoder().encode(description))
        #expect(decoded == description)
    }

    @Test func rejectsOtherFiles() throws {
        let url = try writeTemporaryFile(Array("hello, not a model".utf8), name: "x.txt")
        #expect(throws: SafetensorsError.self) { try ModelFileDescription.describe(url: url) }
    }
}
