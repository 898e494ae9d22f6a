// ExternalCommandRewardTests.swift — the JSON-lines protocol against Fixtures/rewards/external_reward.py,
// including commands that die, print garbage, return the wrong count, or hang.

import Foundation
import Testing
@testable import Rewards

@Suite(.serialized) struct ExternalCommandRewardTests {
    func command(_ modes: String..., timeout: Double = 10) -> ExternalCommandReward {
        ExternalCommandReward(name: "ext", executable: URL(fileURLWithPath: "/usr/bin/env"),
                              arguments: ["python3", RewardsFixtures.url("external_reward.py").path] + modes, timeout: timeout)
    }

    var batch: [RewardSample] {
        [sample("the answer is 42", gold: "42"), sample("no idea", gold: "7"), sample("anything", gold: nil, kind: .generic)]
    }

    @Test func scoresBatchesAndStaysAlive() throws {
        let r = command()
        defer { r.shutdown() }
        #expect(r.scoreBatch(batch, timeout: nil) == [.value(1), .value(0), .notApplicable])
        let pid = try #require(r.runningProcessID)
        #expect(r.scoreBatch(Array(batch.reversed()), timeout: nil) == [.notApplicable, .value(0), .value(1)])
        #expect(r.runningProcessID == pid)  // long-lived: same process
        #expect(r.scoreBatch([], timeout: nil) == [])
        // Unicode and JSON-special characters survive the round trip.
        #expect(r.scoreBatch([sample("\"π\" / \\ 答案 \n 42", gold: "答案 \n 42")], timeout: nil) == [.value(1)])
        // Through CombinedReward, next to an in-process reward.
        let combined = try CombinedReward([WeightedReward(r, weight: 2), WeightedReward(TagCountReward())])
        #expect(combined.score(batch).totals == [2, 0, 0])
    }

    @Test func deadCommandIsReportedThenRestarted() throws {
        let r = command("die-after=1")
        defer { r.shutdown() }
        #expect(r.scoreBatch(batch, timeout: nil)[0] == .value(1))
        let failed = r.scoreBatch(batch, timeout: nil)
        guard case .failed(.externalCommandExited(_, let status, let tail)) = failed[0] else {
            Issue.record("expected exited, got \(failed[0])"); return
        }
        #expect(status == 3)
        #expect(tail.contains("dying on purpose"))
        #expect(failed.allSatisfy { $0.error != nil })
        // Restarted on the next batch.
        #expect(r.scoreBatch(batch, timeout: nil)[0] == .value(1))
    }

    @Test(arguments: [
        ("garbage", "the response line is not JSON"),
        ("not-object", "the response is not a JSON object"),
        ("bool-score", "a score is neither a number nor null"),
    ])
    func garbageIsAProtocolError(mode: String, reason: String) throws {
        let r = command(mode)
        defer { r.shutdown() }
        let out = r.scoreBatch(batch, timeout: nil)
        guard case .failed(.externalCommandProtocol(_, let got, _)) = out[0] else { Issue.record("\(out[0])"); return }
        #expect(got == reason)
        #expect(out.count == 3 && out.allSatisfy { $0.error != nil })
    }

    @Test func wrongCountAndReportedError() {
        let w = command("wrong-count")
        defer { w.shutdown() }
        #expect(w.scoreBatch(batch, timeout: nil)[1] == .failed(.externalCommandWrongCount(command: w.process.commandName, expected: 3, received: 4)))
        let e = command("error")
        defer { e.shutdown() }
        #expect(e.scoreBatch(batch, timeout: nil)[0] == .failed(.externalCommandReportedError(command: e.process.commandName, message: "fixture refuses to score")))
        #expect(throws: RewardsError.self) { try e.score(Completion("x"), for: sample("x").example) }
    }

    @Test func strayStdoutLineIsAProtocolErrorAndTheCommandIsRestarted() throws {
        let r = command("noise")
        defer { r.shutdown() }
        let first = r.scoreBatch(batch, timeout: nil)
        guard case .failed(.externalCommandProtocol(_, _, let line)) = first[0] else { Issue.record("\(first[0])"); return }
        #expect(line == "stray output")
        #expect(r.runningProcessID == nil)  // killed: its stream can no longer be trusted
        #expect(r.scoreBatch(batch, timeout: nil)[0].error != nil)  // restarted, and still misbehaving
    }

    @Test func hangingCommandTimesOutAndIsKilled() throws {
        let r = command("sleep=5", timeout: 0.5)
        defer { r.shutdown() }
        let start = Date()
        let out = r.scoreBatch(batch, timeout: nil)
        #expect(Date().timeIntervalSince(start) < 3)
        #expect(out[0] == .failed(.externalCommandTimedOut(command: r.process.commandName, seconds: 0.5)))
        #expect(r.runningProcessID == nil)
    }

    @Test func missingExecutableFailsToStart() {
        let r = ExternalCommandReward(name: "missing", executable: URL(fileURLWithPath: "/nonexistent/reward-bin"))
        let out = r.scoreBatch(batch, timeout: nil)
        guard case .failed(.externalCommandFailedToStart) = out[0] else { Issue.record("\(out[0])"); return }
    }

    @Test func requestEncodingFollowsTheDocumentedProtocol() throws {
        let ex = RewardExample(id: "a/1", prompt: "q", goldAnswer: "1", kind: .countdown(numbers: [1], target: 1), metadata: ["k": "v"])
        let data = try ExternalCommandReward.encodeRequest(reward: "ext", samples: [RewardSample(example: ex, completion: Completion("c", tokenCount: 3))])
        #expect(data.last == 0x0A && data.dropLast().firstIndex(of: 0x0A) == nil)
        let obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(obj["version"] as? Int == 1 && obj["reward"] as? String == "ext")
        let s = (obj["samples"] as! [[String: Any]])[0]
        #expect(s["id"] as? String == "a/1" && s["prompt"] as? String == "q" && s["completion"] as? String == "c")
        #expect(s["gold"] as? String == "1" && s["task"] as? String == "countdown" && s["token_count"] as? Int == 3)
        #expect((s["metadata"] as? [String: String]) == ["k": "v"])
    }
}
