import ArgumentParser

extension R1 {
    /// Subcommands for r1 export; listed here so each area registers its commands in its own file.
    static let exportCommands: [any ParsableCommand.Type] = [ExportCommand.self]
}
