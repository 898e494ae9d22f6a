// The one-call entry point `r1 export` and the pipeline use: options → the right exporter.
import Foundation

/// Exports a model in the format and dtype of validated ``ExportOptions``.
public enum ModelExporter {
    /// Writes `source` to `output` (a folder for `.huggingFace`, a file for `.gguf`).
    ///
    /// ```swift
    /// let source = try ExportableModel.load(model: URL(fileURLWithPath: "smollm2.gguf"))
    /// try ModelExporter.export(source, options: ExportOptions(format: .gguf, dtype: .q8_0), to: URL(fileURLWithPath: "out.gguf"))
    /// ```
    /// - Parameters:
    ///   - source: the model and tokenizer.
    ///   - options: format, dtype and name.
    ///   - output: destination path.
    /// - Returns: the files written.
    /// - Throws: ``ExportError`` and tokenizer errors (see the exporters).
    @discardableResult
    public static func export(_ source: ExportableModel, options: ExportOptions, to output: URL) throws -> [URL] {
        try options.validate()
        switch options.format {
        case .huggingFace:
            return try HuggingFaceExporter.write(source, to: output, dtype: options.dtype)
        case .gguf:
            try GGUFExporter.write(source, to: output, dtype: options.dtype, name: options.name)
            return [output]
        }
    }
}
