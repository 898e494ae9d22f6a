// Tests for the GPT-2 byte ↔ unicode table.
import Testing
import Tokenizers

@Suite struct ByteLevelTests {
    @Test func tableIsABijectionOntoPrintableCharacters() {
        let scalars = ByteLevel.byteToScalar
        #expect(Set(scalars).count == 256)
        for (byte, scalar) in scalars.enumerated() {
            #expect(ByteLevel.byte(for: scalar) == UInt8(byte))
            #expect(!scalar.properties.isWhitespace)
        }
    }

    @Test func knownSpellings() {
        #expect(ByteLevel.encode(Array(" hi\n".utf8)) == "Ġhi\u{010A}")
        #expect(ByteLevel.byteToScalar[0] == "\u{0100}")
        #expect(ByteLevel.byteToScalar[0x21] == "!")
        #expect(ByteLevel.byteToScalar[0xAD] == "\u{0143}")  // soft hyphen is remapped
    }

    @Test(arguments: [[UInt8](0...255), Array("héllo wörld 🙂\t\n".utf8), [0xFF, 0xFE, 0x80]])
    func bytesRoundTrip(_ bytes: [UInt8]) {
        #expect(ByteLevel.bytes(of: ByteLevel.encode(bytes)) == bytes)
    }

    @Test func piecesOutsideTheTableDecodeAsTheirOwnUTF8() {
        #expect(ByteLevel.bytes(of: "a b") == nil)
        #expect(ByteLevel.decodedBytes("a b") == Array("a b".utf8))
        #expect(ByteLevel.decodedBytes("<|im_end|>") == Array("<|im_end|>".utf8))
    }
}
