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
/// - At most ``concurrency`` batches are processed at once, each of at most ``batchSize`` deliveries (1 unless
///   the caller batches: ``runBatches(_:)``). The channel prefetch is their product, and the loop bounds the
///   work itself too, because across a reconnect the broker redelivers while handlers from the old connection
///   are still running. A batch holds what has arrived by the time a processor is free, never waiting for
///   more: a quiet queue gives batches of one and no added latency; a backlog gives full batches.
/// - Graceful shutdown (ServiceLifecycle) or ``stop()``: stop taking deliveries, let the in-flight ones finish
///   and settle, then close the connection; prefetched but unprocessed messages return to the queue.
/// - A broker failure no reconnection can fix ends the intake too; ``run(_:)`` throws it after the in-flight
///   deliveries settled.
public final class BoundedDeliveryLoop: Sendable {
    /// Batches processed at once (1…65535).
    public let concurrency: Int
    /// Deliveries in one batch at most (1…65535); `concurrency × batchSize` (at most 65535) is the prefetch.
    public let batchSize: Int
    private let queue: String
    private let amqp: AMQPConnectionConfiguration
    private let topology: Topology
    private let logger: Logger
    private let startMessage: Logger.Message
    private let intake = Mutex<AsyncStream<Delivery>.Continuation?>(nil)
    private let stopRequested = Mutex(false)
    /// The running loop's buffer, so a stop can drop what is buffered but not started.
    private let buffer = Mutex<DeliveryBuffer?>(nil)

    /// Creates a loop; nothing connects until ``run(_:)``.
    ///
    /// - Parameters:
    ///   - queue: the queue to consume.
    ///   - amqp: broker connection settings (the loop opens its own connection).
    ///   - topology: declared on every (re)connect.
    ///   - concurrency: batches (deliveries, when not batching) processed at once; clamped to 1…65535.
    ///   - batchSize: deliveries in one batch at most, for ``runBatches(_:)``; clamped to 1…65535 (the AMQP
    ///     prefetch, `concurrency × batchSize`, is 16 bits and is clamped too).
    ///   - startMessage: the log line saying the consumer is ready (`consuming events`): tests and operators
    ///     wait for it.
    ///   - logger: the consumer's logger; the loop adds `amqp.queue`.
    public init(
        queue: String, amqp: AMQPConnectionConfiguration, topology: Topology, concurrency: Int, batchSize: Int = 1,
        startMessage: Logger.Message, logger: Logger
    ) {
        self.queue = queue
        self.amqp = amqp
        self.topology = topology
        self.concurrency = Self.clamped(concurrency)
        self.batchSize = Self.clamped(batchSize)
        self.startMessage = startMessage
        var logger = logger
        logger[metadataKey: "amqp.queue"] = "\(queue)"
        self.logger = logger
    }

    /// `concurrency` limited to what an AMQP prefetch can say, and at least one.
    public static func clamped(_ concurrency: Int) -> Int { min(max(1, concurrency), Int(UInt16.max)) }

    /// Whether a stop was requested: processors waiting for something (a database outage) give up their
    /// delivery then, so the stop is not held up.
    public var isStopping: Bool { stopRequested.withLock { $0 } }

    /// Stops taking new deliveries; ``run(_:)`` returns once in-flight ones have settled. What graceful
    /// shutdown does; for callers running the consumer outside a `ServiceGroup`.
    public func stop() {
        stopRequested.withLock { $0 = true }
        intake.withLock { $0?.finish() }
        // Prefetched but unstarted deliveries are not processed after a stop (with batches that can be
        // hundreds, longer than a grace period): the broker returns them when the channel closes.
        buffer.withLock { $0 }?.finish(discardingPending: true)
    }

    /// The channel prefetch: every delivery a full set of batches can hold, within AMQP's 16 bits.
    public var prefetch: Int { Self.clamped(concurrency * batchSize) }

    /// Consumes until graceful shutdown, ``stop()``, cancellation, or a broker error no reconnection can fix
    /// (which it throws, after in-flight deliveries settled), one delivery at a time per processor.
    ///
    /// - Parameter process: settles one delivery; it must not throw, so one bad message never stops the loop.
    public func run(_ process: @escaping @Sendable (Delivery) async -> Void) async throws {
        try await consume(batchSize: 1) { batch in
            for delivery in batch { await process(delivery) }
        }
    }

    /// Like ``run(_:)``, but hands each processor up to ``batchSize`` deliveries at once: whatever has arrived
    /// and is not yet taken, so that a handler can apply them in one transaction.
    ///
    /// - Parameter process: settles every delivery of a batch (in order, or not: each is acked on its own);
    ///   it must not throw.
    public func runBatches(_ process: @escaping @Sendable ([Delivery]) async -> Void) async throws {
        try await consume(batchSize: batchSize, process)
    }

    private func consume(batchSize: Int, _ process: @escaping @Sendable ([Delivery]) async -> Void) async throws {
        let consumer = AMQPConsumer(configuration: amqp, topology: topology, logger: logger)
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        intake.withLock { $0 = continuation }
        if stopRequested.withLock({ $0 }) { continuation.finish() }
        let prefetch = Self.clamped(concurrency * batchSize)
        try await consumer.addConsumer(queue: queue, prefetch: UInt16(prefetch)) { delivery in
            continuation.yield(delivery)
        }
        logger.info(
            startMessage,
            metadata: ["concurrency": "\(concurrency)", "batch_size": "\(batchSize)", "prefetch": "\(prefetch)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the connection fails for good, end the intake so the dispatcher drains and returns.
                defer { continuation.finish() }
                try await consumer.run()
            }
            await withGracefulShutdownHandler {
                await self.dispatch(stream, batchSize: batchSize, process)
            } onGracefulShutdown: {
                self.stop()
            }
            // In-flight deliveries have queued their settlements; cancelling the consumer flushes them and closes.
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    /// `concurrency` processors take batches from one buffer the intake fills; the intake never waits, so
    /// the bound on work is the processors', which also holds across a reconnect (old batches still running,
    /// new deliveries waiting in the buffer).
    private func dispatch(
        _ stream: AsyncStream<Delivery>, batchSize: Int, _ process: @escaping @Sendable ([Delivery]) async -> Void
    ) async {
        let buffer = DeliveryBuffer()
        self.buffer.withLock { $0 = buffer }
        if isStopping { buffer.finish(discardingPending: true) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let batch = await buffer.take(atMost: batchSize) { await process(batch) }
                }
            }
            for await delivery in stream { buffer.put(delivery) }
            buffer.finish()
            await group.waitForAll()
        }
    }
}
