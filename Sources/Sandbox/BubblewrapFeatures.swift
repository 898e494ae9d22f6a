// BubblewrapFeatures: which optional bubblewrap options the installed bwrap understands, from
// `bwrap --version` (cached per path). Debian 12 ships 0.8.0; Ubuntu 22.04 ships 0.6.1, which lacks
// --size and --disable-userns.

#if canImport(Glibc)
import Foundation

/// Optional bubblewrap options supported by one `bwrap` binary.
struct BubblewrapFeatures: Sendable, Equatable {
    /// `--size` for tmpfs mounts (bubblewrap 0.7.0).
    var tmpfsSize: Bool
    /// `--disable-userns` (bubblewrap 0.8.0).
    var disableUserNamespaces: Bool

    /// Features of a version `[major, minor, patch]`.
    init(version: [Int]) {
        let v = version + [0, 0, 0]
        let atLeast = { (major: Int, minor: Int) in v[0] > major || (v[0] == major && v[1] >= minor) }
        tmpfsSize = atLeast(0, 7)
        disableUserNamespaces = atLeast(0, 8)
    }

    /// Parses `bubblewrap 0.8.0` into `[0, 8, 0]`.
    static func parseVersion(_ text: String) -> [Int]? {
        guard let word = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: { $0.first?.isNumber == true })
        else { return nil }
        let parts = word.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }

    nonisolated(unsafe) private static var cache: [String: BubblewrapFeatures] = [:]
    private static let lock = NSLock()

    /// The features of the `bwrap` at `path` (runs `bwrap --version` once per path; unknown → none).
    static func of(_ path: String) -> BubblewrapFeatures {
        lock.lock()
        defer { lock.unlock() }
        if let known = cache[path] { return known }
        let spec = LaunchSpec(executable: path, arguments: [path, "--version"], environment: [], workingDirectory: nil,
                              rlimits: [], clearGroups: false, identity: nil, stdinData: [], hasStatusFD: false,
                              wallTime: 10, outputLimit: 4096)
        let outcome = launch(spec)
        let version = parseVersion(String(decoding: outcome.stdout, as: UTF8.self)) ?? [0, 0, 0]
        let features = BubblewrapFeatures(version: version)
        cache[path] = features
        return features
    }
}
#endif
