import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The `r1` command-line tool: train, sample, score and inspect reasoning models.
@main
struct R1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "r1",
        abstract: "SwiftR1: reasoning models through GRPO with verifiable rewards.",
        subcommands: [ZeroCommand.self, GRPOCommand.self, BenchGRPOCommand.self,
                      GenerateCommand.self, TokenizeCommand.self, InspectCommand.self, LogprobsCommand.self,
                      RewardCommand.self, VerifyCommand.self, EvalCommand.self]
            + sftCommands + loraCommands + distillationCommands + exportCommands + benchmarkCommands + pipelineCommands
    )

    /// Line-buffers standard output, so progress reaches a pipe or log (e.g. a stage of `r1 pipeline`) as it happens.
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        main(nil)
    }
}
