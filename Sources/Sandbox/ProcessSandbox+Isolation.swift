// ProcessSandbox+Isolation: the command line, environment, rlimits and identity of one run for each
// isolation mechanism, and the probe that decides which mechanism works on this machine.
// It does not fork (ProcessLauncher.swift) and does not classify outcomes (ExecutionResult+Classification.swift).

#if canImport(Glibc)
import Foundation
import Glibc

extension ProcessSandbox {
    /// The environment every sandboxed program gets (plus `TMPDIR` and `HOME` pointing at its private
    /// directory), before ``Configuration/environment`` is applied.
    public static let defaultEnvironment: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    ]

    /// The first executable among `candidates`.
    static func findExecutable(_ explicit: String?, _ candidates: [String]) -> String? {
        for path in explicit.map({ [$0] }) ?? candidates where access(path, X_OK) == 0 { return path }
        return nil
    }

    /// Whether this process runs as root (and so can drop each slot to its own uid).
    static var callerIsRoot: Bool { geteuid() == 0 }

    /// Number of tasks on the whole machine (4th field of /proc/loadavg), used to offset RLIMIT_NPROC when
    /// the caller is not root and the limit therefore counts all of the caller's processes.
    static func systemTaskCount() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return 4096 }
        let fields = text.split(separator: " ")
        guard fields.count >= 4, let total = fields[3].split(separator: "/").last.flatMap({ Int($0) }) else { return 4096 }
        return total
    }

    /// The rlimits of one run. For non-root callers the hard limits are capped at the current hard limits
    /// (raising them needs privileges) and NPROC is offset by the machine's task count.
    func rlimits(_ limits: SandboxLimits, dropped: Bool) -> [RLimitSetting] {
        func r(_ resource: __rlimit_resource, _ soft: UInt64, _ hard: UInt64) -> RLimitSetting {
            var current = rlimit()
            var hardCap = UInt64.max
            if !Self.callerIsRoot, getrlimit(__rlimit_resource_t(resource.rawValue), &current) == 0 {
                hardCap = UInt64(current.rlim_max)
            }
            let h = min(hard, hardCap)
            return RLimitSetting(resource: Int32(resource.rawValue), soft: min(soft, h), hard: h)
        }
        let nproc = UInt64(limits.processCount + (dropped ? 0 : Self.systemTaskCount()))
        return [
            r(RLIMIT_CPU, limits.cpuSeconds, limits.cpuSeconds + 1),
            r(RLIMIT_AS, UInt64(limits.memoryBytes), UInt64(limits.memoryBytes)),
            r(RLIMIT_FSIZE, UInt64(limits.fileSizeBytes), UInt64(limits.fileSizeBytes)),
            r(__RLIMIT_NPROC, nproc, nproc),
            r(RLIMIT_NOFILE, UInt64(limits.openFiles), UInt64(limits.openFiles)),
            r(RLIMIT_CORE, 0, 0),
        ]
    }

    /// The environment list for one run.
    func environment(privateDirectory: String) -> [String] {
        var env = Self.defaultEnvironment
        env["TMPDIR"] = privateDirectory
        env["HOME"] = privateDirectory
        for (k, v) in configuration.environment { env[k] = v }
        return env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Builds the launch of `program` under `isolation`, as `identity` when the caller is root.
    ///
    /// - Parameter workDirectory: the host directory for runs without bubblewrap (ignored with bubblewrap,
    ///   whose private directory is a tmpfs at /tmp).
    func launchSpec(
        program: String, limits: SandboxLimits, identity: (uid: UInt32, gid: UInt32)?, isolation: SandboxIsolation,
        tool: String?, token: String, workDirectory: String?
    ) -> LaunchSpec {
        let python = [configuration.interpreterPath] + PythonBootstrap.interpreterFlags
            + ["-c", PythonBootstrap.source, token]
        var spec = LaunchSpec(
            executable: configuration.interpreterPath, arguments: python, environment: [],
            workingDirectory: workDirectory, rlimits: rlimits(limits, dropped: identity != nil),
            clearGroups: identity != nil, identity: identity, stdinData: Array(program.utf8),
            hasStatusFD: false, wallTime: limits.wallTime, outputLimit: limits.outputBytes)
        switch isolation {
        case .bubblewrap:
            let bwrap = tool ?? "bwrap"
            let features = BubblewrapFeatures.of(bwrap)
            let size = features.tmpfsSize ? ["--size", String(limits.scratchBytes)] : []
            var args = [bwrap, "--unshare-all", "--unshare-user", "--die-with-parent",
                        "--ro-bind", "/", "/", "--proc", "/proc",
                        // A new /dev, read-only except a size-limited /dev/shm (device nodes stay usable).
                        "--dev", "/dev"] + size + ["--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
                + size + ["--tmpfs", "/tmp"]
            if features.disableUserNamespaces { args.append("--disable-userns") }
            for path in configuration.hiddenPaths where FileManager.default.fileExists(atPath: path) {
                // An empty read-only tmpfs over each hidden directory.
                args += ["--tmpfs", path, "--remount-ro", path]
            }
            args += ["--chdir", "/tmp", "--json-status-fd", "4", "--"]
            spec.executable = bwrap
            spec.arguments = args + python
            spec.environment = environment(privateDirectory: "/tmp")
            spec.workingDirectory = nil
            spec.hasStatusFD = true
            spec.reapsOrphans = true
        case .unshare:
            var args = [tool ?? "unshare"]
            if let identity {
                // Namespaces are created as root, then unshare switches to the slot's ids.
                args += ["--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                         "--setgid", String(identity.gid), "--setuid", String(identity.uid)]
                spec.identity = nil
            } else {
                args += ["--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
            }
            spec.executable = tool ?? "unshare"
            spec.arguments = args + ["--"] + python
            spec.environment = environment(privateDirectory: workDirectory ?? "/tmp")
        case .none, .automatic:
            spec.environment = environment(privateDirectory: workDirectory ?? "/tmp")
        }
        return spec
    }

    /// The program a probe runs: it must see no network interface but `lo` (bubblewrap, unshare).
    static let probeProgram = """
        import socket
        names = sorted(name for _, name in socket.if_nameindex())
        assert names == ["lo"], f"network interfaces visible: {names}"
        """
}
#endif
