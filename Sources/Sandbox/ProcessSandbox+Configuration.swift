// ProcessSandbox.Configuration: how a ProcessSandbox isolates and schedules runs (validated value type).
// Per-run resource limits are not here; they are SandboxLimits.

extension ProcessSandbox {
    /// How a ``ProcessSandbox`` isolates programs and how many it runs at once.
    ///
    /// ```swift
    /// var configuration = ProcessSandbox.Configuration()
    /// configuration.maxConcurrency = 2
    /// let sandbox = try ProcessSandbox(configuration: configuration)
    /// ```
    public struct Configuration: Codable, Sendable, Equatable {
        /// The isolation mechanism; ``SandboxIsolation/automatic`` picks bubblewrap, else `unshare`.
        public var isolation: SandboxIsolation
        /// Must be `true` for ``SandboxIsolation/none``; without it such runs return
        /// ``ExecutionResult/Status/sandboxUnavailable(_:)``.
        public var allowUnisolated: Bool
        /// Most programs running at the same time (each on its own thread and, for root callers, its own uid).
        public var maxConcurrency: Int
        /// Absolute path of the Python interpreter (a real binary, not a pyenv shim).
        public var interpreterPath: String
        /// Path of `bwrap`; `nil` searches `/usr/bin`, `/bin`, `/usr/local/bin`.
        public var bubblewrapPath: String?
        /// Path of `unshare`; `nil` searches `/usr/bin`, `/bin`.
        public var unsharePath: String?
        /// When the caller is root, each run uses its own uid and gid from `sandboxUserIDBase ..<
        /// sandboxUserIDBase + 1024`, leased exclusively (across sandboxes and processes, by a lock file), so
        /// that `RLIMIT_NPROC` binds and concurrent runs cannot signal each other. These ids must not be used
        /// by anything else on the machine: leftover processes of a run's uid are killed after each run
        /// without a pid namespace.
        public var sandboxUserIDBase: UInt32
        /// Directories covered by an empty tmpfs inside bubblewrap (home directories by default). Paths that
        /// do not exist on the host are skipped.
        public var hiddenPaths: [String]
        /// Extra environment variables (added to, or replacing, the defaults listed at
        /// ``ProcessSandbox/defaultEnvironment``).
        public var environment: [String: String]

        /// Creates a configuration; every argument has a documented default.
        public init(
            isolation: SandboxIsolation = .automatic, allowUnisolated: Bool = false, maxConcurrency: Int = 2,
            interpreterPath: String = "/usr/bin/python3", bubblewrapPath: String? = nil,
            unsharePath: String? = nil, sandboxUserIDBase: UInt32 = 64_000,
            hiddenPaths: [String] = ["/root", "/home"], environment: [String: String] = [:]
        ) {
            self.isolation = isolation
            self.allowUnisolated = allowUnisolated
            self.maxConcurrency = maxConcurrency
            self.interpreterPath = interpreterPath
            self.bubblewrapPath = bubblewrapPath
            self.unsharePath = unsharePath
            self.sandboxUserIDBase = sandboxUserIDBase
            self.hiddenPaths = hiddenPaths
            self.environment = environment
        }

        enum CodingKeys: String, CodingKey {
            case isolation
            case allowUnisolated = "allow_unisolated"
            case maxConcurrency = "max_concurrency"
            case interpreterPath = "interpreter_path"
            case bubblewrapPath = "bubblewrap_path"
            case unsharePath = "unshare_path"
            case sandboxUserIDBase = "sandbox_user_id_base"
            case hiddenPaths = "hidden_paths"
            case environment
        }

        /// Decodes a configuration; a missing key takes its default.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            isolation = try c.decodeIfPresent(SandboxIsolation.self, forKey: .isolation) ?? d.isolation
            allowUnisolated = try c.decodeIfPresent(Bool.self, forKey: .allowUnisolated) ?? d.allowUnisolated
            maxConcurrency = try c.decodeIfPresent(Int.self, forKey: .maxConcurrency) ?? d.maxConcurrency
            interpreterPath = try c.decodeIfPresent(String.self, forKey: .interpreterPath) ?? d.interpreterPath
            bubblewrapPath = try c.decodeIfPresent(String.self, forKey: .bubblewrapPath)
            unsharePath = try c.decodeIfPresent(String.self, forKey: .unsharePath)
            sandboxUserIDBase = try c.decodeIfPresent(UInt32.self, forKey: .sandboxUserIDBase) ?? d.sandboxUserIDBase
            hiddenPaths = try c.decodeIfPresent([String].self, forKey: .hiddenPaths) ?? d.hiddenPaths
            environment = try c.decodeIfPresent([String: String].self, forKey: .environment) ?? d.environment
        }

        /// Checks the configuration.
        ///
        /// - Throws: ``SandboxError/invalidConfiguration(field:value:rule:)`` for the first invalid field.
        public func validate() throws {
            func check(_ ok: Bool, _ field: String, _ value: String, _ rule: String) throws {
                if !ok { throw SandboxError.invalidConfiguration(field: field, value: value, rule: rule) }
            }
            try check((1...256).contains(maxConcurrency), "maxConcurrency", "\(maxConcurrency)",
                      "must be in 1...256")
            try check(interpreterPath.hasPrefix("/"), "interpreterPath", interpreterPath,
                      "must be an absolute path such as /usr/bin/python3")
            for (field, path) in [("bubblewrapPath", bubblewrapPath), ("unsharePath", unsharePath)] {
                if let path { try check(path.hasPrefix("/"), field, path, "must be an absolute path") }
            }
            try check(sandboxUserIDBase >= 1000 && UInt64(sandboxUserIDBase) + 1024 <= 4_000_000_000,
                      "sandboxUserIDBase", "\(sandboxUserIDBase)",
                      "must be at least 1000 (not a system account) and at most 3999998976 (1024 ids are leased above it)")
            for path in hiddenPaths {
                try check(path.hasPrefix("/") && path != "/" && !path.contains(".."), "hiddenPaths", path,
                          "each entry must be an absolute directory other than / without '..'")
            }
            for key in environment.keys {
                try check(!key.isEmpty && !key.contains("=") && !key.contains("\0"), "environment", key,
                          "keys must be non-empty and contain neither '=' nor NUL")
            }
        }
    }
}
