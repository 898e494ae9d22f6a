// ResponseMetricsTests.swift — mean length, reflective-word rate and language-mixing rate on hand-counted texts.

import Testing
@testable import Evaluation

@Suite struct ResponseMetricsTests {
    @Test func handCountedTexts() {
        // Words: [wait, let, me, check] = 4 with 3 hits (wait, let me, check); [the, answer, is] = 3, 0 hits;
        // [hello] + one CJK character (not a word) = 1, 0 hits. 3 hits / 8 words = 375 per 1,000.
        let m = ResponseMetrics.measure(texts: ["Wait, let me check.", "The answer is 4", "hello 你好"], lengths: [5, 4, 9])
        #expect(m.completions == 3)
        #expect(m.meanLength == 6)
        #expect(abs(m.reflectionPerThousandWords - 375) < 1e-12)
        #expect(abs(m.reflectionCompletionFraction - 1.0 / 3.0) < 1e-15)
        #expect(abs(m.languageMixingRate - 1.0 / 3.0) < 1e-15)
    }

    @Test func emptyInputIsAllZero() {
        #expect(ResponseMetrics.measure(texts: [], lengths: []) ==
                ResponseMetrics(completions: 0, meanLength: 0, reflectionPerThousandWords: 0, reflectionCompletionFraction: 0, languageMixingRate: 0))
    }
}
