/// Every routing key Kiln publishes, in one place (the message catalogue): events on the `kiln.events` topic
/// exchange, worker commands on the `kiln.gateway` exchange.
///
/// Events are doorbells, not state: each names the work request or worker it concerns, and its consumer
/// re-reads PostgreSQL (the truth) and acts only if the row is still in the expected state, so a duplicate
/// or late event is harmless.
public enum RoutingKey: String, CaseIterable, Sendable, Codable {
    /// A work request became pending-requested (submitted, or its dependencies finished): the
    /// lookup-resolver resolves its `Stage.pending` input fields.
    case workRequestUnblocked = "wr.unblocked"
    /// `Stage.pending` fields are resolved: the tag-computer configures it and computes its tag sets.
    case workRequestInputsResolved = "wr.inputs-resolved"
    /// The work request is pending with frozen tags: the scheduler may assign it.
    case workRequestPending = "wr.pending"
    /// The scheduler assigned it to a worker: the lookup-resolver resolves `Stage.running` fields and
    /// computes dynamic data.
    case workRequestAssigned = "wr.assigned"
    /// Dynamic data is ready: the worker-gateway sends the assignment to the worker's queue.
    case workRequestDispatch = "wr.dispatch"
    /// The work request completed (any result): the scheduler unblocks or aborts reverse dependencies and
    /// frees the worker's slot.
    case workRequestCompleted = "wr.completed"
    /// The work request was aborted: the scheduler cascades, the worker-gateway tells its worker to stop.
    case workRequestAborted = "wr.aborted"
    /// A worker's metadata changed: the tag-computer recomputes its tag sets.
    case workerMetadata = "worker.metadata"
    /// A worker's tag sets are current and it is connected and enabled: the scheduler may use it.
    case workerReady = "worker.ready"
    /// A worker went away (disconnected, disabled or silent past its lease).
    case workerGone = "worker.gone"
    /// An administrator disabled a worker: the worker-gateway tells it at once, if it is connected, and marks
    /// it disconnected (Debusine's `WorkerConsumer.worker_disabled`).
    case workerDisabled = "worker.disabled"
}
