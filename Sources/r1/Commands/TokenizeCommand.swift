// `r1 tokenize`: token ids and pieces of a text under a model's tokenizer (GGUF or tokenizer.json), with a
// decode round-trip check. Loads no weights.
import ArgumentParser
import Foundation
import Tokenizers

/// Shows how a tokenizer splits a text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show the token ids and pieces of a text, and check that decoding gives the text back.",
        discussion: """
        The tokenizer comes from --model (a .gguf file's metadata or a Hugging Face directory's tokenizer.json; \
        no weights are loaded) or from --tokenizer tokenizer.json. Special tokens written in the text, such as \
        <|im_start|>, are single tokens. The tokenizer's sequence tokens (e.g. BOS) are added unless --no-special.
        """)

    @Option(help: ArgumentHelp("A .gguf file or Hugging Face directory whose tokenizer to use.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("A tokenizer.json file.", valueName: "file"))
    var tokenizer: String?

    @Argument(help: "The text to tokenize.")
    var text: String

    @Flag(help: "Do not add the tokenizer's sequence special tokens (e.g. BOS).")
    var noSpecial = false

    @Flag(help: "Print ids, pieces and the check as one JSON object.")
    var json = false

    func validate() throws {
        guard (model == nil) != (tokenizer == nil) else {
            throw ValidationError("give exactly one of --model PATH and --tokenizer tokenizer.json")
        }
    }

    /// Loads the tokenizer named by `--model` or `--tokenizer`.
    /// - Returns: the tokenizer.
    /// - Throws: `CLIError`, `GGUFError` or `TokenizerError`.
    func loadTokenizer() throws -> BPETokenizer {
        if let tokenizer { return try BPETokenizer(tokenizerJSON: URL(fileURLWithPath: tokenizer)) }
        return try ModelOptions.loadTokenizer(path: model ?? "")
    }

    /// What `--json` prints.
    struct Result: Encodable, Equatable {
        /// Token ids.
        var ids: [Int32]
        /// Vocabulary pieces (byte-level spelling), one per id.
        var pieces: [String]
        /// Decoded text of each token alone (may be a partial UTF-8 sequence, shown with U+FFFD).
        var texts: [String]
        /// Decoding all ids (special tokens kept).
        var decoded: String
        /// Whether decoding the ids without the added sequence tokens gives the input back.
        var roundTrip: Bool
        /// Vocabulary size V.
        var vocabularySize: Int

        enum CodingKeys: String, CodingKey {
            case ids, pieces, texts, decoded, roundTrip = "round_trip", vocabularySize = "vocabulary_size"
        }
    }

    /// Tokenizes `text`.
    /// - Parameter tokenizer: the tokenizer.
    /// - Returns: ids, pieces and the round-trip check.
    func tokenize(with tokenizer: some Tokenizer) -> Result {
        let ids = tokenizer.encode(text, addSpecialTokens: !noSpecial)
        let plain = tokenizer.encode(text, addSpecialTokens: false)
        return Result(ids: ids, pieces: ids.map { tokenizer.piece(for: $0) ?? "?" },
                      texts: ids.map { tokenizer.decode([$0], skipSpecialTokens: false) },
                      decoded: tokenizer.decode(ids, skipSpecialTokens: false),
                      roundTrip: tokenizer.decode(plain, skipSpecialTokens: false) == text,
                      vocabularySize: tokenizer.vocabularySize)
    }

    /// The text `run()` prints for a given tokenizer.
    /// - Parameter tokenizer: the tokenizer.
    /// - Returns: a table of position, id, piece and text, then the check; or JSON.
    /// - Throws: an encoding error (not expected).
    func output(with tokenizer: some Tokenizer) throws -> String {
        let r = tokenize(with: tokenizer)
        if json { return try JSONOutput.encode(r) }
        var lines = ["\(r.ids.count) tokens (vocabulary \(r.vocabularySize))"]
        let width = String(r.ids.count).count
        for (i, id) in r.ids.enumerated() {
            lines.append(String(i).paddedLeft(width) + "  " + String(id).paddedLeft(6) + "  "
                         + r.pieces[i].debugDescription.padding(toLength: max(16, r.pieces[i].debugDescription.count), withPad: " ", startingAt: 0)
                         + "  " + r.texts[i].debugDescription)
        }
        lines.append("ids: " + r.ids.map(String.init).joined(separator: " "))
        lines.append("decoded: \(r.decoded.debugDescription)")
        lines.append(r.roundTrip ? "round trip: ok (decode(encode(text)) == text)"
                                 : "round trip: MISMATCH (decode(encode(text)) != text; normalisation or unknown bytes)")
        return lines.joined(separator: "\n")
    }

    func run() throws {
        print(try output(with: try loadTokenizer()))
    }
}
