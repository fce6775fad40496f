import AMQP
import Synchronization

/// Deliveries received and not yet taken by a processor of ``BoundedDeliveryLoop``: the intake puts, the
/// processors take whatever is there (up to a batch) or wait for the next one.
///
/// A batch is never held back to fill up: batching is what a backlog gives for free, not a delay added to
/// a quiet queue.
final class DeliveryBuffer: Sendable {
    private struct State {
        var deliveries: [Delivery] = []
        /// Index of the first delivery not yet taken (the array is compacted when it empties).
        var head = 0
        var waiting: [CheckedContinuation<[Delivery]?, Never>] = []
        var finished = false
        var discarding = false
    }

    private let state = Mutex(State())

    /// Adds a delivery, or hands it straight to a waiting processor.
    func put(_ delivery: Delivery) {
        let waiter: CheckedContinuation<[Delivery]?, Never>? = state.withLock { state in
            if !state.waiting.isEmpty { return state.waiting.removeFirst() }
            if !state.discarding { state.deliveries.append(delivery) }
            return nil
        }
        waiter?.resume(returning: [delivery])
    }

    /// No more deliveries will come: waiting processors get `nil` once the buffer is empty. With
    /// `discardingPending`, what is buffered is dropped unprocessed (a stop: the broker returns those
    /// messages to the queue when the channel closes) and later puts are dropped too.
    func finish(discardingPending: Bool = false) {
        let waiters = state.withLock { state in
            state.finished = true
            if discardingPending {
                state.deliveries.removeAll()
                state.head = 0
                state.discarding = true
            }
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Up to `limit` deliveries in arrival order, waiting while there are none; `nil` once finished and empty.
    func take(atMost limit: Int) async -> [Delivery]? {
        await withCheckedContinuation { continuation in
            let ready: [Delivery]?? = state.withLock { state in
                let available = state.deliveries.count - state.head
                if available > 0 {
                    let end = state.head + min(limit, available)
                    let batch = Array(state.deliveries[state.head..<end])
                    state.head = end
                    if state.head == state.deliveries.count {
                        state.deliveries.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .some(batch)
                }
                if state.finished { return .some(nil) }
                state.waiting.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
