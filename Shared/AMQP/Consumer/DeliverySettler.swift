import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One settlement (ack, nack or reject) waiting to be written by the consumer's connection.
struct Settlement: Sendable {
    enum Kind: Sendable, Equatable {
        case ack
        case nack(requeue: Bool)
        case reject(requeue: Bool)
    }

    var channel: UInt16
    var channelGeneration: UInt64
    var deliveryTag: UInt64
    var kind: Kind
}

/// The hand-off between handlers (any task) and the consumer actor: handlers append settlements without an
/// actor hop; the actor drains them before every wait. A lock, not an actor, because a hop per ack would cost
/// more than the ack itself.
///
/// The consumer's wait for the next frame must end as soon as a settlement is queued: with prefetch N the
/// broker sends nothing more until acks arrive, so an ack that sat out the wait (up to 250 ms) capped a
/// consumer at N deliveries per wait — 32 work requests a second in every service at prefetch 8. A pipe is
/// the doorbell: the first settlement queued after a drain writes a byte, and the consumer waits on the
/// socket and the pipe together (``RawConnection/waitForInput(orWake:timeout:)``).
final class DeliverySettler: Sendable {
    private let pending = Mutex<[Settlement]>([])
    /// The pipe's read end, readable while a settlement waits; -1 when the kernel refused a pipe (the
    /// consumer then waits out its poll timeout, as it did before the doorbell existed).
    let wakeDescriptor: Int32
    private let ringDescriptor: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            wakeDescriptor = -1
            ringDescriptor = -1
            return
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = ends[0]
        ringDescriptor = ends[1]
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
        if ringDescriptor >= 0 { close(ringDescriptor) }
    }

    func enqueue(_ settlement: Settlement) {
        let wasEmpty = pending.withLock { list in
            list.append(settlement)
            return list.count == 1
        }
        // Only the first settlement after a drain rings: the consumer clears the bell before draining, so a
        // later one finds the list non-empty and the bell already rung.
        if wasEmpty { ring() }
    }

    /// Takes every queued settlement. Clears the doorbell first, so a settlement queued after the drain rings
    /// it again and none waits out a poll timeout.
    func drain() -> [Settlement] {
        clearBell()
        return pending.withLock { list in
            guard !list.isEmpty else { return [] }
            let drained = list
            list.removeAll(keepingCapacity: true)
            return drained
        }
    }

    /// Ends the consumer's current wait without a settlement (its task was cancelled).
    func interruptWait() { ring() }

    private func ring() {
        guard ringDescriptor >= 0 else { return }
        var byte: UInt8 = 1
        // EAGAIN means the pipe is full: the bell is rung already.
        _ = write(ringDescriptor, &byte, 1)
    }

    private func clearBell() {
        guard wakeDescriptor >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        // Until EAGAIN (empty); normally one byte is there, or none.
        while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
    }
}
