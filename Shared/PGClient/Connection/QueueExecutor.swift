import Dispatch

/// A serial executor backed by one private dispatch queue.
///
/// libpq calls block (network round trips), and a `PGconn` must never be used by two threads at once. Pinning
/// each connection actor to its own queue keeps blocking calls off Swift's small cooperative pool (2 threads
/// on our machines) and serialises every use of the handle (GRDB's `DispatchQueueActor` pattern).
final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only state is an immutable DispatchQueue reference, which is itself thread-safe.
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
