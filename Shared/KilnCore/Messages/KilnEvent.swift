/// The body of every event on `kiln.events`: which work request or worker changed, and the fencing number
/// where it matters. Events carry identifiers, never state: the consumer reads PostgreSQL.
///
/// ```json
/// {"schema_version": 1, "work_request_id": 12, "epoch": 3}
/// ```
public struct KilnEvent: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The work request concerned (every `wr.*` event).
    public var workRequestID: Int?
    /// The worker concerned (`worker.*` events, and `wr.assigned`/`wr.dispatch`).
    public var workerID: Int?
    /// The assignment's fencing number (`wr.assigned`, `wr.dispatch`).
    public var epoch: Int?

    /// Every identifier is optional: each event kind sets only those it concerns. Stamps the current
    /// `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(workRequestID: Int? = nil, workerID: Int? = nil, epoch: Int? = nil) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.workRequestID = workRequestID
        self.workerID = workerID
        self.epoch = epoch
    }

    /// Checks that the identifiers the routing key needs are present.
    public func validate(for key: RoutingKey) throws(MessageError) {
        // Identifiers are database keys: positive. An epoch counts assignments from 0.
        if let workRequestID, workRequestID < 1 { throw .invalid("work_request_id must be positive, not \(workRequestID)") }
        if let workerID, workerID < 1 { throw .invalid("worker_id must be positive, not \(workerID)") }
        if let epoch, epoch < 0 { throw .invalid("epoch must not be negative, not \(epoch)") }
        switch key {
        case .workRequestUnblocked, .workRequestInputsResolved, .workRequestPending, .workRequestCompleted,
            .workRequestAborted:
            guard workRequestID != nil else { throw .invalid("\(key.rawValue) needs work_request_id") }
        case .workRequestAssigned, .workRequestDispatch:
            guard workRequestID != nil, workerID != nil, epoch != nil else {
                throw .invalid("\(key.rawValue) needs work_request_id, worker_id and epoch")
            }
        case .workerMetadata, .workerReady, .workerGone:
            guard workerID != nil else { throw .invalid("\(key.rawValue) needs worker_id") }
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case workRequestID = "work_request_id"
        case workerID = "worker_id"
        case epoch
    }
}
