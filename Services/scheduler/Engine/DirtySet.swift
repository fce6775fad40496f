import Synchronization

/// Work requests and workers whose PostgreSQL rows changed since the index last read them. Event handlers
/// and sweeps add ids (from any task); the engine's loop drains them and re-reads the rows, so the index
/// follows PostgreSQL whatever order events arrive in and however often they repeat.
final class DirtySet: Sendable {
    private struct Contents {
        var workRequests: Set<Int> = []
        var workers: Set<Int> = []
    }

    private let contents = Mutex(Contents())

    /// Marks a work request for re-reading.
    func workRequestChanged(_ id: Int) { contents.withLock { _ = $0.workRequests.insert(id) } }

    /// Marks a worker for re-reading.
    func workerChanged(_ id: Int) { contents.withLock { _ = $0.workers.insert(id) } }

    /// Takes everything marked so far.
    func drain() -> (workRequests: [Int], workers: [Int]) {
        contents.withLock { contents in
            defer { contents = Contents() }
            return (contents.workRequests.sorted(), contents.workers.sorted())
        }
    }
}
