// SafetensorsHeader: decodes and checks the JSON header of a safetensors file (structure, dtypes, shapes,
// offset pairs). Contiguity and size checks against the data section are done by SafetensorsFile.

import Foundation

/// The decoded header: metadata plus tensor entries sorted by data offset.
struct SafetensorsHeader {
    var metadata: [String: String]
    var tensors: [SafetensorsTensorInfo]

    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(SafetensorsError) -> SafetensorsHeader {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .invalidHeader(file: file, reason: "the header is not valid UTF-8")
        }
        guard bytes.first == UInt8(ascii: "{") else {
            throw .invalidHeader(file: file, reason: "the header must start with '{'")
        }
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.describe(error, file: file)
        } catch {
            throw .invalidHeader(file: file, reason: "\(error)")
        }
        var tensors = [SafetensorsTensorInfo]()
        tensors.reserveCapacity(raw.entries.count)
        for (name, entry) in raw.entries {
            guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
                throw .unknownDType(file: file, tensor: name, dtype: entry.dtype)
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidTensorEntry(file: file, tensor: name, reason: "shape \(entry.shape) has a negative dimension")
            }
            var count = 1
            for dimension in entry.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else {
                    throw .invalidTensorEntry(file: file, tensor: name, reason: "shape \(entry.shape) element count overflows")
                }
                count = product
            }
            guard entry.dataOffsets.count == 2 else {
                throw .invalidTensorEntry(file: file, tensor: name,
                                          reason: "data_offsets must be [begin, end], got \(entry.dataOffsets)")
            }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard begin >= 0, end >= begin else {
                throw .invalidOffsets(file: file, tensor: name, begin: begin, end: end, expectedBegin: max(0, begin))
            }
            tensors.append(SafetensorsTensorInfo(name: name, dtype: dtype, shape: entry.shape, dataOffsets: begin..<end))
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        return SafetensorsHeader(metadata: raw.metadata, tensors: tensors)
    }

    private static func describe(_ error: DecodingError, file: String) -> SafetensorsError {
        let context: DecodingError.Context
        var detail = ""
        switch error {
        case let .typeMismatch(_, c): context = c
        case let .valueNotFound(_, c): context = c
        case let .keyNotFound(key, c): context = c; detail = "missing field '\(key.stringValue)'"
        case let .dataCorrupted(c): context = c
        @unknown default: return .invalidHeader(file: file, reason: "\(error)")
        }
        let reason = detail.isEmpty ? context.debugDescription : detail
        guard let first = context.codingPath.first else { return .invalidHeader(file: file, reason: reason) }
        let path = context.codingPath.dropFirst().map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        let location = path.isEmpty ? "" : " at '\(path)'"
        if first.stringValue == "__metadata__" {
            return .invalidHeader(file: file, reason: "__metadata__ must map strings to strings\(location): \(reason)")
        }
        return .invalidTensorEntry(file: file, tensor: first.stringValue, reason: "\(reason)\(location)")
    }
}

/// The JSON shape of the header before validation.
private struct RawHeader: Decodable {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]
        enum CodingKeys: String, CodingKey { case dtype, shape, dataOffsets = "data_offsets" }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var metadata: [String: String] = [:]
    var entries: [(String, Entry)] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
            }
        }
    }
}
