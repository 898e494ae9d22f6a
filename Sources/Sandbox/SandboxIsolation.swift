// SandboxIsolation: which mechanism separates the sandboxed program from the host.
// It names the mechanism; ProcessSandbox+Isolation.swift builds the command lines.

/// The isolation mechanism of a ``ProcessSandbox``.
///
/// What each one protects is listed in the header of `CodeSandbox.swift`.
public enum SandboxIsolation: String, Codable, Sendable, Equatable, CaseIterable {
    /// Use bubblewrap if it works here, else `unshare`; refuse to run if neither works.
    case automatic
    /// bubblewrap: new user, pid, network, ipc, uts and mount namespaces, read-only root, private `/tmp`,
    /// hidden home directories.
    case bubblewrap
    /// util-linux `unshare`: new network, pid and mount namespaces only; the filesystem is protected only by
    /// file permissions of the dedicated uid (root callers) and the run's private working directory.
    case unshare
    /// No namespaces: rlimits, a process group, a private working directory and (root callers) a dedicated
    /// uid. Only allowed with `allowUnisolated: true`.
    case none
}
