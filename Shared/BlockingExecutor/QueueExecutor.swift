import Dispatch

/// A serial executor backed by a private dispatch queue (the GRDB `DispatchQueueActor` pattern), for the
/// actors that own a blocking C handle: librabbitmq's connections (AMQP) and libpq's sessions (PGClient).
///
/// Both libraries block (network round trips, `poll` with timeouts) and neither handle may be used by two
/// threads at once. Each connection actor therefore runs on its own thread of this queue: blocking there never
/// starves Swift's cooperative pool (2 threads on our 2-core machines), and the actor guarantees one caller
/// at a time.
public final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is a DispatchQueue, which is thread-safe.
    private let queue: DispatchQueue

    /// Creates the executor and its queue; `label` names the thread in debuggers and `perf`.
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        queue.async { unownedJob.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
