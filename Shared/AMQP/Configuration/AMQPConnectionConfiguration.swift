import Foundation

/// How to reach the broker and how the wrapper behaves on that connection.
///
/// Libraries never read the environment; executables build this from theirs (e.g. `AMQP_URL`) and pass it in.
public struct AMQPConnectionConfiguration: Sendable, Hashable {
    /// The broker to try first.
    public var url: AMQPURL
    /// More brokers — the other nodes of a RabbitMQ cluster — tried in order when the ones before refuse the
    /// connection or are unreachable; every (re)connection starts again from ``url``.
    public var failoverURLs: [AMQPURL] = []
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

    /// Parses `url` — one URL, or several separated by commas for the nodes of a cluster
    /// (`amqp://kiln:pw@rabbit-1/kiln,amqp://kiln:pw@rabbit-2/kiln`) — and keeps every other setting at its
    /// default.
    ///
    /// - Throws: ``AMQPError/invalidURL(_:reason:)`` naming the bad one (an empty entry included).
    public init(url: String, heartbeat: Duration = .seconds(30)) throws(AMQPError) {
        var parsed: [AMQPURL] = []
        for entry in url.split(separator: ",", omittingEmptySubsequences: false) {
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else {
                let masked = url.split(separator: ",", omittingEmptySubsequences: false)
                    .map { AMQPURL.maskPassword(in: String($0)) }.joined(separator: ",")
                throw .invalidURL(masked, reason: "an empty entry in a comma-separated list of broker URLs")
            }
            parsed.append(try AMQPURL(parsing: text))
        }
        self.init(url: parsed[0], heartbeat: heartbeat)
        failoverURLs = Array(parsed.dropFirst())
    }

    /// Every broker address, in the order a connection tries them.
    public var urls: [AMQPURL] { [url] + failoverURLs }

    /// Heartbeat in whole seconds as the protocol wants it (0 disables heartbeats).
    var heartbeatSeconds: Int32 { Int32(clamping: heartbeat.components.seconds) }
}
