// Small text-table helpers shared by the commands' plain-text output.

extension String {
    /// The string right-aligned in a field of `width` characters (unchanged when longer).
    func paddedLeft(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string left-aligned in a field of `width` characters (unchanged when longer).
    func paddedRight(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
