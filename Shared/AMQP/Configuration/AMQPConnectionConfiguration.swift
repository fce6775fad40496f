/// How to reach the broker and how the wrapper behaves on that connection.
///
/// Libraries never read the environment; executables build this from theirs (e.g. `AMQP_URL`) and pass it in.
public struct AMQPConnectionConfiguration: Sendable, Hashable {
    public var url: AMQPURL
    /// Requested heartbeat; the broker may lower it. Polls and publisher ticks run well below half of it,
    /// because librabbitmq only sends and checks heartbeats inside its own calls.
    public var heartbeat: Duration
    /// TCP connect and AMQP handshake timeout.
    public var connectTimeout: Duration
    /// Bound on every synchronous AMQP method (declarations, channel open, qos, consume): librabbitmq 0.11
    /// waits forever by default, which would hang a connection to a broker that accepted TCP but stalls.
    public var rpcTimeout: Duration
    /// How long to wait for each publisher confirm before the outcome is declared unknown (and the message
    /// published again on a new connection).
    public var confirmTimeout: Duration
    /// Largest message body accepted, checked before publishing and on receipt (default 1 MiB, far below the
    /// broker's own cap, see deploy/local/rabbitmq).
    public var maxMessageSize: Int
    /// AMQP frame size; 131072 is librabbitmq's default and what RabbitMQ 4.1+ requires at least.
    public var frameMax: Int
    /// Delay between reconnection attempts.
    public var reconnectBackoff: Backoff

    public init(
        url: AMQPURL, heartbeat: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        rpcTimeout: Duration = .seconds(15), confirmTimeout: Duration = .seconds(30), maxMessageSize: Int = 1 << 20, frameMax: Int = 131_072,
        reconnectBackoff: Backoff = Backoff()
    ) {
        self.url = url
        self.heartbeat = heartbeat
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
        self.confirmTimeout = confirmTimeout
        self.maxMessageSize = maxMessageSize
        self.frameMax = frameMax
        self.reconnectBackoff = reconnectBackoff
    }

    /// Parses `url` and keeps every other setting at its default.
    ///
    /// - Throws: ``AMQPError/invalidURL(_:reason:)``.
    public init(url: String, heartbeat: Duration = .seconds(30)) throws(AMQPError) {
        self.init(url: try AMQPURL(parsing: url), heartbeat: heartbeat)
    }

    /// Heartbeat in whole seconds as the protocol wants it (0 disables heartbeats).
    var heartbeatSeconds: Int32 { Int32(clamping: heartbeat.components.seconds) }
}
