import AMQP
import Logging
import ServiceLifecycle
import Synchronization

/// The intake, bounded dispatch and graceful stop every Kiln queue consumer needs, written once so that the
/// event consumers of the four services (``EventConsumer``) and the worker-gateway's worker-message consumer
/// stop, drain and bound their work the same way (deploy/docs/runtime.md, "graceful shutdown").
///
/// It owns the AMQP consumer connection and hands each delivery to a `process` closure, which must settle
/// it (ack after its commit, dead-letter with a reason — ``DeadLetterPublishing`` — or nack with requeue):
/// the loop itself never acks, so "ack only after commit" stays the caller's decision.
///
/// - At most ``concurrency`` deliveries are processed at once. The channel prefetch is the same number, and
///   the loop enforces it again itself, because across a reconnect the broker redelivers while handlers from
///   the old connection are still running.
/// - Graceful shutdown (ServiceLifecycle) or ``stop()``: stop taking deliveries, let the in-flight ones finish
///   and settle, then close the connection; prefetched but unprocessed messages return to the queue.
/// - A broker failure no reconnection can fix ends the intake too; ``run(_:)`` throws it after the in-flight
///   deliveries settled.
public final class BoundedDeliveryLoop: Sendable {
    /// Deliveries processed at once, and the channel prefetch (1…65535).
    public let concurrency: Int
    private let queue: String
    private let amqp: AMQPConnectionConfiguration
    private let topology: Topology
    private let logger: Logger
    private let startMessage: Logger.Message
    private let intake = Mutex<AsyncStream<Delivery>.Continuation?>(nil)
    private let stopRequested = Mutex(false)

    /// Creates a loop; nothing connects until ``run(_:)``.
    ///
    /// - Parameters:
    ///   - queue: the queue to consume.
    ///   - amqp: broker connection settings (the loop opens its own connection).
    ///   - topology: declared on every (re)connect.
    ///   - concurrency: deliveries processed at once; clamped to 1…65535 (the AMQP prefetch is 16 bits).
    ///   - startMessage: the log line saying the consumer is ready (`consuming events`): tests and operators
    ///     wait for it.
    ///   - logger: the consumer's logger; the loop adds `amqp.queue`.
    public init(
        queue: String, amqp: AMQPConnectionConfiguration, topology: Topology, concurrency: Int,
        startMessage: Logger.Message, logger: Logger
    ) {
        self.queue = queue
        self.amqp = amqp
        self.topology = topology
        self.concurrency = Self.clamped(concurrency)
        self.startMessage = startMessage
        var logger = logger
        logger[metadataKey: "amqp.queue"] = "\(queue)"
        self.logger = logger
    }

    /// `concurrency` limited to what an AMQP prefetch can say, and at least one.
    public static func clamped(_ concurrency: Int) -> Int { min(max(1, concurrency), Int(UInt16.max)) }

    /// Stops taking new deliveries; ``run(_:)`` returns once in-flight ones have settled. What graceful
    /// shutdown does; for callers running the consumer outside a `ServiceGroup`.
    public func stop() {
        stopRequested.withLock { $0 = true }
        intake.withLock { $0?.finish() }
    }

    /// Consumes until graceful shutdown, ``stop()``, cancellation, or a broker error no reconnection can fix
    /// (which it throws, after in-flight deliveries settled).
    ///
    /// - Parameter process: settles one delivery; it must not throw, so one bad message never stops the loop.
    public func run(_ process: @escaping @Sendable (Delivery) async -> Void) async throws {
        let consumer = AMQPConsumer(configuration: amqp, topology: topology, logger: logger)
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        intake.withLock { $0 = continuation }
        if stopRequested.withLock({ $0 }) { continuation.finish() }
        try await consumer.addConsumer(queue: queue, prefetch: UInt16(concurrency)) { delivery in
            continuation.yield(delivery)
        }
        logger.info(startMessage, metadata: ["concurrency": "\(concurrency)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the connection fails for good, end the intake so the dispatcher drains and returns.
                defer { continuation.finish() }
                try await consumer.run()
            }
            await withGracefulShutdownHandler {
                await self.dispatch(stream, process)
            } onGracefulShutdown: {
                self.stop()
            }
            // In-flight deliveries have queued their settlements; cancelling the consumer flushes them and closes.
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    private func dispatch(_ stream: AsyncStream<Delivery>, _ process: @escaping @Sendable (Delivery) async -> Void)
        async
    {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await delivery in stream {
                // The prefetch already bounds deliveries per connection; this bound also holds across a
                // reconnect, when old handlers still run while the broker redelivers.
                if inFlight >= concurrency {
                    await group.next()
                    inFlight -= 1
                }
                group.addTask { await process(delivery) }
                inFlight += 1
            }
            await group.waitForAll()
        }
    }
}
