import KilnCore
import Store

/// One kind of event a handler can be registered for, and how to take its identifiers out of a decoded
/// ``KilnEvent``: `.pending` gives a `WorkRequestID`, `.assigned` an `Assignment`, `.workerReady` a
/// `WorkerID`. The presets below are the whole vocabulary, one per routing key.
public struct EventRoute<Subject: Sendable>: Sendable {
    /// The kind.
    public let routingKey: RoutingKey
    /// The case's payload; `nil` only for an event of another kind.
    let subject: @Sendable (KilnEvent) -> Subject?
}

extension EventRoute where Subject == WorkRequestID {
    /// `wr.unblocked`.
    public static var unblocked: Self {
        Self(routingKey: .workRequestUnblocked) { if case .unblocked(let id) = $0 { id } else { nil } }
    }
    /// `wr.inputs-resolved`.
    public static var inputsResolved: Self {
        Self(routingKey: .workRequestInputsResolved) { if case .inputsResolved(let id) = $0 { id } else { nil } }
    }
    /// `wr.pending`.
    public static var pending: Self {
        Self(routingKey: .workRequestPending) { if case .pending(let id) = $0 { id } else { nil } }
    }
    /// `wr.completed`.
    public static var completed: Self {
        Self(routingKey: .workRequestCompleted) { if case .completed(let id) = $0 { id } else { nil } }
    }
}

extension EventRoute where Subject == Assignment {
    /// `wr.assigned`.
    public static var assigned: Self {
        Self(routingKey: .workRequestAssigned) { if case .assigned(let assignment) = $0 { assignment } else { nil } }
    }
    /// `wr.dispatch`.
    public static var dispatch: Self {
        Self(routingKey: .workRequestDispatch) { if case .dispatch(let assignment) = $0 { assignment } else { nil } }
    }
}

extension EventRoute where Subject == AbortedWorkRequest {
    /// `wr.aborted`.
    public static var aborted: Self {
        Self(routingKey: .workRequestAborted) { if case .aborted(let aborted) = $0 { aborted } else { nil } }
    }
}

extension EventRoute where Subject == WorkerID {
    /// `worker.metadata`.
    public static var workerMetadata: Self {
        Self(routingKey: .workerMetadata) { if case .workerMetadata(let id) = $0 { id } else { nil } }
    }
    /// `worker.ready`.
    public static var workerReady: Self {
        Self(routingKey: .workerReady) { if case .workerReady(let id) = $0 { id } else { nil } }
    }
    /// `worker.gone`.
    public static var workerGone: Self {
        Self(routingKey: .workerGone) { if case .workerGone(let id) = $0 { id } else { nil } }
    }
    /// `worker.disabled`.
    public static var workerDisabled: Self {
        Self(routingKey: .workerDisabled) { if case .workerDisabled(let id) = $0 { id } else { nil } }
    }
}

/// A service's handlers, one per kind of event it consumes. The ``EventConsumer`` decodes each delivery into
/// a ``KilnEvent`` once and calls the handler registered for its kind with the kind's identifiers already
/// typed; an event of a kind nobody registered is dead-lettered before any transaction (reason
/// `unexpected_event_type`), so no handler needs a fallback case or a "needs work_request_id" check.
///
/// ```swift
/// var handlers = EventHandlers()
/// handlers.on(.assigned) { assignment, context, conn in … }
/// handlers.on(.workerMetadata) { worker, context, conn in … }
/// ```
public struct EventHandlers: Sendable {
    /// A handler of one kind: the event's identifiers, its context, the consumer's transaction.
    public typealias Handler<Subject> = @Sendable (Subject, EventContext, PGConnection) async throws -> Void

    private var table: [RoutingKey: EventHandler] = [:]

    /// No handlers yet.
    public init() {}

    /// Registers the handler of `route`'s kind (one per kind: registering a second is a programming error).
    public mutating func on<Subject>(_ route: EventRoute<Subject>, _ handler: @escaping Handler<Subject>) {
        let key = route.routingKey
        precondition(table[key] == nil, "two handlers registered for \(key.rawValue)")
        table[key] = { context, conn in
            // The consumer looks the handler up by the event's own kind, so the case always matches.
            guard let subject = route.subject(context.event) else {
                throw EventRejected("\(context.routingKey.rawValue) reached the handler of \(key.rawValue)")
            }
            try await handler(subject, context, conn)
        }
    }

    /// Registers one handler for several kinds, given the whole event (for handlers that treat the kinds
    /// alike, such as the scheduler's "re-read this worker", and for tests of the consumer itself).
    public mutating func on(_ keys: [RoutingKey], _ handler: @escaping EventHandler) {
        for key in keys {
            precondition(table[key] == nil, "two handlers registered for \(key.rawValue)")
            table[key] = handler
        }
    }

    /// The kinds with a handler.
    public var routingKeys: Set<RoutingKey> { Set(table.keys) }

    /// The same handlers, each preceded by `step` in the same transaction (the scheduler's leadership
    /// fence, say).
    public func preceded(by step: @escaping EventHandler) -> EventHandlers {
        var copy = self
        copy.table = table.mapValues { handler in
            { context, conn in
                try await step(context, conn)
                try await handler(context, conn)
            }
        }
        return copy
    }

    /// Applies `context`'s event with the handler of its kind.
    ///
    /// - Throws: ``EventRejected`` when no handler is registered for the kind (the consumer refuses such an
    ///   event before this is reached), or whatever the handler throws.
    public func handle(_ context: EventContext, on conn: PGConnection) async throws {
        guard let handler = table[context.routingKey] else {
            throw EventRejected("no handler for \(context.routingKey.rawValue)")
        }
        try await handler(context, conn)
    }
}
