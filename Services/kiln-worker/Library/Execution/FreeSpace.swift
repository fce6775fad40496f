import Foundation
import KilnCore

/// Free space where a run writes, so a run that failed because the worker's disk filled up says so: the
/// tool's own complaint (`Cannot write: No space left on device`) went to a log on that same full disk.
enum FreeSpace {
    /// Below this many bytes free, a failed run is put down to a full disk.
    static let exhausted = 1 << 20

    /// Bytes an unprivileged writer may still use on the file system holding `url`, or nil when unknown.
    static func available(at url: URL) -> Int? {
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return nil }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// `outcome` as an `error` naming the full disk when it is not a success and `folder`'s file system has
    /// (almost) nothing left; otherwise `outcome` unchanged.
    static func blameFullDisk(for outcome: TaskOutcome, in folder: URL) -> TaskOutcome {
        guard outcome.result == .error || outcome.result == .failure,
            let free = available(at: folder), free < exhausted
        else { return outcome }
        let cause = "No space left on device: the worker's folder \(folder.path) has \(free) bytes free"
        return TaskOutcome(.error, message: outcome.message.map { "\($0) (\(cause))" } ?? cause)
    }
}
