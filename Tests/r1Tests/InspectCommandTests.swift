// `r1 inspect` on tiny GGUF and safetensors files written here with ModelFormats' writers.
import Foundation
import ModelFormats
import Testing
@testable import r1

@Suite struct InspectCommandTests {
    /// A GGUF with a string, a 20-element array and 30 tensors (more than `InspectCommand.shownTensors`).
    static func writeGGUF() throws -> URL {
        var writer = GGUFWriter()
        try writer.setValue(.string("llama"), forKey: "general.architecture")
        try writer.setValue(.array(elementType: .uint32, elements: (0..<20).map { .uint32(UInt32($0)) }), forKey: "test.numbers")
        try writer.addTensor("token_embd.weight", shape: [4, 2], values: [0, 1, 2, 3, 4, 5, 6, 7])
        for i in 0..<29 { try writer.addTensor("blk.\(i).w", shape: [32], values: [Float](repeating: 1, count: 32), type: .q8_0) }
        let url = try CLITestSupport.scratchDirectory().appendingPathComponent("tiny.gguf")
        try writer.write(to: url)
        return url
    }

    @Test func ggufSummary() throws {
        let url = try Self.writeGGUF()
        let text = try InspectCommand.parse([url.path]).output()
        #expect(text.contains(": gguf v3, alignment 32,"))
        #expect(text.contains("30 tensors, 936 parameters"))
        #expect(text.contains("general.architecture  [string] \"llama\""))
        #expect(text.contains("test.numbers          [array of uint32] [0, 1, 2, 3, 4, 5, 6, 7, … (20 total)]"))
        #expect(text.contains("token_embd.weight  F32     [4, 2]            32 B"))
        #expect(text.contains("… 6 more (--all lists every tensor)"))
        #expect(!text.contains("blk.28.w"))
    }

    @Test func allShowsEverything() throws {
        let url = try Self.writeGGUF()
        let text = try InspectCommand.parse([url.path, "--all"]).output()
        #expect(text.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]"))
        #expect(text.contains("blk.28.w"))
        #expect(!text.contains("more (--all"))
    }

    @Test func ggufJSON() throws {
        let url = try Self.writeGGUF()
        let text = try InspectCommand.parse([url.path, "--json"]).output()
        let d = try JSONDecoder().decode(ModelFileDescription.self, from: Data(text.utf8))
        #expect(d.format == .gguf)
        #expect(d.tensors.count == 30)
        #expect(d.tensors[0].shape == [4, 2] && d.tensors[0].byteCount == 32)
        #expect(d.tensors[1].type == "Q8_0" && d.tensors[1].byteCount == 34)
        #expect(d.parameterCount == 8 + 29 * 32)
    }

    @Test func safetensorsSummary() throws {
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        try writer.addTensor("model.embed_tokens.weight", shape: [3, 2], values: [1, 2, 3, 4, 5, 6], dtype: .bf16)
        try writer.addTensor("lm_head.weight", shape: [2], values: [1, 2])
        let url = try CLITestSupport.scratchDirectory().appendingPathComponent("model.safetensors")
        try writer.write(to: url)
        let text = try InspectCommand.parse([url.path]).output()
        #expect(text.contains(": safetensors,"))
        #expect(text.contains("2 tensors, 8 parameters (20 B of tensor data)"))
        #expect(text.contains("format  [string] pt"))
        #expect(text.contains("model.embed_tokens.weight  BF16    [3, 2]            12 B"))
        let d = try JSONDecoder().decode(ModelFileDescription.self, from: Data(try InspectCommand.parse([url.path, "--json"]).output().utf8))
        #expect(d.format == .safetensors && d.tensors.map(\.name).sorted() == ["lm_head.weight", "model.embed_tokens.weight"])
    }

    @Test func notAModelFileIsATypedError() throws {
        let url = try CLITestSupport.scratchDirectory().appendingPathComponent("notes.txt")
        try "hello, not a model".write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try InspectCommand.parse([url.path]).output()
            Issue.record("text file accepted")
        } catch let error as SafetensorsError {
            #expect(error.description.contains("not a model file"))
        }
    }

    @Test func missingFileIsATypedError() throws {
        #expect(throws: GGUFError.self) {
            _ = try InspectCommand.parse(["/nonexistent/model.gguf"]).output()
        }
    }

    @Test(arguments: [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (3 * 1024 * 1024, "3.0 MiB")])
    func byteSizes(bytes: Int, text: String) {
        #expect(InspectCommand.bytes(bytes) == text)
    }
}
