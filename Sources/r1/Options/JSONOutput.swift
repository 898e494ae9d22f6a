// JSONOutput: one place that turns a command's Encodable result into the text `--json` prints.
import Foundation

/// Encodes command results as JSON text.
enum JSONOutput {
    /// Encodes a value with sorted keys and unescaped slashes.
    /// - Parameters:
    ///   - value: the value.
    ///   - pretty: indent (for single objects a human may read); JSON Lines output passes false.
    /// - Returns: UTF-8 JSON text.
    /// - Throws: an `EncodingError` (non-finite floats are encoded as strings, so not expected).
    static func encode(_ value: some Encodable, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
