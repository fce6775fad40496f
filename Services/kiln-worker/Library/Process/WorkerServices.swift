import AMQP
import Foundation
import KilnCore
import Logging
import ServiceLifecycle
import UnixSignals

/// The agent in the process's service group: its control loop (everything the worker sends), its
/// assignments and the periodic probe of its host (`metadataRefresh`), structured under one task.
///
/// Graceful shutdown (the first SIGTERM or SIGINT) drains: no new assignment starts, the running ones finish
/// and their results are confirmed by the broker, then it returns and the group stops the consumer and the
/// publisher. A second signal while draining aborts what runs — nothing is reported for it, so its lease
/// expires and the scheduler retries it elsewhere — and the worker stops: at once when the aborted runs
/// honour their cancellation, after 5 s (exit 0) when one does not.
public struct WorkerAgentService: Service {
    let agent: WorkerAgent
    let logger: Logger
    /// How often, and how, the host is probed again (nil: never).
    let metadataRefresh: (interval: Duration, probe: @Sendable () -> [String: JSONValue]?)?

    /// The service of `agent`; `metadataRefresh` probes the host again every `interval`.
    public init(
        agent: WorkerAgent, logger: Logger,
        metadataRefresh: (interval: Duration, probe: @Sendable () -> [String: JSONValue]?)? = nil
    ) {
        self.agent = agent
        self.logger = logger
        self.metadataRefresh = metadataRefresh
    }

    public func run() async {
        let agent = self.agent
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await agent.runControlLoop() }
            group.addTask { await agent.runAssignments() }
            if let refresh = metadataRefresh {
                group.addTask { await agent.refreshMetadata(every: refresh.interval, probe: refresh.probe) }
            }
            // Until the group shuts down gracefully; a cancellation (the group failing) skips the drain.
            if (try? await gracefulShutdown()) != nil {
                await agent.beginDrain()
                let secondSignal = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                let watchdogSignal = await UnixSignalsSequence(trapping: .sigterm, .sigint)
                await withTaskGroup(of: Void.self) { drain in
                    drain.addTask { await agent.waitUntilIdle() }
                    drain.addTask {
                        for await signal in secondSignal {
                            logger.warning("second signal; aborting running assignments", metadata: ["signal": "\(signal)"])
                            await agent.abortAll()
                            let unsent = await agent.pendingResultCount
                            if unsent > 0 {
                                logger.warning("results not confirmed by the broker are dropped", metadata: ["unsent": "\(unsent)"])
                            }
                            return
                        }
                    }
                    // A run that ignores its cancellation must not hold the exit a second signal asked for.
                    group.addTask {
                        for await _ in watchdogSignal { break }
                        guard !Task.isCancelled else { return }
                        guard (try? await Task.sleep(for: .seconds(5))) != nil else { return }
                        logger.warning("aborted runs did not stop within 5 s; exiting")
                        exit(0)
                    }
                    await drain.next()
                    drain.cancelAll()
                }
            }
            await agent.endAssignments()
            group.cancelAll()
        }
    }
}

/// The consumer of the worker's private queue as a service: it stops (settling what it took and closing its
/// connection) when the group shuts down, which is after the agent has drained.
public struct WorkerQueueConsumerService: Service {
    let consumer: AMQPConsumer

    /// The service of `consumer` (its handlers already added).
    public init(consumer: AMQPConsumer) {
        self.consumer = consumer
    }

    public func run() async throws {
        let consumer = self.consumer
        try await cancelWhenGracefulShutdown { try await consumer.run() }
    }
}

/// The publisher's heartbeats (an idle publisher connection would otherwise be dropped by the broker) as a
/// service; the publisher is closed once the group has stopped.
public struct PublisherHeartbeatService: Service {
    let publisher: AMQPPublisher

    /// The service of `publisher`.
    public init(publisher: AMQPPublisher) {
        self.publisher = publisher
    }

    public func run() async {
        let publisher = self.publisher
        _ = await cancelWhenGracefulShutdown { await publisher.runHeartbeats() }
    }
}
