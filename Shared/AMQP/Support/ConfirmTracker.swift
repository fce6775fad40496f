/// The publisher-confirm bookkeeping of one channel: which delivery tags are still unconfirmed and which
/// message each stands for. Pure, so the `multiple` semantics are tested without a broker.
///
/// Tags are assigned by the channel in increasing order (1, 2, 3, … after `confirm.select`), so the
/// outstanding ones are kept as a sorted list; acks mostly arrive in order, making settlement O(1) amortised.
public struct ConfirmTracker<Payload>: Sendable where Payload: Sendable {
    private var entries: [(tag: UInt64, payload: Payload?)] = []
    private var head = 0
    public private(set) var outstanding = 0

    public init() {}

    /// Records a published message. Tags must increase.
    public mutating func add(tag: UInt64, payload: Payload) {
        precondition(entries.last.map { $0.tag < tag } ?? true, "delivery tags must increase")
        entries.append((tag, payload))
        outstanding += 1
    }

    /// Settles `tag` (or, with `multiple`, every outstanding tag up to it) and returns the payloads settled,
    /// in tag order. Unknown tags settle nothing.
    public mutating func settle(tag: UInt64, multiple: Bool) -> [Payload] {
        var settled: [Payload] = []
        if multiple {
            while head < entries.count, entries[head].tag <= tag {
                if let payload = entries[head].payload {
                    settled.append(payload)
                    outstanding -= 1
                }
                head += 1
            }
        } else if let index = index(of: tag), let payload = entries[index].payload {
            entries[index].payload = nil
            settled.append(payload)
            outstanding -= 1
        }
        while head < entries.count, entries[head].payload == nil { head += 1 }
        compactIfWorthIt()
        return settled
    }

    /// Removes and returns every outstanding payload (the channel or connection died: outcome unknown).
    public mutating func removeAll() -> [Payload] {
        let remaining = entries[head...].compactMap(\.payload)
        entries.removeAll(keepingCapacity: true)
        head = 0
        outstanding = 0
        return remaining
    }

    /// Outstanding payloads, in tag order, without removing them.
    public var pendingPayloads: [Payload] { entries[head...].compactMap(\.payload) }

    private func index(of tag: UInt64) -> Int? {
        var low = head
        var high = entries.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if entries[middle].tag == tag { return middle }
            if entries[middle].tag < tag { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    private mutating func compactIfWorthIt() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
