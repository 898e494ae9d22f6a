import ArgumentParser

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
}
