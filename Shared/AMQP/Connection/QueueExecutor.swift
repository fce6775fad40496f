import Dispatch

/// A serial executor backed by a private dispatch queue (the GRDB `DispatchQueueActor` pattern).
///
/// librabbitmq blocks (in `poll` with timeouts) and is not thread-safe. Each connection actor therefore runs
/// on its own thread of this queue: blocking there never starves Swift's cooperative pool (2 threads on our
/// 2-core machines), and the actor guarantees one caller at a time.
final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is a DispatchQueue, which is thread-safe.
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        queue.async { unownedJob.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
