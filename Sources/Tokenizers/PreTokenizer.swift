// Pre-tokenization: splitting a text segment into the pieces BPE encodes independently.
// Not a regex engine: each supported pattern is a hand-written scanner (see SplitPattern.swift)
// that reproduces the regex's matches exactly.

/// A regex split rule, identified by the pattern it reproduces.
public enum SplitPattern: String, Sendable, Equatable, CaseIterable, Codable {
    /// GPT-2's pattern, used by Hugging Face's ByteLevel pre-tokenizer when `use_regex` is true:
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama-3's pattern (numbers in groups of up to three):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3
    /// Qwen2's pattern: Llama-3's with single-digit numbers (`\p{N}` instead of `\p{N}{1,3}`).
    case qwen2

    /// The regex source text, exactly as it appears in `tokenizer.json` files.
    public var regex: String {
        switch self {
        case .gpt2:
            return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        case .llama3:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .qwen2:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }

    /// The pattern whose regex source is `regex`, or `nil` if it is not one of the supported ones.
    public init?(regex: String) {
        guard let match = SplitPattern.allCases.first(where: { $0.regex == regex }) else { return nil }
        self = match
    }
}

/// One stage of a pre-tokenizer; stages run in order, each splitting every piece the previous one produced.
public enum PreTokenizerStep: Sendable, Equatable {
    /// Hugging Face's `Digits` pre-tokenizer: numbers (`\p{N}`) are isolated from the rest, each digit on its
    /// own when `individual` is true, else as runs.
    case digits(individual: Bool)
    /// A regex split with behaviour "Isolated" (matches become pieces); also what ByteLevel does with `use_regex`.
    case split(SplitPattern)
}

/// The pre-tokenizer of a byte-level BPE tokenizer: a sequence of split stages.
///
/// The byte-to-character mapping of Hugging Face's ByteLevel stage is applied by the BPE model itself,
/// so only the splitting is represented here.
///
/// ```swift
/// let pieces = PreTokenizer.smolLM.split("abc 123")   // ["abc", " ", "1", "2", "3"]
/// ```
public struct PreTokenizer: Sendable, Equatable {
    /// The stages, applied in order.
    public var steps: [PreTokenizerStep]
    /// Hugging Face ByteLevel `add_prefix_space`: a space is prepended to a segment that does not start with one.
    public var addPrefixSpace: Bool

    /// Creates a pre-tokenizer from its stages.
    /// - Parameters:
    ///   - steps: the split stages, applied in order.
    ///   - addPrefixSpace: prepend a space to each text segment that does not begin with one.
    public init(steps: [PreTokenizerStep], addPrefixSpace: Bool = false) {
        self.steps = steps
        self.addPrefixSpace = addPrefixSpace
    }

    /// GPT-2's ByteLevel pre-tokenizer (`tokenizer.ggml.pre` "gpt2" and "default").
    public static let gpt2 = PreTokenizer(steps: [.split(.gpt2)])
    /// Llama-3's (`tokenizer.ggml.pre` "llama-bpe").
    public static let llama3 = PreTokenizer(steps: [.split(.llama3)])
    /// Qwen2's (`tokenizer.ggml.pre` "qwen2").
    public static let qwen2 = PreTokenizer(steps: [.split(.qwen2)])
    /// SmolLM/SmolLM2's (`tokenizer.ggml.pre` "smollm"): `Sequence[Digits(individual_digits=true), ByteLevel]`,
    /// so every digit is split off before the GPT-2 regex runs.
    public static let smolLM = PreTokenizer(steps: [.digits(individual: true), .split(.gpt2)])

    /// The GGUF `tokenizer.ggml.pre` names this implementation reproduces.
    public static let ggufNames: [String] = ["default", "gpt2", "llama-bpe", "llama3", "qwen2", "deepseek-r1-qwen", "smollm"]

    /// The pre-tokenizer named by GGUF metadata key `tokenizer.ggml.pre`.
    /// - Parameter ggufName: the value of `tokenizer.ggml.pre` (absent means "default").
    /// - Throws: ``TokenizerError/unsupportedComponent(key:value:source:supported:)`` for other names.
    public init(ggufName: String) throws {
        switch ggufName {
        case "default", "gpt2": self = .gpt2
        case "llama-bpe", "llama3": self = .llama3
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        case "smollm": self = .smolLM
        default:
            throw TokenizerError.unsupportedComponent(
                key: "tokenizer.ggml.pre", value: ggufName, source: "GGUF metadata", supported: PreTokenizer.ggufNames)
        }
    }

    /// Splits `text` into pieces (before the byte mapping), for inspection and tests.
    /// - Parameter text: one segment of text containing no added tokens.
    /// - Returns: the pieces, whose concatenation is `text` (plus a leading space if `addPrefixSpace`).
    public func split(_ text: String) -> [String] {
        var source = text
        if addPrefixSpace && !source.hasPrefix(" ") { source = " " + source }
        var scratch = ScalarText()
        var ranges: [Range<Int>] = []
        var work: [Range<Int>] = []
        return source.withUTF8 { bytes in
            pieceRanges(bytes, scratch: &scratch, into: &ranges, work: &work)
            return ranges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    /// Computes the byte ranges of the pieces of one segment.
    /// - Parameters:
    ///   - bytes: the segment's UTF-8 (valid).
    ///   - scratch: reusable decode buffer.
    ///   - ranges: receives byte ranges relative to `bytes`, in order, covering it exactly.
    ///   - work: reusable scratch for intermediate stages.
    func pieceRanges(
        _ bytes: UnsafeBufferPointer<UInt8>, scratch: inout ScalarText,
        into ranges: inout [Range<Int>], work: inout [Range<Int>]
    ) {
        ranges.removeAll(keepingCapacity: true)
        guard !bytes.isEmpty else { return }
        scratch.load(bytes)
        // Stages work on scalar-index ranges; convert to bytes at the end.
        ranges.append(0..<scratch.count)
        for step in steps {
            swap(&ranges, &work)
            ranges.removeAll(keepingCapacity: true)
            for piece in work {
                switch step {
                case let .digits(individual):
                    SplitScanner.digits(scratch, piece, individual: individual, into: &ranges)
                case .split(.gpt2):
                    SplitScanner.gpt2(scratch, piece, into: &ranges)
                case .split(.llama3):
                    SplitScanner.llama(scratch, piece, maxDigits: 3, into: &ranges)
                case .split(.qwen2):
                    SplitScanner.llama(scratch, piece, maxDigits: 1, into: &ranges)
                }
            }
        }
        for i in ranges.indices {
            let r = ranges[i]
            ranges[i] = Int(scratch.byteOffsets[r.lowerBound])..<Int(scratch.byteOffsets[r.upperBound])
        }
    }
}
