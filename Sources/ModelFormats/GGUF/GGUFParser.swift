// GGUFParser: a bounds-checked cursor over a mapped GGUF file that decodes the header, metadata and
// tensor infos into typed values, throwing GGUFError for anything malformed. Internal to GGUFFile.

/// Reads little-endian GGUF primitives from a ``MappedFile``; every read is checked against the file size.
struct GGUFParser {
    let file: MappedFile
    let fileName: String
    var offset: Int

    init(file: MappedFile, fileName: String) {
        self.file = file
        self.fileName = fileName
        self.offset = 0
    }

    var remaining: Int { file.count - offset }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ context: @autoclosure () -> String) throws(GGUFError) -> T {
        guard let value = file.load(T.self, at: offset) else {
            throw .truncated(file: fileName, context: context(), offset: offset, needed: MemoryLayout<T>.size, fileSize: file.count)
        }
        offset += MemoryLayout<T>.size
        return value
    }

    /// Reads a `gguf_string`: uint64 byte length, then that many UTF-8 bytes (no terminator).
    mutating func readString(_ context: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try read(UInt64.self, "length of \(context())")
        guard length <= UInt64(remaining) else {
            throw .truncated(file: fileName, context: context(), offset: offset,
                             needed: Int(clamping: length), fileSize: file.count)
        }
        let count = Int(length)
        guard let bytes = file.slice(offset: offset, count: count) else {
            throw .truncated(file: fileName, context: context(), offset: offset, needed: count, fileSize: file.count)
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .invalidString(file: fileName, context: context(), offset: offset)
        }
        offset += count
        return string
    }

    /// Reads a count and checks that `count * minimumSize` bytes remain, so a corrupt count cannot
    /// trigger a huge allocation or a long loop.
    mutating func readCount(_ what: String, minimumSize: Int) throws(GGUFError) -> Int {
        let count = try read(UInt64.self, what)
        let limit = UInt64(max(0, remaining) / max(1, minimumSize))
        guard count <= limit else { throw .countTooLarge(file: fileName, what: what, count: count, limit: limit) }
        return Int(count)
    }

    mutating func readValueType(key: String) throws(GGUFError) -> GGUFValueType {
        let raw = try read(UInt32.self, "value type of key '\(key)'")
        guard let type = GGUFValueType(rawValue: raw) else { throw .unknownValueType(file: fileName, key: key, rawType: raw) }
        return type
    }

    /// Reads one value of `type` for metadata key `key`.
    mutating func readValue(_ type: GGUFValueType, key: String, inArray: Bool = false) throws(GGUFError) -> GGUFValue {
        // Built only when an error is thrown: arrays hold up to ~10^5 elements.
        func context() -> String { inArray ? "array element of key '\(key)'" : "value of key '\(key)'" }
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, context()))
        case .int8: return .int8(try read(Int8.self, context()))
        case .uint16: return .uint16(try read(UInt16.self, context()))
        case .int16: return .int16(try read(Int16.self, context()))
        case .uint32: return .uint32(try read(UInt32.self, context()))
        case .int32: return .int32(try read(Int32.self, context()))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, context())))
        case .bool:
            let byte = try read(UInt8.self, context())
            guard byte <= 1 else {
                throw .typeMismatch(file: fileName, key: key, expected: "bool byte 0 or 1", found: "byte \(byte)")
            }
            return .bool(byte == 1)
        case .string: return .string(try readString(context()))
        case .uint64: return .uint64(try read(UInt64.self, context()))
        case .int64: return .int64(try read(Int64.self, context()))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, context())))
        case .array:
            guard !inArray else { throw .nestedArray(file: fileName, key: key) }
            let elementType = try readValueType(key: key)
            guard elementType != .array else { throw .nestedArray(file: fileName, key: key) }
            let count = try readCount("element count of array '\(key)'", minimumSize: elementType.fixedSize ?? 8)
            var elements = [GGUFValue]()
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readValue(elementType, key: key, inArray: true)) }
            return .array(elementType: elementType, elements: elements)
        }
    }
}
