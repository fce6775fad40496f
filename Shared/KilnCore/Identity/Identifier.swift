/// A database key of one kind of row: a work request's id and a worker's id are both integers, and an event
/// carries both, so each gets its own type and one cannot be passed where the other is meant.
///
/// `Subject` only names the kind (``WorkRequestID``, ``WorkerID``, ``Epoch``); the value is the row's
/// `bigint` key, positive (an epoch counts from 0). It encodes as a plain JSON number, so the wire form of every message is unchanged.
public struct Identifier<Subject>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible, ExpressibleByIntegerLiteral
{
    /// The row's key.
    public let rawValue: Int

    /// Wraps a key (no check: the database and the message decoders check keys where they enter).
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Wraps a key.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// A literal key, for tests and fixtures.
    public init(integerLiteral value: Int) { rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// The kind of ``WorkRequestID``.
public enum WorkRequestIdentity {}
/// The kind of ``WorkerID``.
public enum WorkerIdentity {}

/// A work request's id (`work_requests.id`).
public typealias WorkRequestID = Identifier<WorkRequestIdentity>
/// A worker's id (`workers.id`).
public typealias WorkerID = Identifier<WorkerIdentity>

/// The kind of ``Epoch``.
public enum AssignmentEpochIdentity {}

/// An assignment's fencing number (`work_requests.assignment_epoch`): it grows by one each time a work
/// request is assigned, so a message about an earlier assignment (a late result, a stale dispatch) can be
/// told from one about the current one. With the work request's id it identifies one assignment, hence the
/// same wrapper as the row keys; unlike them it counts from 0 (never assigned).
public typealias Epoch = Identifier<AssignmentEpochIdentity>

/// One assignment of a work request to a worker: what `wr.assigned` and `wr.dispatch` announce, and what
/// every step between them checks against the row before acting (the row's worker and epoch must still be
/// these, or the message is about an assignment that is over).
public struct Assignment: Hashable, Sendable, CustomStringConvertible {
    /// The work request assigned.
    public var workRequest: WorkRequestID
    /// The worker it is assigned to.
    public var worker: WorkerID
    /// Which assignment of the work request this is.
    public var epoch: Epoch

    /// Describes an assignment.
    public init(workRequest: WorkRequestID, worker: WorkerID, epoch: Epoch) {
        self.workRequest = workRequest
        self.worker = worker
        self.epoch = epoch
    }

    public var description: String { "work request \(workRequest) on worker \(worker), epoch \(epoch)" }
}
