import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The operations endpoints every Kiln executable serves on its ops port:
/// `GET /health/live` (the process runs), `GET /health/ready` (its broker and database are reachable) and
/// `GET /metrics` (Prometheus text format).
///
/// It is a `Service`: put it first in the service group, so it starts before and stops after the domain
/// services, and `/metrics` stays readable while they drain.
public struct OpsServer: Service, CustomStringConvertible {
    /// The settings every service shares for its ops port.
    public static let settings: [Setting] = [
        Setting("KILN_OPS_HOST", default: "0.0.0.0", help: "address the ops HTTP server binds"),
        Setting("KILN_OPS_PORT", default: "8081", help: "port of /health/live, /health/ready and /metrics"),
    ]

    private let application: Application<RouterResponder<BasicRequestContext>>
    /// `OpsServer(host:port)`, so the service group's logs say which port the ops server took.
    public let description: String

    /// Builds the routes; nothing listens until `run()`. The server's own request log is kept at `notice` and
    /// above, so health probes do not flood the service log.
    public init(
        host: String, port: Int, readiness: Readiness, registry: PrometheusCollectorRegistry, logger: Logger
    ) {
        let router = Router()
        router.get("/health/live") { _, _ in "live\n" }
        router.get("/health/ready") { _, _ -> Response in
            let failing = readiness.failing
            if failing.isEmpty { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n"))) }
            return Response(
                status: .serviceUnavailable,
                body: .init(byteBuffer: ByteBuffer(string: "not ready: " + failing.joined(separator: ", ") + "\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        self.application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            logger: quiet)
        self.description = "OpsServer(\(host):\(port))"
    }

    /// Serves until the service group cancels it; it registers no signals itself, because the group owns them.
    public func run() async throws {
        try await application.runService(gracefulShutdownSignals: [])
    }
}
