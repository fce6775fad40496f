import Logging
import ServiceLifecycle
import Store

/// Runs a service's ``OutboxRelay`` as a ServiceLifecycle `Service`.
///
/// Put it before the consumers in the service group: groups stop in reverse order, so the consumers drain
/// first, and the relay then does a last few rounds to publish what their final transactions enqueued
/// before the process exits (anything left is published after the restart: the outbox is durable).
public struct RelayService: Service {
    private let relay: OutboxRelay
    private let logger: Logger
    private let finalRounds: Int

    /// Wraps `relay`; on shutdown it runs at most `finalRounds` more rounds while they find rows.
    public init(relay: OutboxRelay, logger: Logger, finalRounds: Int = 10) {
        self.relay = relay
        self.logger = logger
        self.finalRounds = finalRounds
    }

    /// Relays until graceful shutdown, then drains a few more rounds so events committed just before the
    /// stop are not left for the next start.
    public func run() async throws {
        let relay = self.relay
        await cancelWhenGracefulShutdown { await relay.run() }
        for _ in 0..<finalRounds where !Task.isCancelled {
            do {
                guard try await relay.relayOnce().claimed > 0 else { break }
            } catch {
                logger.warning("final outbox round failed; rows are published after restart", metadata: ["error": "\(error)"])
                break
            }
        }
    }
}
