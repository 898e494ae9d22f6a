import Testing
@testable import TensorEngine

@Suite struct ParameterBufferTests {
    @Test func layoutAlignsAndNamesViews() {
        var layout = ParameterLayout()
        layout.append("a", shape: [3])
        layout.append("b", shape: [2, 5])
        #expect(layout.entry("a")?.offset == 0)
        #expect(layout.entry("b")?.offset == 16)
        #expect(layout.count == 26)
        #expect(layout.entry("c") == nil)
        let buffer = ParameterBuffer(layout: layout)
        #expect(buffer.flat.allSatisfy { $0 == 0 })
        buffer["b"][9] = 4
        #expect(buffer.pointer[25] == 4)
        let copy = ParameterBuffer(layout: layout)
        copy.copy(from: buffer)
        #expect(copy["b"][9] == 4)
        buffer.zero()
        #expect(buffer["b"][9] == 0)
        #expect(Int(bitPattern: buffer.pointer) % 64 == 0)
    }

    @Test func embeddingForwardAndBackward() {
        let table: [Float] = [1, 2, 3, 4, 5, 6]  // V = 3, C = 2
        var out = [Float](repeating: 0, count: 6)
        embeddingForward(&out, [2, 0, 2], table, rows: 3, channels: 2)
        #expect(out == [5, 6, 1, 2, 5, 6])
        var dtable = [Float](repeating: 0, count: 6)
        embeddingBackward(&dtable, [1, 1, 2, 2, 3, 3], [2, 0, 2], rows: 3, channels: 2)
        #expect(dtable == [2, 2, 0, 0, 4, 4])
        var sum = [Float](repeating: 0, count: 3), da = [Float](repeating: 1, count: 3)
        residualForward(&sum, [1, 2, 3], [10, 20, 30], count: 3)
        residualBackward(&da, nil, [1, 2, 3], count: 3)
        #expect(sum == [11, 22, 33] && da == [2, 3, 4])
    }
}
