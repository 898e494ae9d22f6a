// StageLauncher.swift — runs one `r1` command of a stage as a child process, its output kept in the stage log.

import Foundation

/// Runs `r1` commands for the pipeline. The real launcher starts a child process; tests substitute their own.
public protocol StageLauncher: Sendable {
    /// Runs `r1 <arguments>`, appending its output to `log`.
    /// - Returns: the exit status (0 = success).
    /// - Throws: when the command cannot be started at all.
    func run(arguments: [String], log: URL) throws -> Int32
}

/// Starts the `r1` executable as a child process per command. Each stage runs in its own process, so a
/// crash or kill in one stage never corrupts the pipeline's own state, and the stage resumes on rerun.
public struct ProcessStageLauncher: StageLauncher {
    /// The `r1` executable.
    public var executable: URL
    /// Also copy the child's output to this process's standard output.
    public var echo: Bool

    /// Creates a launcher.
    public init(executable: URL, echo: Bool = true) {
        self.executable = executable
        self.echo = echo
    }

    /// The running executable (for `r1 pipeline` launching its own stages).
    public static func currentExecutable() -> URL {
        #if os(Linux)
        let link = URL(fileURLWithPath: "/proc/self/exe")
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: link.path) {
            return URL(fileURLWithPath: resolved)
        }
        #endif
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }

    public func run(arguments: [String], log: URL) throws -> Int32 {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let file = try FileHandle(forWritingTo: log)
        defer { try? file.close() }
        file.seekToEndOfFile()
        file.write(Data("$ r1 \(arguments.joined(separator: " "))\n".utf8))
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let echo = self.echo
        let reader = pipe.fileHandleForReading
        try process.run()
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            file.write(chunk)
            if echo { FileHandle.standardOutput.write(chunk) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
