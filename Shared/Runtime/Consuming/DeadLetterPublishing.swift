import AMQP
import Logging
import Metrics

/// How a consumer refuses a message for good: the one dead-lettering step shared by ``EventConsumer`` and
/// the worker-gateway's worker-message consumer, so every `<service>.dead` message carries the same headers
/// and the same metric counts it whichever consumer refused it.
public enum DeadLetterPublishing {
    /// Publishes the original body to `deadQueue` (through `kiln.dlx`, mandatory, confirmed) with
    /// `x-kiln-reason`, `x-kiln-service` and `x-kiln-routing-key`, then acks the original and counts
    /// `kiln_messages_dead_lettered_total{service, reason}`. If the publish fails the delivery is requeued
    /// instead: the reason must not be lost.
    ///
    /// - Parameters:
    ///   - subject: what was refused, for the log lines (`message`, `worker message`).
    /// - Returns: `true` when the message was dead-lettered and acked, `false` when it was requeued.
    @discardableResult
    public static func deadLetter(
        _ delivery: Delivery, reason: DeadLetterReason, service: String, deadQueue: String, publisher: AMQPPublisher,
        subject: String, logger: Logger
    ) async -> Bool {
        var properties = delivery.properties
        properties.headers["x-kiln-reason"] = .string(reason.detail)
        properties.headers["x-kiln-service"] = .string(service)
        properties.headers["x-kiln-routing-key"] = .string(delivery.routingKey)
        let message = OutgoingMessage(
            exchange: KilnTopology.deadLetterExchange, routingKey: deadQueue, body: delivery.body,
            properties: properties, mandatory: true)
        do {
            try await publisher.publish(message)
            delivery.ack()
            Counter(label: "kiln_messages_dead_lettered_total", dimensions: [("service", service), ("reason", reason.category)])
                .increment()
            logger.error(
                "\(subject) dead-lettered", metadata: ["reason": "\(reason.detail)", "amqp.dead_queue": "\(deadQueue)"])
            return true
        } catch {
            delivery.nack(requeue: true)
            logger.error(
                "could not dead-letter a refused \(subject); requeued",
                metadata: ["reason": "\(reason.detail)", "error": "\(error)"])
            return false
        }
    }
}
