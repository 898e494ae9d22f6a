// Hand-written scanners equivalent to the supported split regexes (see SplitPattern).
// Each emits, for one piece, the consecutive matches the regex finds from left to right; the
// comments map every branch to the regex alternative it stands for. Not a general regex engine.

/// Scanners over a ``ScalarText`` range; output ranges are scalar indices.
enum SplitScanner {
    @inline(__always) private static func isNewline(_ v: UInt32) -> Bool { v == 0x0A || v == 0x0D }

    /// End of the run of scalars of class `cls` starting at `start` (exclusive), bounded by `end`.
    @inline(__always)
    private static func run(_ classes: UnsafeBufferPointer<UInt8>, _ cls: UInt8, from start: Int, to end: Int) -> Int {
        var j = start
        while j < end && classes[j] == cls { j += 1 }
        return j
    }

    /// Length (1 or 2 scalars after the apostrophe) of a contraction `'s 't 're 've 'm 'll 'd` at `i`, else 0.
    /// - Parameter caseInsensitive: `(?i:...)` as in the Llama-3/Qwen2 patterns (`ſ` folds to `s`).
    @inline(__always)
    private static func contraction(
        _ s: UnsafeBufferPointer<UInt32>, at i: Int, end: Int, caseInsensitive: Bool
    ) -> Int {
        guard i < end else { return 0 }
        func lower(_ v: UInt32) -> UInt32 {
            guard caseInsensitive else { return v }
            if v >= 0x41 && v <= 0x5A { return v + 0x20 }
            if v == 0x17F { return 0x73 }  // LATIN SMALL LETTER LONG S case-folds to 's'
            return v
        }
        let a = lower(s[i])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return 1  // s t m d
        case 0x72, 0x76:  // r v → needs e
            return i + 1 < end && lower(s[i + 1]) == 0x65 ? 2 : 0
        case 0x6C:  // l → needs l
            return i + 1 < end && lower(s[i + 1]) == 0x6C ? 2 : 0
        default: return 0
        }
    }

    /// Length of the `\s+(?!\S)|\s+` match for a whitespace run starting at `i` that ends at `runEnd`.
    /// The greedy run backs off one scalar when a non-space follows, so the last space can join the next word.
    @inline(__always)
    private static func whitespaceEnd(start i: Int, runEnd k: Int, end: Int) -> Int {
        if k == end { return k }  // \s+(?!\S) at end of piece
        if k - i >= 2 { return k - 1 }  // \s+(?!\S) after backing off one
        return k  // \s+ (a single space before a non-space)
    }

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    static func gpt2(_ text: ScalarText, _ piece: Range<Int>, into out: inout [Range<Int>]) {
        text.scalars.withUnsafeBufferPointer { s in
            text.classes.withUnsafeBufferPointer { c in
                let end = piece.upperBound
                var i = piece.lowerBound
                while i < end {
                    let v = s[i], cls = c[i]
                    var j: Int
                    if v == 0x27, case let n = contraction(s, at: i + 1, end: end, caseInsensitive: false), n > 0 {
                        j = i + 1 + n
                    } else if cls != ScalarClass.space {
                        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+` without the optional space
                        j = run(c, cls, from: i + 1, to: end)
                    } else if v == 0x20 && i + 1 < end && c[i + 1] != ScalarClass.space {
                        // the same three alternatives with the optional leading space
                        j = run(c, c[i + 1], from: i + 2, to: end)
                    } else {
                        j = whitespaceEnd(start: i, runEnd: run(c, ScalarClass.space, from: i + 1, to: end), end: end)
                    }
                    out.append(i..<j)
                    i = j
                }
            }
        }
    }

    /// Llama-3 (`maxDigits` 3) and Qwen2 (`maxDigits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    static func llama(_ text: ScalarText, _ piece: Range<Int>, maxDigits: Int, into out: inout [Range<Int>]) {
        text.scalars.withUnsafeBufferPointer { s in
            text.classes.withUnsafeBufferPointer { c in
                let end = piece.upperBound
                var i = piece.lowerBound
                while i < end {
                    let v = s[i], cls = c[i]
                    var j: Int
                    if v == 0x27, case let n = contraction(s, at: i + 1, end: end, caseInsensitive: true), n > 0 {
                        j = i + 1 + n
                    } else if cls == ScalarClass.letter {
                        j = run(c, ScalarClass.letter, from: i + 1, to: end)  // \p{L}+
                    } else if cls != ScalarClass.number && !isNewline(v) && i + 1 < end && c[i + 1] == ScalarClass.letter {
                        j = run(c, ScalarClass.letter, from: i + 2, to: end)  // [^\r\n\p{L}\p{N}]\p{L}+
                    } else if cls == ScalarClass.number {
                        j = i + 1  // \p{N}{1,maxDigits}
                        while j < end && j - i < maxDigits && c[j] == ScalarClass.number { j += 1 }
                    } else if cls == ScalarClass.other || (v == 0x20 && i + 1 < end && c[i + 1] == ScalarClass.other) {
                        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
                        j = run(c, ScalarClass.other, from: cls == ScalarClass.other ? i + 1 : i + 2, to: end)
                        while j < end && isNewline(s[j]) { j += 1 }
                    } else {
                        let k = run(c, ScalarClass.space, from: i + 1, to: end)
                        var lastNewline = -1
                        var m = k - 1
                        while m >= i {
                            if isNewline(s[m]) { lastNewline = m; break }
                            m -= 1
                        }
                        if lastNewline >= 0 {
                            j = lastNewline + 1  // \s*[\r\n]+ : greedy \s* backs off to the last newline
                        } else {
                            j = whitespaceEnd(start: i, runEnd: k, end: end)
                        }
                    }
                    out.append(i..<j)
                    i = j
                }
            }
        }
    }

    /// Hugging Face `Digits`: numbers (`\p{N}`) isolated; one piece per digit when `individual`.
    static func digits(_ text: ScalarText, _ piece: Range<Int>, individual: Bool, into out: inout [Range<Int>]) {
        text.classes.withUnsafeBufferPointer { c in
            let end = piece.upperBound
            var i = piece.lowerBound
            while i < end {
                var j = i + 1
                if c[i] == ScalarClass.number {
                    if !individual { while j < end && c[j] == ScalarClass.number { j += 1 } }
                } else {
                    while j < end && c[j] != ScalarClass.number { j += 1 }
                }
                out.append(i..<j)
                i = j
            }
        }
    }
}
