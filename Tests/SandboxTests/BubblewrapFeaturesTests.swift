// BubblewrapFeatures: version parsing and which options each bubblewrap release supports.

import Testing
@testable import Sandbox

@Suite struct BubblewrapFeaturesTests {
    @Test func versionIsParsed() {
        #expect(BubblewrapFeatures.parseVersion("bubblewrap 0.8.0\n") == [0, 8, 0])
        #expect(BubblewrapFeatures.parseVersion("bubblewrap 0.11.0-rc1") == [0, 11, 0])
        #expect(BubblewrapFeatures.parseVersion("bwrap: unknown option") == nil)
    }

    @Test(arguments: [([0, 6, 1], false, false), ([0, 7, 0], true, false), ([0, 8, 0], true, true), ([1, 0, 0], true, true)])
    func optionsFollowTheRelease(version: [Int], size: Bool, disableUserns: Bool) {
        let features = BubblewrapFeatures(version: version)
        #expect(features.tmpfsSize == size)
        #expect(features.disableUserNamespaces == disableUserns)
    }

    @Test func installedBubblewrapIsDetected() throws {
        let bwrap = try #require(ProcessSandbox.findExecutable(nil, ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"]))
        #expect(BubblewrapFeatures.of(bwrap).tmpfsSize, "this machine's bubblewrap (0.8.0) supports --size")
    }
}
