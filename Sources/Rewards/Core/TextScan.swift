// TextScan.swift — byte-level search helpers for ASCII tags in UTF-8 text (fast, allocation-light).
// Searching UTF-8 bytes for an ASCII needle finds exactly the code-point matches Python's str methods find.

/// Byte-level helpers over UTF-8 text used by the format and extraction rewards.
enum TextScan {
    /// First index ≥ `from` where `needle` starts in `hay`, or nil.
    static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from: Int = 0, before end: Int? = nil) -> Int? {
        let limit = (end ?? hay.count) - needle.count
        guard !needle.isEmpty, from <= limit else { return nil }
        let first = needle[0]
        var i = from
        while i <= limit {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Last index where `needle` starts in `hay`, or nil.
    static func findLast(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            var j = 0
            while j < needle.count && hay[i + j] == needle[j] { j += 1 }
            if j == needle.count { return i }
            i -= 1
        }
        return nil
    }

    /// Number of non-overlapping occurrences (Python `str.count`).
    static func count(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        var i = 0
        while let k = find(needle, in: hay, from: i) {
            n += 1
            i = k + needle.count
        }
        return n
    }

    /// Whether `hay[at...]` starts with `needle`.
    static func hasPrefix(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, at: Int = 0) -> Bool {
        guard at >= 0, at + needle.count <= hay.count else { return false }
        for j in 0..<needle.count where hay[at + j] != needle[j] { return false }
        return true
    }

    /// Python `\s` restricted to ASCII: space, \t, \n, \r, \f, \v.
    static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Runs `body` over the UTF-8 bytes of `text` (contiguous copy only when needed).
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var s = text
        return s.withUTF8 { body($0) }
    }

    /// Decodes `bytes[range]` as a String.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// Extraction of the `<think>` and `<answer>` sections of an R1-style completion.
public enum ThinkAnswer {
    static let thinkOpen = Array("<think>".utf8)
    static let thinkClose = Array("</think>".utf8)
    static let answerOpen = Array("<answer>".utf8)
    static let answerClose = Array("</answer>".utf8)

    /// The reasoning text: between the first `<think>` and the first `</think>` after it.
    /// If the completion has no `<think>` but has a `</think>` (the chat template prefilled `<think>`),
    /// the text before `</think>` is the reasoning.
    /// - Parameter text: the completion.
    /// - Returns: the reasoning text, or nil when there is no closed think block.
    public static func thinking(in text: String) -> String? {
        TextScan.withBytes(text) { b in
            if let open = TextScan.find(thinkOpen, in: b) {
                let start = open + thinkOpen.count
                guard let close = TextScan.find(thinkClose, in: b, from: start) else { return nil }
                return TextScan.string(b, start..<close)
            }
            guard let close = TextScan.find(thinkClose, in: b) else { return nil }
            return TextScan.string(b, 0..<close)
        }
    }

    /// The content of the last `<answer>…</answer>` block (TinyZero takes the last one), trimmed of
    /// surrounding whitespace.
    /// - Parameter text: the completion.
    /// - Returns: the answer text, or nil when there is no closed answer block.
    public static func answer(in text: String) -> String? {
        TextScan.withBytes(text) { b in
            guard let close = TextScan.findLast(answerClose, in: b) else { return nil }
            // Last <answer> before that close.
            var open: Int? = nil
            var i = 0
            while let k = TextScan.find(answerOpen, in: b, from: i, before: close) {
                open = k
                i = k + 1
            }
            guard let o = open else { return nil }
            return TextScan.string(b, (o + answerOpen.count)..<close).trimmingASCIIWhitespace()
        }
    }

    /// Text after the first `</think>` (the "final answer" part of a reasoning completion), or nil if the
    /// reasoning never closed.
    /// - Parameter text: the completion.
    /// - Returns: the text after `</think>`.
    public static func afterThinking(in text: String) -> String? {
        TextScan.withBytes(text) { b in
            guard let close = TextScan.find(thinkClose, in: b) else { return nil }
            return TextScan.string(b, (close + thinkClose.count)..<b.count)
        }
    }
}

extension String {
    /// Drops leading and trailing ASCII whitespace.
    func trimmingASCIIWhitespace() -> String {
        let u = Array(utf8)
        var lo = 0, hi = u.count
        while lo < hi && TextScan.isASCIIWhitespace(u[lo]) { lo += 1 }
        while hi > lo && TextScan.isASCIIWhitespace(u[hi - 1]) { hi -= 1 }
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }
}
