/// The wire form of every event on `kiln.events`: which work request or worker changed, and the fencing
/// number where it matters. Events carry identifiers, never state: the consumer reads PostgreSQL.
///
/// ```json
/// {"schema_version": 1, "work_request_id": 12, "worker_id": 4, "epoch": 3}
/// ```
///
/// Code does not read or build this directly: producers write a ``KilnEvent`` (which sets exactly the
/// identifiers its kind needs) and the consumer turns a body back into one with
/// ``KilnEvent/init(_:body:)``, which is where a missing or impossible identifier is refused.
public struct EventBody: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The work request concerned (every `wr.*` event).
    public var workRequestID: Int?
    /// The worker concerned (`worker.*` events, `wr.assigned`/`wr.dispatch`, and `wr.aborted` when the work
    /// request had one).
    public var workerID: Int?
    /// The assignment's fencing number (`wr.assigned`, `wr.dispatch`, `wr.aborted` with a worker).
    public var epoch: Int?

    /// Every identifier is optional: each event kind sets only those it concerns. Stamps the current
    /// `MessageCodec.schemaVersion`, so producers cannot forget it. Tests use it to hand-make bodies.
    public init(workRequestID: Int? = nil, workerID: Int? = nil, epoch: Int? = nil) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workRequestID = workRequestID
        self.workerID = workerID
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequestID = "work_request_id"
        case workerID = "worker_id"
        case epoch
    }
}
