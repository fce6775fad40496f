import Foundation

/// What a `kiln-worker` sends on the `kiln.gateway` exchange (its restricted RabbitMQ account may write only
/// there). Every message carries the worker's token; the gateway keeps only SHA-256 digests of tokens.
public enum WorkerMessageKind: String, CaseIterable, Sendable, Codable {
    /// First message after connecting: identity, queue and dynamic metadata.
    case hello = "worker.hello"
    /// Periodic liveness: renews the leases of the work requests it runs.
    case heartbeat = "worker.heartbeat"
    /// New dynamic metadata (provided tags, architectures, executors…).
    case metadata = "worker.metadata-update"
    /// The outcome of a work request, with the assignment's fencing number.
    case result = "worker.result"
}

/// `worker.hello`: a worker introduces itself (Debusine `server/views/workers.py` `RegisterView.post`). An unknown
/// token registers a disabled worker (an admin enables it); an activation token attaches the new token to a pre-created
/// worker and enables it.
public struct WorkerHello: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The worker's secret token (random, at most 64 characters).
    public var token: String
    /// A one-shot activation token from `kiln worker create`, if the worker was pre-created.
    public var activationToken: String?
    /// The host's fully qualified domain name; the worker's name is derived from it.
    public var fqdn: String
    /// `external` or `signing`.
    public var workerType: WorkerType
    /// The worker's exclusive, server-named queue (`amq.gen-…`) where assignments are delivered.
    public var queue: String
    /// Dynamic metadata (Debusine `worker/_worker.py` `Worker._get_worker_metadata`): `system:*` keys and
    /// `provided_tags`.
    public var metadata: [String: JSONValue]
    /// A random value the worker process chose at start and sends with every hello; the gateway echoes it in
    /// its welcome or refusal, so the worker can tell an answer to its own hello from one caused by another
    /// client's hello naming this worker's queue (which it then ignores). Absent from older workers.
    public var session: String?
    /// The assignments this process is still running, as its heartbeats list them: a worker that reconnects (its
    /// broker connection dropped) keeps them, where a restarted process (none listed) has its running work handed
    /// back. Debusine's worker keeps a running task across a reconnection the same way (it asks for work only
    /// when idle, `worker/_worker.py`). Absent from older workers: nothing is kept.
    public var running: [RunningAssignment]?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(
        token: String, activationToken: String? = nil, fqdn: String, workerType: WorkerType, queue: String,
        metadata: [String: JSONValue], session: String? = nil, running: [RunningAssignment]? = nil
    ) {
        self.session = session
        self.running = running
        self.schemaVersion = MessageCodec.schemaVersion
        self.token = token
        self.activationToken = activationToken
        self.fqdn = fqdn
        self.workerType = workerType
        self.queue = queue
        self.metadata = metadata
    }

    /// Refuses bad tokens, fqdns, worker types and non server-named queues before any database work (B2).
    public func validate() throws(MessageError) {
        guard (1...64).contains(token.count) else { throw .invalid("token must have 1 to 64 characters") }
        guard (1...400).contains(fqdn.count) else { throw .invalid("fqdn must have 1 to 400 characters") }
        guard workerType == .external || workerType == .signing else {
            throw .invalid("worker_type must be external or signing, not \(workerType.rawValue)")
        }
        guard Self.isServerNamedQueue(queue) else { throw .invalid("queue must be a server-named amq.gen-* queue") }
        if let session, !Self.isValidSession(session) { throw .invalid("session must have 1 to 64 characters") }
    }

    /// A queue RabbitMQ named for one connection (`amq.gen-…`, at most 255 bytes): the only kind a worker
    /// replies on, so nothing the gateway sends can land in a service's queue.
    public static func isServerNamedQueue(_ queue: String) -> Bool {
        queue.hasPrefix("amq.gen-") && queue.utf8.count <= 255
    }

    /// A session a hello may carry: 1 to 64 characters.
    public static func isValidSession(_ session: String) -> Bool { (1...64).contains(session.count) }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case token
        case activationToken = "activation_token"
        case fqdn
        case workerType = "worker_type"
        case queue, metadata, session, running
    }
}

/// `worker.heartbeat`: the worker is alive and runs these assignments (work request id → epoch).
public struct WorkerHeartbeat: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The worker's secret token, which identifies and authenticates it.
    public var token: String
    /// The assignments the worker is running, each with its fencing number.
    public var running: [RunningAssignment]
    /// What each running task last said it was doing, by work request id (`"42": "running sbuild"`); absent
    /// when nothing was said. The gateway records it for `kiln watch` and `kiln show`.
    public var progress: [String: String]?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(token: String, running: [RunningAssignment], progress: [String: String]? = nil) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.token = token
        self.running = running
        self.progress = progress
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case token, running, progress
    }
}

/// A work request a worker runs, with the fencing number of its assignment.
public struct RunningAssignment: Codable, Hashable, Sendable {
    /// The work request being run.
    public var workRequestID: Int
    /// The assignment's fencing number: only the lease of this very assignment is renewed.
    public var epoch: Int

    /// Pairs a work request with the epoch the worker was assigned it under.
    public init(workRequestID: Int, epoch: Int) {
        self.workRequestID = workRequestID
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case workRequestID = "work_request_id"
        case epoch
    }
}

/// `worker.metadata-update`: replaces the worker's dynamic metadata.
public struct WorkerMetadataUpdate: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The worker's secret token, which identifies and authenticates it.
    public var token: String
    /// The full new dynamic metadata (Debusine `db/models/workers.py` `Worker.set_dynamic_metadata`); it replaces, not
    /// merges, the stored one.
    public var metadata: [String: JSONValue]

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(token: String, metadata: [String: JSONValue]) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.token = token
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case token, metadata
    }
}

/// `worker.result`: the outcome of an assignment. The gateway accepts it only if the work request is still
/// assigned to this worker with this epoch (a late result after a lease expiry is refused and logged).
public struct WorkerResult: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The worker's secret token, which identifies and authenticates it.
    public var token: String
    /// The work request the result is for.
    public var workRequestID: Int
    /// The assignment's fencing number: a result under an older epoch is refused.
    public var epoch: Int
    /// `success`, `failure`, `temporary failure`, `error` or `skipped` (never empty: Debusine `server/serializers.py`
    /// `WorkRequestCompletedSerializer`).
    public var result: String
    /// Merged into the work request's output data (`runtime_statistics`, `errors`, `skip_reason`).
    public var outputData: [String: JSONValue]?

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(token: String, workRequestID: Int, epoch: Int, result: String, outputData: [String: JSONValue]? = nil) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.token = token
        self.workRequestID = workRequestID
        self.epoch = epoch
        self.result = result
        self.outputData = outputData
    }

    /// Refuses an empty or unknown result, which Debusine's API rejects too (`server/serializers.py`
    /// `WorkRequestCompletedSerializer`).
    public func validate() throws(MessageError) {
        guard ["success", "failure", "temporary failure", "error", "skipped"].contains(result) else {
            throw .invalid("result must be success, failure, temporary failure, error or skipped, not '\(result)'")
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case token
        case workRequestID = "work_request_id"
        case epoch, result
        case outputData = "output_data"
    }
}
