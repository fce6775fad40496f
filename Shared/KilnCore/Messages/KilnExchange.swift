/// The names of Kiln's exchanges, in the core so that every producer and consumer — the services, the CLI's
/// outbox writes and the worker, which links neither the runtime nor the database client — spells them alike.
public enum KilnExchange {
    /// The topic exchange of every `wr.*` and `worker.*` event (see `RoutingKey`).
    public static let events = "kiln.events"
    /// Where workers publish (`worker.hello`, `worker.heartbeat`, …); their restricted account may write only
    /// here, and only the worker-gateway reads what arrives.
    public static let gateway = "kiln.gateway"
    /// Where each service inbox dead-letters messages that exceeded their delivery limit.
    public static let deadLetter = "kiln.dlx"
    /// The routing-key pattern of worker messages: every `WorkerMessageKind` starts with `worker.`.
    public static let workerMessagesPattern = "worker.#"
}
