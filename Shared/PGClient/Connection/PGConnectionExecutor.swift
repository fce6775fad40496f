import Dispatch

/// `PGConnection`'s serial executor: one private dispatch queue per connection, so libpq's blocking calls stay
/// off Swift's small cooperative pool and a `PGconn` is never used by two threads at once.
///
/// The same thing as `KilnBase.QueueExecutor` (which the AMQP actors use), kept here on purpose: an actor with
/// an `isolated deinit` whose executor type comes from another module sends the release-mode optimizer of
/// every module importing PGClient into a cycle ("circular reference", Swift 6.3.1), and PGConnection needs its
/// `isolated deinit` (a nonisolated one crashed `poolWaitsWhenExhausted`: the session must be finished on the
/// connection's own queue).
final class PGConnectionExecutor: SerialExecutor, @unchecked Sendable {
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
