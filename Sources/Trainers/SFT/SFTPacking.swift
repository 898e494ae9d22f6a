// SFTPacking: best-fit-decreasing packing of tokenized examples into rows of at most `max_length` tokens,
// TRL's default packing strategy ("bfd"): examples are taken longest first and each goes into the row
// with the least room left that still fits it (a new row if none does); no example is split.
//
// Attention never crosses an example boundary: a packed row is kept as its list of examples and the
// trainer runs each example as its own sequence of the forward batch (positions restart at 0, no key of
// another example is visible). This is what TRL's padding-free packing achieves with position_ids and
// flash-attention's variable-length kernels; Models' attention has key padding masks but no segment
// masks, so separate sequences are the exact way to get the same result here.

/// Packed rows of examples.
public enum SFTPacking {
    /// Packs examples into rows by best-fit decreasing.
    /// - Parameters:
    ///   - lengths: token count of each example (each ≤ `capacity`; longer ones get a row of their own).
    ///   - capacity: tokens per row (`max_length`).
    /// - Returns: rows as lists of example indices; rows in order of creation, each row's examples in the
    ///   order they were placed. Deterministic (ties broken by index).
    public static func bestFitDecreasing(lengths: [Int], capacity: Int) -> [[Int]] {
        precondition(capacity > 0, "SFTPacking: capacity must be positive")
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var rows: [[Int]] = []
        var room: [Int] = []
        // Rows by remaining room: room value → row indices (ascending), searched from the exact fit upward.
        var byRoom = [[Int]](repeating: [], count: capacity + 1)
        for index in order {
            let length = min(lengths[index], capacity)
            var chosen: Int?
            var r = length
            while r <= capacity {
                if let row = byRoom[r].first { chosen = row; break }
                r += 1
            }
            if let row = chosen {
                byRoom[room[row]].removeFirst()
                rows[row].append(index)
                room[row] -= length
            } else {
                rows.append([index])
                room.append(capacity - length)
            }
            let row = chosen ?? rows.count - 1
            let slot = byRoom[room[row]].firstIndex { $0 > row } ?? byRoom[room[row]].count
            byRoom[room[row]].insert(row, at: slot)
        }
        return rows
    }
}
