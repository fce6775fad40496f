import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs an executable's services until SIGTERM or SIGINT, then shuts them down in reverse order.
///
/// The ops server should come first in `services` so that it outlives the domain services while they drain
/// (stop consuming, finish and ack in-flight work, close). A service that returns or throws early brings the
/// others down, and the process exits non-zero so compose's restart policy takes over.
public enum ServiceMain {
    /// Runs `services` and exits the process when they stop.
    ///
    /// - Parameters:
    ///   - gracePeriod: how long a graceful shutdown may take before the services are cancelled; `nil`: as
    ///     long as they need (the worker, whose drain waits for running builds).
    ///   - afterStop: what to close once every service has stopped (before the exit).
    public static func run(
        services: [any Service], logger: Logger, gracePeriod: Duration? = .seconds(25),
        afterStop: () async -> Void = {}
    ) async -> Never {
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
            await afterStop()
            logger.notice("stopped")
            exit(0)
        } catch {
            await afterStop()
            logger.critical("stopped after a failure", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Prints a configuration error the way operators expect (one line, naming the variable) and exits 78
    /// (`EX_CONFIG`), so a misconfigured container fails fast instead of crash-looping silently.
    public static func failConfiguration(_ error: any Error, service: String) -> Never {
        FileHandle.standardError.write(Data("\(service): \(error)\n".utf8))
        exit(78)
    }
}
