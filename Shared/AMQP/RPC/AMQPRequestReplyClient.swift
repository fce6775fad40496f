import KilnBase
import Foundation
import Logging

/// Request/reply over RabbitMQ's direct reply-to (`amq.rabbitmq.reply-to`): no reply queue is declared; the
/// broker routes the answer straight back to this connection's channel.
///
/// The server side is an ordinary ``AMQPConsumer`` whose handler publishes its answer to the default exchange
/// with routing key = the request's ``MessageProperties/replyTo`` and the same correlation id.
/// Calls are serialised on this client's connection (one outstanding request); use several clients for
/// parallel calls. A lost connection fails the current call and is rebuilt by the next one.
public actor AMQPRequestReplyClient {
    /// The pseudo-queue name RabbitMQ reserves for direct reply-to.
    public static let directReplyTo = "amq.rabbitmq.reply-to"

    private let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let configuration: AMQPConnectionConfiguration
    private let logger: Logger
    private var connection: RawConnection?
    private static let channel: UInt16 = 1

    public init(
        configuration: AMQPConnectionConfiguration,
        logger: Logger = Logger(label: "kiln.amqp.rpc", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.logger = logger
        executor = QueueExecutor(label: "kiln.amqp.rpc")
    }

    /// Sends `request` (mandatory, with a fresh correlation id and `reply_to` set) and waits for the answer.
    ///
    /// - Throws: ``AMQPError/replyTimeout(_:)`` when no answer comes within `timeout`;
    ///   ``AMQPError/unroutable(code:text:messageID:)`` when no queue takes the request;
    ///   ``AMQPError/messageTooLarge(size:limit:)``; connection errors.
    public func call(_ request: OutgoingMessage, timeout: Duration) throws(AMQPError) -> Delivery {
        guard request.body.count <= configuration.maxMessageSize else {
            throw .messageTooLarge(size: request.body.count, limit: configuration.maxMessageSize)
        }
        let connection = try ensureConnected()
        var message = request
        let correlationID = UUID().uuidString.lowercased()
        message.properties.correlationID = correlationID
        message.properties.replyTo = Self.directReplyTo
        message.mandatory = true
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        do throws(AMQPError) {
            try connection.publish(message, channel: Self.channel)
            while true {
                let remaining = deadline - clock.now
                guard remaining > .zero else { throw AMQPError.replyTimeout(timeout) }
                switch try connection.nextEvent(timeout: min(remaining, .milliseconds(250))) {
                case .delivery(_, _, let reply):
                    guard reply.properties.correlationID == correlationID else {
                        logger.debug("late or foreign reply dropped", metadata: ["amqp.correlation_id": "\(reply.properties.correlationID ?? "")"])
                        continue
                    }
                    guard reply.body.count <= configuration.maxMessageSize else {
                        throw AMQPError.messageTooLarge(size: reply.body.count, limit: configuration.maxMessageSize)
                    }
                    return Delivery(
                        body: reply.body, properties: reply.properties, exchange: reply.exchange,
                        routingKey: reply.routingKey, redelivered: reply.redelivered, deliveryTag: reply.deliveryTag,
                        queue: "", settler: nil, channel: Self.channel, channelGeneration: 0)
                case .returned(let code, let text, let messageID):
                    throw AMQPError.unroutable(code: code, text: text, messageID: messageID)
                case .channelClosed(_, let code, let text):
                    dropConnection()
                    throw AMQPError.channelClosed(code: code, text: text)
                case .timeout, .ack, .nack, .consumerCancelled, .other:
                    continue
                }
            }
        } catch {
            if error.isRecoverableByReconnecting { dropConnection() }
            throw error
        }
    }

    /// Closes the connection.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func ensureConnected() throws(AMQPError) -> RawConnection {
        if let connection { return connection }
        let fresh = try RawConnection(configuration: configuration, role: "rpc", logger: logger)
        do {
            try fresh.openChannel(Self.channel)
            // Direct reply-to requires consuming in no-ack mode on the channel that publishes the requests.
            try fresh.consume(Self.channel, queue: Self.directReplyTo, consumerTag: "", noAck: true)
        } catch {
            fresh.close()
            throw error
        }
        connection = fresh
        return fresh
    }

    private func dropConnection() {
        connection?.close()
        connection = nil
    }
}
