// ThroughputTests.swift — rewards scored per second for the format and accuracy rewards (printed; the
// floor asserted here is far below the measured rate so it only catches pathological slowdowns).

import Foundation
import Testing
@testable import Rewards

@Suite struct ThroughputTests {
    static func measure(_ reward: any RewardFunction, _ samples: [RewardSample]) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let out = reward.scoreBatch(samples, timeout: nil)
        let s = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(out.count == samples.count)
        return Double(samples.count) / s
    }

    @Test func formatAndAccuracyThroughput() throws {
        let thinking = String(repeating: "Let me compute step by step and check the result again. ", count: 40)
        let samples = (0..<4000).map { i in
            sample("<think>\n\(thinking)\(i)\n</think>\n<answer>\n\(i % 10)\n</answer>", gold: String(i % 7))
        }
        let format = Self.measure(FormatReward(.strict), samples)
        let soft = Self.measure(FormatReward(.soft), samples)
        let accuracy = Self.measure(MathAccuracyReward(checker: IntegerAnswerChecker(), extraction: .answerTag), samples)
        print("throughput (samples/s, \(thinking.utf8.count)-byte completions): format \(Int(format)), format_soft \(Int(soft)), accuracy[integer] \(Int(accuracy))")
        #expect(format > 1000 && soft > 1000 && accuracy > 1000)
    }
}
