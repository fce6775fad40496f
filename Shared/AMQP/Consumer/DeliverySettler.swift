import Synchronization

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
/// actor hop; the actor drains them before every poll. A lock, not an actor, because a hop per ack would cost
/// more than the ack itself.
final class DeliverySettler: Sendable {
    private let pending = Mutex<[Settlement]>([])

    func enqueue(_ settlement: Settlement) {
        pending.withLock { $0.append(settlement) }
    }

    func drain() -> [Settlement] {
        pending.withLock { list in
            guard !list.isEmpty else { return [] }
            let drained = list
            list.removeAll(keepingCapacity: true)
            return drained
        }
    }
}
