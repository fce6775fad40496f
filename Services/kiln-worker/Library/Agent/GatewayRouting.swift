import KilnCore

/// Routing keys of the worker's messages on `kiln.gateway`: `<prefix>.hello`, `<prefix>.heartbeat`, …
///
/// The prefix is `worker` in production (the gateway's queue is bound with `#`, so it sees everything); a
/// test or a second Kiln installation on the same broker binds its own queue to a prefix of its own.
/// The message `type` property always carries the full kind (`worker.hello`), whatever the prefix.
public struct GatewayRouting: Sendable, Hashable {
    /// The exchange workers write to (`KilnTopology.gatewayExchange`; the worker does not link the runtime,
    /// which brings the database client along). The restricted worker account may write nowhere else.
    public static let exchange = KilnExchange.gateway

    public var prefix: String

    public init(prefix: String = "worker") { self.prefix = prefix }

    /// The routing key for a message kind.
    public func routingKey(for kind: WorkerMessageKind) -> String {
        let suffix = kind.rawValue.split(separator: ".", maxSplits: 1).last.map(String.init) ?? kind.rawValue
        return "\(prefix).\(suffix)"
    }
}
