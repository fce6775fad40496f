import Dispatch

/// A serial executor backed by one private dispatch queue (GRDB's `DispatchQueueActor` pattern), for the
/// actors that wrap a blocking C library: the librabbitmq connections (`AMQPPublisher`, `AMQPConsumer`,
/// `AMQPRequestReplyClient`). `PGConnection` keeps its own copy (`PGConnectionExecutor`, which says why: a
/// compiler cycle in release builds).
///
/// Both libraries block (network round trips, `poll` with timeouts) and neither handle may be used by two
/// threads at once. Pinning each wrapping actor to its own queue keeps the blocking calls off Swift's small
/// cooperative pool (2 threads on our machines), and the actor guarantees one caller at a time.
public final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is a DispatchQueue, which is thread-safe.
    private let queue: DispatchQueue

    /// An executor with its own queue; `label` names the queue in backtraces.
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
