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

    /// Ids this process has leased before and found (or left) without processes. The first lease of an id
    /// in a process cannot trust it: another process may have quarantined it and exited (which drops its
    /// lock) while the id still owned processes, and those would count against this run's RLIMIT_NPROC.
    nonisolated(unsafe) private static var knownEmpty: Set<UInt32> = []
    private static let knownEmptyLock = NSLock()

    /// Leases the lowest free id in `base ..< base + span`, waiting while all are taken.
    ///
    /// An id this process has not used before is emptied with `makeEmpty` first; an id that cannot be
    /// emptied is quarantined and the next one is tried.
    ///
    /// - Parameters:
    ///   - base: the first id of the range.
    ///   - makeEmpty: kills every process of an id and tells whether none is left.
    /// - Returns: the lease, or `nil` when the lock directory cannot be created.
    static func acquire(base: UInt32, makeEmpty: (UInt32) -> Bool) -> UserIDLease? {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { return nil }
        var st = stat()
        // Refuse a directory someone else created (it could be used to interfere with the leases).
        guard lstat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() else { return nil }
        while true {
            for offset in 0..<span {
                let id = base + offset
                let fd = open("\(directory)/\(id).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
                if fd < 0 { continue }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                    close(fd)
                    continue
                }
                let lease = UserIDLease(id: id, fd: fd)
                knownEmptyLock.lock()
                let known = knownEmpty.contains(id)
                knownEmptyLock.unlock()
                if known { return lease }
                guard makeEmpty(id) else {
                    lease.quarantine()
                    continue
                }
                lease.markEmpty()
                return lease
            }
            usleep(10_000)
        }
    }

    /// Ids whose processes could not be cleaned up; their locks stay held so this process never reuses them.
    nonisolated(unsafe) private static var quarantined: [UserIDLease] = []
    private static let quarantineLock = NSLock()

    /// Records that the id owns no process (it was emptied, or its last run left nothing behind).
    func markEmpty() {
        Self.knownEmptyLock.lock()
        Self.knownEmpty.insert(id)
        Self.knownEmptyLock.unlock()
    }

    /// Records that the id may own processes, so its next lease empties it first.
    func markSuspect() {
        Self.knownEmptyLock.lock()
        Self.knownEmpty.remove(id)
        Self.knownEmptyLock.unlock()
    }

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
