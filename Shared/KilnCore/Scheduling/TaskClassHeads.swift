/// The head (best pending position) of every task class, with a 64-bit summary of each head beside it so the
/// scans that pick the best head among up to 64 classes (seeding and repairing candidate heaps) compare one
/// dense integer per class instead of a 3-field key through an optional. Those scans run once per eligible
/// task class per worker class, the cost that grows with pending × worker classes in BM6.
struct TaskClassHeads: Sendable {
    /// By task class id; `nil` exactly when the class is dead.
    private(set) var keys: [WorkRequestQueueKey?] = []
    /// By task class id: `keys[id]?.orderSummary`, or `UInt64.max` for a dead class.
    private(set) var summaries: [UInt64] = []

    /// The head of task class `classID`; setting it keeps the summary in step.
    subscript(classID: Int) -> WorkRequestQueueKey? {
        get { keys[classID] }
        set {
            keys[classID] = newValue
            summaries[classID] = newValue?.orderSummary ?? .max
        }
    }

    /// Adds a task class with the given head.
    mutating func append(_ head: WorkRequestQueueKey?) {
        keys.append(head)
        summaries.append(head?.orderSummary ?? .max)
    }

    /// The best head among the task classes `bits` of word `wordIndex` stand for (dead ones skipped). Summaries
    /// decide unless they tie, when the full keys do, so the result is exactly the smallest key.
    func best(amongBits bits: UInt64, ofWord wordIndex: Int) -> EligibleHead? {
        var rest = bits
        var bestID = -1
        var bestSummary = UInt64.max
        summaries.withUnsafeBufferPointer { summaries in
            keys.withUnsafeBufferPointer { keys in
                while rest != 0 {
                    let taskClassID = wordIndex << 6 + rest.trailingZeroBitCount
                    rest &= rest - 1
                    let summary = summaries[taskClassID]
                    if summary < bestSummary {  // never true for a dead class (summary .max)
                        bestSummary = summary
                        bestID = taskClassID
                    } else if summary == bestSummary, let head = keys[taskClassID] {
                        if bestID < 0 {
                            bestID = taskClassID
                        } else if let best = keys[bestID], head < best {
                            bestID = taskClassID
                        }
                    }
                }
            }
        }
        guard bestID >= 0, let key = keys[bestID] else { return nil }
        return EligibleHead(key: key, taskClassID: Int32(bestID))
    }
}

extension WorkRequestQueueKey {
    /// A 64-bit summary of the queue position, monotone in queue order (Debusine `WorkRequestQuerySet.pending`): if
    /// `a < b` then `a.orderSummary <= b.orderSummary`, so a smaller summary means an earlier position and only equal
    /// summaries need the full comparison. High 16 bits: the priority, highest first; low 48 bits: the top of
    /// `createdAt`'s order-preserving bit pattern (sub-10 ms resolution for today's dates). A priority outside
    /// the 16-bit range gets constant low bits (all zeros above the range, all ones below), so it ties with, or
    /// sorts beyond, every key of its clamped band and never inverts the order. Assumes `createdAt` is not NaN
    /// (timestamps from PostgreSQL never are).
    var orderSummary: UInt64 {
        let clamped = Int16(clamping: effectivePriority)
        let priorityBits = UInt64(~(UInt16(bitPattern: clamped) ^ 0x8000)) << 48
        if Int(clamped) != effectivePriority {
            return priorityBits | (effectivePriority > 0 ? 0 : 0xFFFF_FFFF_FFFF)
        }
        let seconds = createdAt.timeIntervalSinceReferenceDate + 0.0  // -0.0 becomes +0.0, as == treats them
        let bits = seconds.bitPattern
        let ordered = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return priorityBits | (ordered >> 16)
    }
}
