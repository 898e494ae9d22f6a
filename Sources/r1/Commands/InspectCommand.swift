// `r1 inspect`: a GGUF or safetensors file's header — format, metadata (long arrays summarised) and tensor
// table — read without touching tensor data (ModelFileDescription).
import ArgumentParser
import Foundation
import ModelFormats

/// Prints a model file's metadata and tensors.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a GGUF or safetensors file's metadata and tensor table.",
        discussion: """
        Only the header is read. Arrays longer than 8 elements (e.g. the vocabulary) show their first \
        elements and their length, and only the first \(InspectCommand.shownTensors) tensors are listed; \
        --all shows everything.
        """)

    /// Tensors listed without `--all`.
    static let shownTensors = 24

    @Argument(help: ArgumentHelp("A .gguf or .safetensors file.", valueName: "path"))
    var path: String

    @Flag(help: "Print the description as JSON (all tensors).")
    var json = false

    @Flag(help: "Show whole arrays and every tensor.")
    var all = false

    /// Reads the file's header.
    /// - Returns: the description.
    /// - Throws: `GGUFError` or `SafetensorsError`.
    func describe() throws -> ModelFileDescription {
        try ModelFileDescription.describe(url: URL(fileURLWithPath: path), maximumArrayElements: all ? Int.max : 8)
    }

    /// The text `run()` prints.
    /// - Returns: the header as text, or JSON.
    /// - Throws: as `describe()`.
    func output() throws -> String {
        let d = try describe()
        if json { return try JSONOutput.encode(d) }
        var lines: [String] = []
        var header = "\(d.path): \(d.format.rawValue)"
        if let version = d.version { header += " v\(version)" }
        if let alignment = d.alignment { header += ", alignment \(alignment)" }
        header += ", \(Self.bytes(d.fileSize)), \(d.tensors.count) tensors, \(Self.count(d.parameterCount)) parameters "
            + "(\(Self.bytes(d.tensorByteCount)) of tensor data)"
        lines.append(header)
        lines.append("")
        lines.append("metadata (\(d.metadata.count)):")
        let keyWidth = min(48, d.metadata.map(\.key.count).max() ?? 0)
        for entry in d.metadata {
            lines.append("  " + entry.key.padding(toLength: max(keyWidth, entry.key.count), withPad: " ", startingAt: 0)
                         + "  " + "[\(entry.type)]" + " " + entry.value)
        }
        lines.append("")
        lines.append("tensors (\(d.tensors.count)):")
        let shown = all ? d.tensors[...] : d.tensors.prefix(Self.shownTensors)
        let nameWidth = min(56, shown.map(\.name.count).max() ?? 0)
        for t in shown {
            lines.append("  " + t.name.padding(toLength: max(nameWidth, t.name.count), withPad: " ", startingAt: 0)
                         + "  " + t.type.padding(toLength: 6, withPad: " ", startingAt: 0)
                         + "  " + ("[" + t.shape.map(String.init).joined(separator: ", ") + "]").padding(toLength: 16, withPad: " ", startingAt: 0)
                         + "  " + Self.bytes(t.byteCount))
        }
        if shown.count < d.tensors.count {
            lines.append("  … \(d.tensors.count - shown.count) more (--all lists every tensor)")
        }
        return lines.joined(separator: "\n")
    }

    /// A byte count in B/KiB/MiB/GiB.
    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// A count with a K/M/B suffix.
    static func count(_ n: Int) -> String {
        switch n {
        case ..<10_000: return "\(n)"
        case ..<10_000_000: return String(format: "%.1fK", Double(n) / 1e3)
        case ..<10_000_000_000: return String(format: "%.1fM", Double(n) / 1e6)
        default: return String(format: "%.2fB", Double(n) / 1e9)
        }
    }

    func run() throws {
        print(try output())
    }
}
