// UserIDLease: exclusive use of one sandbox uid for the duration of a run, across every ProcessSandbox
// in this process and across processes (flock on a per-uid lock file in a root-only directory).
// Needed because RLIMIT_NPROC counts per uid and cleanup kills every process of the uid.

#if canImport(Glibc)
import Foundation
import Glibc

/// A uid (and gid of the same number) held exclusively until ``release()``.
final class UserIDLease: @unchecked Sendable {
    /// The leased uid, also used as gid.
    let id: UInt32
    private var fd: Int32

    private init(id: UInt32, fd: Int32) {
        self.id = id
        self.fd = fd
    }

    /// How many consecutive ids above the base are tried.
    static let span: UInt32 = 1024
    /// Directory of the lock files (created 0700 by root).
    static let directory = "/tmp/swiftr1-sandbox-uids"

    /// Leases the lowest free id in `base ..< base + span`, waiting while all are taken.
    ///
    /// - Returns: the lease, or `nil` when the lock directory cannot be created.
    static func acquire(base: UInt32) -> UserIDLease? {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { return nil }
        var st = stat()
        // Refuse a directory someone else created (it could be used to interfere with the leases).
        guard lstat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() else { return nil }
        while true {
            for offset in 0..<span {
                let id = base + offset
                let fd = open("\(directory)/\(id).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
                if fd < 0 { continue }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 { return UserIDLease(id: id, fd: fd) }
                close(fd)
            }
            usleep(10_000)
        }
    }

    /// Ids whose processes could not be cleaned up; their locks stay held so this process never reuses them.
    nonisolated(unsafe) private static var quarantined: [UserIDLease] = []
    private static let quarantineLock = NSLock()

    /// Keeps the id locked for the rest of this process's life (its processes would count against the next
    /// run's RLIMIT_NPROC).
    func quarantine() {
        Self.quarantineLock.lock()
        Self.quarantined.append(self)
        Self.quarantineLock.unlock()
    }

    /// Gives the id back.
    func release() {
        if fd >= 0 {
            close(fd)  // closing drops the flock
            fd = -1
        }
    }

    deinit { release() }
}
#endif
