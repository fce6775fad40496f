/// An event on `kiln.events`, decoded: its kind and exactly the identifiers that kind carries. Producers
/// enqueue one of these (the routing key and the body both come from the case, so they cannot disagree) and
/// the consumer decodes each delivery into one once, before any handler runs; handlers are registered per
/// kind (`EventHandlers` in KilnRuntime) and receive the case's identifiers already typed.
///
/// The catalogue of hops, with why each exists, is deploy/docs/messages.md.
public enum KilnEvent: Hashable, Sendable {
    /// `wr.unblocked`: the lookup-resolver resolves the work request's `Stage.pending` inputs.
    case unblocked(WorkRequestID)
    /// `wr.inputs-resolved`: the tag-computer configures it and computes its tag sets.
    case inputsResolved(WorkRequestID)
    /// `wr.pending`: the scheduler may assign it.
    case pending(WorkRequestID)
    /// `wr.assigned`: the lookup-resolver computes this assignment's dynamic data.
    case assigned(Assignment)
    /// `wr.dispatch`: the worker-gateway sends this assignment to its worker.
    case dispatch(Assignment)
    /// `wr.completed`: the scheduler frees the worker's slot.
    case completed(WorkRequestID)
    /// `wr.aborted`: the scheduler frees the slot, the worker-gateway tells the worker to stop.
    case aborted(AbortedWorkRequest)
    /// `worker.metadata`: the tag-computer recomputes the worker's tags.
    case workerMetadata(WorkerID)
    /// `worker.ready`: the scheduler may use the worker.
    case workerReady(WorkerID)
    /// `worker.gone`: the scheduler stops using it.
    case workerGone(WorkerID)
    /// `worker.disabled`.
    case workerDisabled(WorkerID)

    /// The routing key (and AMQP `type`) the event is published with.
    public var routingKey: RoutingKey {
        switch self {
        case .unblocked: .workRequestUnblocked
        case .inputsResolved: .workRequestInputsResolved
        case .pending: .workRequestPending
        case .assigned: .workRequestAssigned
        case .dispatch: .workRequestDispatch
        case .completed: .workRequestCompleted
        case .aborted: .workRequestAborted
        case .workerMetadata: .workerMetadata
        case .workerReady: .workerReady
        case .workerGone: .workerGone
        case .workerDisabled: .workerDisabled
        }
    }

    /// The work request concerned, for `wr.*` events (logs, the poison path).
    public var workRequestID: WorkRequestID? {
        switch self {
        case .unblocked(let id), .inputsResolved(let id), .pending(let id), .completed(let id): id
        case .assigned(let assignment), .dispatch(let assignment): assignment.workRequest
        case .aborted(let aborted): aborted.workRequest
        case .workerMetadata, .workerReady, .workerGone, .workerDisabled: nil
        }
    }

    /// The worker concerned, where the event names one.
    public var workerID: WorkerID? {
        switch self {
        case .assigned(let assignment), .dispatch(let assignment): assignment.worker
        case .aborted(let aborted): aborted.worker
        case .workerMetadata(let id), .workerReady(let id), .workerGone(let id), .workerDisabled(let id): id
        case .unblocked, .inputsResolved, .pending, .completed: nil
        }
    }

    /// The wire form.
    public var body: EventBody {
        switch self {
        case .unblocked(let id), .inputsResolved(let id), .pending(let id), .completed(let id):
            EventBody(workRequestID: id.rawValue)
        case .assigned(let assignment), .dispatch(let assignment):
            EventBody(
                workRequestID: assignment.workRequest.rawValue, workerID: assignment.worker.rawValue,
                epoch: assignment.epoch.rawValue)
        case .aborted(let aborted):
            EventBody(
                workRequestID: aborted.workRequest.rawValue, workerID: aborted.worker?.rawValue,
                epoch: aborted.epoch?.rawValue)
        case .workerMetadata(let id), .workerReady(let id), .workerGone(let id), .workerDisabled(let id):
            EventBody(workerID: id.rawValue)
        }
    }

    /// Decodes a body published with `key`, refusing a missing identifier the kind needs and an impossible
    /// one (ids are positive database keys; an epoch counts from 0). Identifiers a kind does not carry are
    /// ignored, so a producer that adds one stays readable.
    public init(_ key: RoutingKey, body: EventBody) throws(MessageError) {
        if let id = body.workRequestID, id < 1 { throw .invalid("work_request_id must be positive, not \(id)") }
        if let id = body.workerID, id < 1 { throw .invalid("worker_id must be positive, not \(id)") }
        if let epoch = body.epoch, epoch < 0 { throw .invalid("epoch must not be negative, not \(epoch)") }
        switch key {
        case .workRequestUnblocked, .workRequestInputsResolved, .workRequestPending, .workRequestCompleted,
            .workRequestAborted:
            guard let raw = body.workRequestID else { throw .invalid("\(key.rawValue) needs work_request_id") }
            let id = WorkRequestID(raw)
            switch key {
            case .workRequestUnblocked: self = .unblocked(id)
            case .workRequestInputsResolved: self = .inputsResolved(id)
            case .workRequestPending: self = .pending(id)
            case .workRequestCompleted: self = .completed(id)
            default:
                self = .aborted(
                    AbortedWorkRequest(
                        workRequest: id, worker: body.workerID.map { WorkerID($0) }, epoch: body.epoch.map { Epoch($0) }))
            }
        case .workRequestAssigned, .workRequestDispatch:
            guard let id = body.workRequestID, let worker = body.workerID, let epoch = body.epoch else {
                throw .invalid("\(key.rawValue) needs work_request_id, worker_id and epoch")
            }
            let assignment = Assignment(workRequest: WorkRequestID(id), worker: WorkerID(worker), epoch: Epoch(epoch))
            self = key == .workRequestAssigned ? .assigned(assignment) : .dispatch(assignment)
        case .workerMetadata, .workerReady, .workerGone, .workerDisabled:
            guard let raw = body.workerID else { throw .invalid("\(key.rawValue) needs worker_id") }
            let id = WorkerID(raw)
            switch key {
            case .workerMetadata: self = .workerMetadata(id)
            case .workerReady: self = .workerReady(id)
            case .workerDisabled: self = .workerDisabled(id)
            default: self = .workerGone(id)
            }
        }
    }
}

/// What `wr.aborted` says: the work request, and the assignment it was aborted in when it had a worker
/// (the abort clears the row's worker, so the event is where the worker-gateway learns whom to tell).
public struct AbortedWorkRequest: Hashable, Sendable {
    /// The aborted work request.
    public var workRequest: WorkRequestID
    /// Its worker at the abort, if any.
    public var worker: WorkerID?
    /// That assignment's epoch; absent from events of older producers, which then mean the last one.
    public var epoch: Epoch?

    /// Describes an abort.
    public init(workRequest: WorkRequestID, worker: WorkerID? = nil, epoch: Epoch? = nil) {
        self.workRequest = workRequest
        self.worker = worker
        self.epoch = epoch
    }
}
