// SandboxLimits and ProcessSandbox.Configuration: validation messages, defaults, and Codable keys.

import Foundation
import Testing
@testable import Sandbox

@Suite struct SandboxLimitsTests {
    @Test func defaultsAreValid() throws {
        try SandboxLimits.default.validate()
        try ProcessSandbox.Configuration().validate()
        #expect(SandboxLimits.default.cpuSeconds == 5)
    }

    @Test(arguments: [
        (SandboxLimits(wallTime: .nan), "SandboxLimits.wallTime = nan is invalid: must be a number of seconds in (0, 86400]. Fix the value in the sandbox limits."),
        (SandboxLimits(cpuTime: 0), "SandboxLimits.cpuTime = 0.0 is invalid: must be a number of seconds in (0, 86400]. Fix the value in the sandbox limits."),
        (SandboxLimits(memoryBytes: 1 << 20), "SandboxLimits.memoryBytes = 1048576 is invalid: must be at least 67108864 (64 MiB): the interpreter cannot start with less. Fix the value in the sandbox limits."),
        (SandboxLimits(fileSizeBytes: 10), "SandboxLimits.fileSizeBytes = 10 is invalid: must be at least 4096: the program text itself is written to a file in the sandbox. Fix the value in the sandbox limits."),
        (SandboxLimits(processCount: 2), "SandboxLimits.processCount = 2 is invalid: must be at least 4: the sandbox needs 3 processes before the program starts. Fix the value in the sandbox limits."),
        (SandboxLimits(openFiles: 3), "SandboxLimits.openFiles = 3 is invalid: must be at least 16. Fix the value in the sandbox limits."),
        (SandboxLimits(outputBytes: 0), "SandboxLimits.outputBytes = 0 is invalid: must be positive. Fix the value in the sandbox limits."),
        (SandboxLimits(scratchBytes: 1000), "SandboxLimits.scratchBytes = 1000 is invalid: must be at least 1 MiB. Fix the value in the sandbox limits."),
    ])
    func invalidLimitsAreRejectedWithTheRule(limits: SandboxLimits, message: String) {
        #expect {
            try limits.validate()
        } throws: { error in
            (error as? SandboxError)?.description == message
        }
    }

    @Test func cpuTimeIsRoundedUpToWholeSeconds() {
        #expect(SandboxLimits(cpuTime: 0.2).cpuSeconds == 1)
        #expect(SandboxLimits(cpuTime: 2.5).cpuSeconds == 3)
        #expect(SandboxLimits(cpuTime: 3).cpuSeconds == 3)
    }

    @Test func limitsDecodeFromSnakeCaseWithDefaultsForMissingKeys() throws {
        let json = #"{"wall_time": 3, "memory_bytes": 134217728, "output_bytes": 4096}"#
        let limits = try JSONDecoder().decode(SandboxLimits.self, from: Data(json.utf8))
        #expect(limits == SandboxLimits(wallTime: 3, memoryBytes: 128 << 20, outputBytes: 4096))
        let roundTrip = try JSONDecoder().decode(SandboxLimits.self, from: JSONEncoder().encode(limits))
        #expect(roundTrip == limits)
    }

    @Test func configurationDecodesWithDefaults() throws {
        let json = #"{"isolation": "unshare", "max_concurrency": 4, "hidden_paths": ["/srv"]}"#
        let configuration = try JSONDecoder().decode(ProcessSandbox.Configuration.self, from: Data(json.utf8))
        #expect(configuration == ProcessSandbox.Configuration(isolation: .unshare, maxConcurrency: 4, hiddenPaths: ["/srv"]))
    }

    @Test(arguments: [
        (ProcessSandbox.Configuration(maxConcurrency: 0), "ProcessSandbox.Configuration.maxConcurrency = 0 is invalid: must be in 1...256."),
        (ProcessSandbox.Configuration(interpreterPath: "python3"), "ProcessSandbox.Configuration.interpreterPath = python3 is invalid: must be an absolute path such as /usr/bin/python3."),
        (ProcessSandbox.Configuration(bubblewrapPath: "bwrap"), "ProcessSandbox.Configuration.bubblewrapPath = bwrap is invalid: must be an absolute path."),
        (ProcessSandbox.Configuration(sandboxUserIDBase: 0), "ProcessSandbox.Configuration.sandboxUserIDBase = 0 is invalid: must be at least 1000 (not a system account) and at most 3999998976 (1024 ids are leased above it)."),
        (ProcessSandbox.Configuration(hiddenPaths: ["/"]), "ProcessSandbox.Configuration.hiddenPaths = / is invalid: each entry must be an absolute directory other than / without '..'."),
        (ProcessSandbox.Configuration(environment: ["A=B": "1"]), "ProcessSandbox.Configuration.environment = A=B is invalid: keys must be non-empty and contain neither '=' nor NUL."),
    ])
    func invalidConfigurationIsRejected(configuration: ProcessSandbox.Configuration, message: String) {
        #expect {
            _ = try ProcessSandbox(configuration: configuration)
        } throws: { error in
            (error as? SandboxError)?.description == message
        }
    }
}
