// The merge loop for long pieces (for example a run of thousands of '=' or spaces): a binary heap of
// candidate pairs over a linked list of symbols, O(n log n) instead of the O(n²) scan used for short words.
// Same order as the scan: lowest rank first, leftmost on ties (Hugging Face `Word::merge_all`).

extension BPEModel {
    private struct Candidate {
        var rank: UInt32
        var position: Int32
        var right: Int32
        var leftId: Int32
        var rightId: Int32

        @inline(__always) func precedes(_ other: Candidate) -> Bool {
            rank != other.rank ? rank < other.rank : position < other.position
        }
    }

    /// Merges `symbols` (initial byte-token ids) and appends the result to `ids`.
    func mergeLong(_ symbols: inout [Int32], into ids: inout [Int32]) {
        let n = symbols.count
        var next = (0..<n).map { Int32($0 + 1) }
        var previous = (0..<n).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: n)
        var heap: [Candidate] = []
        heap.reserveCapacity(n)

        func push(_ candidate: Candidate) {
            heap.append(candidate)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if !heap[child].precedes(heap[parent]) { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        func pop() -> Candidate {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
                    if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
                    if smallest == parent { break }
                    heap.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }
        func consider(_ position: Int) {
            let right = Int(next[position])
            guard right < n else { return }
            let rule = merges.lookup(symbols[position], symbols[right])
            if rule.rank != .max {
                push(Candidate(rank: rule.rank, position: Int32(position), right: Int32(right),
                               leftId: symbols[position], rightId: symbols[right]))
            }
        }

        for position in 0..<n - 1 { consider(position) }
        while !heap.isEmpty {
            let candidate = pop()
            let position = Int(candidate.position), right = Int(candidate.right)
            // Stale when either side was merged since the candidate was pushed (a symbol only grows, so an
            // unchanged id means an unchanged symbol).
            guard alive[position], alive[right], Int(next[position]) == right,
                  symbols[position] == candidate.leftId, symbols[right] == candidate.rightId else { continue }
            symbols[position] = merges.lookup(candidate.leftId, candidate.rightId).merged
            alive[right] = false
            let after = Int(next[right])
            next[position] = Int32(after)
            if after < n { previous[after] = Int32(position) }
            if previous[position] >= 0 { consider(Int(previous[position])) }
            consider(position)
        }
        var position = 0
        while position < n {
            ids.append(symbols[position])
            position = Int(next[position])
        }
    }
}
