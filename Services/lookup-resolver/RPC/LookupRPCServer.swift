import AMQP
import Foundation
import KilnCore
import KilnRuntime
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Serves `lookup-resolver.rpc`: each request is answered on its `reply_to` (direct reply-to) with its
/// `correlation_id`, then acked. Replicas share the queue.
///
/// Requests are answered concurrently (up to `concurrency`, also the prefetch), off the consuming
/// connection's poll loop so heartbeats keep flowing. A malformed request gets an `invalid` reply with the
/// reason; one without `reply_to` cannot be answered and is dropped with a log line. On graceful shutdown
/// it stops taking requests, finishes the ones in flight, and closes (unstarted ones return to the queue).
struct LookupRPCServer: Service {
    let amqp: AMQPConnectionConfiguration
    let responder: LookupRPCResponder
    let publisher: AMQPPublisher
    let concurrency: Int
    let logger: Logger
    /// Larger request bodies are refused unread (a lookup is a few hundred bytes).
    let maxBodySize = 64 * 1024

    /// Serves until graceful shutdown; intake, bound and stop are the shared `BoundedDeliveryLoop`'s.
    func run() async throws {
        let loop = BoundedDeliveryLoop(
            queue: KilnTopology.lookupRPCQueue, amqp: amqp, topology: KilnTopology.lookupRPC, concurrency: concurrency,
            startMessage: "serving lookups", logger: logger)
        try await loop.run { delivery in await answer(delivery) }
        logger.info("stopped serving lookups")
    }

    /// Answers one request and settles it; never throws.
    func answer(_ delivery: Delivery) async {
        var logger = self.logger
        let correlationID = delivery.properties.correlationID ?? ""
        logger[metadataKey: "amqp.correlation_id"] = "\(correlationID)"
        if let id = delivery.properties.messageID { logger[metadataKey: "msg.id"] = "\(id)" }
        let reply: LookupReply
        if delivery.body.count > maxBodySize {
            reply = LookupReply(
                failure: .invalid("lookup request of \(delivery.body.count) bytes exceeds the \(maxBodySize)-byte limit"))
        } else {
            do {
                reply = try await responder.reply(toBody: delivery.body)
            } catch {
                logger.warning("lookup failed on the database", metadata: ["error": "\(error)"])
                reply = .unavailable("\(error)")
            }
        }
        let outcome = reply.errorKind ?? "found"
        Counter(label: "kiln_lookup_rpc_requests_total", dimensions: [("outcome", outcome)]).increment()
        guard let replyTo = delivery.properties.replyTo, !replyTo.isEmpty else {
            delivery.ack()
            logger.warning("lookup request without reply_to dropped", metadata: ["outcome": "\(outcome)"])
            return
        }
        do {
            let message = OutgoingMessage(
                exchange: "", routingKey: replyTo, body: try MessageCodec.encode(reply),
                properties: MessageProperties(
                    persistent: false, type: "lookup.reply", appID: KilnServiceName.lookupResolver.rawValue,
                    correlationID: delivery.properties.correlationID),
                // The client may have given up and gone; its reply must not come back as an error.
                mandatory: false)
            try await publisher.publish(message)
            delivery.ack()
            logger.info(
                "lookup answered",
                metadata: [
                    "outcome": "\(outcome)", "results": "\(reply.results.count)",
                    "error": "\(reply.errorMessage ?? "")",
                ])
        } catch {
            // The broker connection failed: put the request back for this or another replica.
            delivery.nack(requeue: true)
            logger.warning("could not send a lookup reply; request requeued", metadata: ["error": "\(error)"])
        }
    }
}
