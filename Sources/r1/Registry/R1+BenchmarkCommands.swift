import ArgumentParser

extension R1 {
    /// Subcommands for r1 bench; listed here so each area registers its commands in its own file.
    static let benchmarkCommands: [any ParsableCommand.Type] = [BenchCommand.self]
}
