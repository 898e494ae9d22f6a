// The GPT-2 byte ↔ unicode table used by byte-level BPE vocabularies. Not a tokenizer by itself.
//
// Follows the `bytes_to_unicode` table of OpenAI's GPT-2 encoder
// (https://github.com/openai/gpt-2/blob/master/src/encoder.py) that Hugging Face `tokenizers`
// reproduces in its ByteLevel pre-tokenizer and decoder: printable Latin-1 bytes map to themselves,
// the remaining 68 bytes map, in byte order, to U+0100, U+0101, ...

/// The reversible mapping between the 256 byte values and the printable characters that spell them in
/// byte-level BPE vocabularies (for example the space byte 0x20 is spelled `Ġ`, U+0120).
public enum ByteLevel {
    /// `byteToScalar[b]` is the character that spells byte `b` in vocabulary pieces.
    public static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The inverse table: the byte a vocabulary character stands for, or `nil` for characters outside the table.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 {
            let byte = Int(value)
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            return printable ? UInt8(byte) : nil
        }
        return scalarToByte[value]
    }

    private static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() where scalar.value >= 256 { map[scalar.value] = UInt8(byte) }
        return map
    }()

    /// Spells raw bytes as a vocabulary piece (`" hi"` → `"Ġhi"`).
    /// - Parameter bytes: any bytes, not necessarily valid UTF-8.
    /// - Returns: the byte-level piece, one character per byte.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(byteToScalar[Int(byte)]) }
        return String(scalars)
    }

    /// The bytes a vocabulary piece stands for, or `nil` when a character is outside the table.
    ///
    /// Hugging Face's ByteLevel decoder falls back to the piece's own UTF-8 bytes in that case
    /// (which is how added tokens such as `<|im_end|>` or `"hé llo"` decode); ``decodedBytes(_:)`` does that.
    /// - Parameter piece: a vocabulary piece such as `"Ġhi"`.
    public static func bytes(of piece: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(piece.unicodeScalars.count)
        for scalar in piece.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            result.append(byte)
        }
        return result
    }

    /// The bytes Hugging Face's ByteLevel decoder emits for one token: the mapped bytes when every
    /// character is in the table, else the piece's UTF-8 encoding.
    /// - Parameter piece: the token's text as stored in the vocabulary.
    public static func decodedBytes(_ piece: String) -> [UInt8] {
        bytes(of: piece) ?? Array(piece.utf8)
    }
}
