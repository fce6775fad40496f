/// Everything that can go wrong talking AMQP, with the broker's or the library's own words attached.
///
/// The cases fall in two families, which decides what the wrapper does about them:
/// - connection-level (``library(status:message:during:)``, ``connectionClosed(code:text:)``,
///   ``confirmTimeout(_:)``): the connection is discarded and rebuilt with backoff; unconfirmed messages are
///   published again (see ``isRecoverableByReconnecting``);
/// - message- or channel-level (``nacked(messageID:)``, ``unroutable(code:text:messageID:)``,
///   ``channelClosed(code:text:)``, ``messageTooLarge(size:limit:)``): reported to the caller, never retried,
///   because sending the same thing again would fail the same way.
public enum AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// librabbitmq returned a negative status (socket error, heartbeat timeout, …); `message` is
    /// `amqp_error_string2(status)`, `during` names the operation.
    case library(status: Int32, message: String, during: String)
    /// The broker closed the channel (e.g. 404 NOT_FOUND for a missing exchange, 406 PRECONDITION_FAILED).
    case channelClosed(code: UInt16, text: String)
    /// The broker closed the connection (e.g. 320 CONNECTION_FORCED on shutdown, 403 ACCESS_REFUSED at login).
    case connectionClosed(code: UInt16, text: String)
    /// No confirm (ack or nack) arrived within the configured time; the outcome is unknown.
    case confirmTimeout(Duration)
    /// The broker nacked the message: it could not take responsibility for it (e.g. a full queue with
    /// `x-overflow: reject-publish`).
    case nacked(messageID: String?)
    /// A `mandatory` message matched no queue and came back with `basic.return`.
    case unroutable(code: UInt16, text: String, messageID: String?)
    /// A body above the configured cap; checked before publishing and on receipt.
    case messageTooLarge(size: Int, limit: Int)
    /// An AMQP URL that cannot be used, with the reason.
    case invalidURL(String, reason: String)
    /// A request/reply call got no reply in time.
    case replyTimeout(Duration)
    /// A call that cannot work with the given arguments (e.g. a window of 0).
    case invalidArgument(String)

    /// Whether a fresh connection can fix this: true for dead sockets, missed heartbeats, a broker that closed
    /// the connection (except for refused credentials or vhosts, which a retry cannot fix) and unknown confirms.
    public var isRecoverableByReconnecting: Bool {
        switch self {
        case .library, .confirmTimeout: true
        case .connectionClosed(let code, _): code != 403 && code != 530
        default: false
        }
    }

    public var description: String {
        switch self {
        case .library(let status, let message, let during):
            "AMQP library error \(status) (\(message)) during \(during)"
        case .channelClosed(let code, let text): "AMQP channel closed by the broker: \(code) \(text)"
        case .connectionClosed(let code, let text): "AMQP connection closed by the broker: \(code) \(text)"
        case .confirmTimeout(let timeout): "no publisher confirm within \(timeout)"
        case .nacked(let id): "the broker nacked message \(id ?? "(no message id)")"
        case .unroutable(let code, let text, let id):
            "message \(id ?? "(no message id)") was returned as unroutable: \(code) \(text)"
        case .messageTooLarge(let size, let limit): "message of \(size) bytes exceeds the cap of \(limit) bytes"
        case .invalidURL(let url, let reason): "invalid AMQP URL '\(url)': \(reason)"
        case .replyTimeout(let timeout): "no reply within \(timeout)"
        case .invalidArgument(let text): "invalid argument: \(text)"
        }
    }
}
