// Decoded text for the pre-tokenizer scanners: scalars, their regex classes and byte offsets.
// Not a general Unicode library: it knows exactly the classes the supported split regexes use.

/// The class of a Unicode scalar as the split regexes see it (`\p{L}`, `\p{N}`, `\s`, anything else).
enum ScalarClass {
    /// Neither a letter, a number nor whitespace (`[^\s\p{L}\p{N}]`).
    static let other: UInt8 = 0
    /// `\p{L}`: general categories Lu, Ll, Lt, Lm, Lo.
    static let letter: UInt8 = 1
    /// `\p{N}`: general categories Nd, Nl, No.
    static let number: UInt8 = 2
    /// `\s` in Oniguruma's Unicode mode: the White_Space property.
    static let space: UInt8 = 3

    /// Classes of the Basic Multilingual Plane, computed once (64 KiB) so the scanners avoid
    /// property look-ups in the hot loop.
    static let bmp: [UInt8] = {
        var table = [UInt8](repeating: other, count: 0x10000)
        for value in 0..<0x10000 {
            if let scalar = Unicode.Scalar(UInt32(value)) { table[value] = slowClassify(scalar) }
        }
        return table
    }()

    /// The class of `value`, a valid scalar value.
    @inline(__always)
    static func classify(_ value: UInt32) -> UInt8 {
        if value < 0x10000 { return bmp[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return other }
        return slowClassify(scalar)
    }

    static func slowClassify(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return number
        default:
            return properties.isWhitespace ? space : other
        }
    }
}

/// A UTF-8 segment decoded into parallel arrays: scalar values, their ``ScalarClass`` and the byte
/// offset where each scalar starts (`byteOffsets` has one extra entry: the end offset).
struct ScalarText {
    var scalars: [UInt32] = []
    var classes: [UInt8] = []
    var byteOffsets: [Int32] = []

    var count: Int { scalars.count }

    /// Decodes `bytes`, which must be valid UTF-8 (they come from a Swift `String`).
    /// - Parameter bytes: the UTF-8 of the text segment; offsets are relative to its start.
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>) {
        let capacity = bytes.count
        var decoded = 0
        ScalarClass.bmp.withUnsafeBufferPointer { table in
            scalars = [UInt32](unsafeUninitializedCapacity: capacity) { scalarBuffer, scalarCount in
                classes = [UInt8](unsafeUninitializedCapacity: capacity) { classBuffer, classCount in
                    byteOffsets = [Int32](unsafeUninitializedCapacity: capacity + 1) { offsetBuffer, offsetCount in
                        var index = 0
                        var n = 0
                        let end = bytes.count
                        while index < end {
                            let lead = bytes[index]
                            var value: UInt32
                            var length: Int
                            if lead < 0x80 {
                                value = UInt32(lead); length = 1
                            } else if lead < 0xE0 {
                                value = UInt32(lead & 0x1F); length = 2
                            } else if lead < 0xF0 {
                                value = UInt32(lead & 0x0F); length = 3
                            } else {
                                value = UInt32(lead & 0x07); length = 4
                            }
                            if index + length > end { length = end - index }
                            var k = 1
                            while k < length {
                                value = (value << 6) | UInt32(bytes[index + k] & 0x3F)
                                k += 1
                            }
                            scalarBuffer[n] = value
                            classBuffer[n] = value < 0x10000 ? table[Int(value)] : ScalarClass.classify(value)
                            offsetBuffer[n] = Int32(index)
                            n += 1
                            index += length
                        }
                        offsetBuffer[n] = Int32(end)
                        decoded = n
                        offsetCount = n + 1
                    }
                    classCount = decoded
                }
                scalarCount = decoded
            }
        }
    }
}
