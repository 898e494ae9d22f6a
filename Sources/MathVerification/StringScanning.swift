// StringScanning: byte-level (UTF-8) search and replace used on hot paths of extraction and normalisation.
// Foundation's replacingOccurrences/range(of:) cost microseconds per call through bridging; these helpers
// scan bytes and return the input unchanged (no allocation) when the pattern is absent.

extension String {
    /// Byte offsets of every non-overlapping occurrence of `pattern`, left to right.
    func utf8Occurrences(of pattern: String) -> [Int] {
        var out: [Int] = []
        var this = self
        var pat = pattern
        pat.withUTF8 { p in
            guard let first = p.first else { return }
            this.withUTF8 { s in
                var i = 0
                let n = s.count, m = p.count
                while i + m <= n {
                    if s[i] == first {
                        var k = 1
                        while k < m && s[i + k] == p[k] { k += 1 }
                        if k == m { out.append(i); i += m; continue }
                    }
                    i += 1
                }
            }
        }
        return out
    }

    /// Whether `pattern` occurs (byte comparison).
    func utf8Contains(_ pattern: String) -> Bool {
        var this = self
        var pat = pattern
        return pat.withUTF8 { p -> Bool in
            guard let first = p.first else { return true }
            return this.withUTF8 { s -> Bool in
                let n = s.count, m = p.count
                var i = 0
                while i + m <= n {
                    if s[i] == first {
                        var k = 1
                        while k < m && s[i + k] == p[k] { k += 1 }
                        if k == m { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// Whether every byte is ASCII.
    var isASCIIOnly: Bool { utf8.allSatisfy { $0 < 128 } }

    /// Replaces every occurrence of `pattern` with `replacement` (byte comparison, so no Unicode normalisation).
    func utf8Replacing(_ pattern: String, with replacement: String) -> String {
        let hits = utf8Occurrences(of: pattern)
        if hits.isEmpty { return self }
        var bytes: [UInt8] = []
        let r = Array(replacement.utf8)
        let m = pattern.utf8.count
        var this = self
        this.withUTF8 { s in
            bytes.reserveCapacity(s.count + hits.count * max(0, r.count - m))
            var last = 0
            for h in hits {
                bytes.append(contentsOf: s[last..<h])
                bytes.append(contentsOf: r)
                last = h + m
            }
            bytes.append(contentsOf: s[last..<s.count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The string index of the last occurrence of `pattern`, ASCII case-insensitive; returns its end index.
    func utf8LastEnd(ofCaseInsensitive pattern: String) -> String.Index? {
        let p = Array(pattern.lowercased().utf8)
        guard !p.isEmpty else { return nil }
        var found: Int?
        var this = self
        this.withUTF8 { s in
            let n = s.count, m = p.count
            guard n >= m else { return }
            var i = n - m
            while i >= 0 {
                var k = 0
                while k < m {
                    var b = s[i + k]
                    if b >= 65 && b <= 90 { b += 32 }
                    if b != p[k] { break }
                    k += 1
                }
                if k == m { found = i + m; return }
                i -= 1
            }
        }
        guard let end = found else { return nil }
        return utf8.index(utf8.startIndex, offsetBy: end)
    }
}
