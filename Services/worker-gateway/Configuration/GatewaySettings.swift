import ServiceKit
import KilnRuntime

/// The worker-gateway's own settings (the runtime's — URLs, concurrency, sweep interval, ops port, log
/// format — are read by `ServiceBootstrap`). A bad value stops the service at start, naming the variable.
struct GatewaySettings: Sendable, Hashable {
    static let heartbeat = Setting(
        "KILN_WORKER_HEARTBEAT", default: "30s",
        help: "how often workers send worker.heartbeat (told to them in gateway.welcome), 1s to 1h")
    /// `KILN_LEASE_DURATION`, shared with the scheduler (see `RuntimeSettings.leaseDuration`); here it must
    /// also exceed the heartbeat interval.
    static let lease = RuntimeSettings.leaseDuration
    static let silence = Setting(
        "KILN_WORKER_SILENCE", default: "",
        help: "a connected worker not heard from for this long is marked disconnected (worker.gone); "
            + "default 3 × KILN_WORKER_HEARTBEAT, at least KILN_WORKER_HEARTBEAT")
    static let maxMessageSize = Setting(
        "KILN_WORKER_MESSAGE_MAX_BYTES", default: "262144",
        help: "largest worker message accepted (bigger ones are dead-lettered), 1024 to 1048576")

    static let registrationLimit = Setting(
        "KILN_GATEWAY_REGISTRATION_LIMIT", default: "200",
        help: "self-registered workers waiting to be enabled at most; a hello with an unknown token beyond it is "
            + "refused (REGISTRATION_LIMIT); 0 turns self-registration off, 0 to 100000")
    static let registrationsPerMinute = Setting(
        "KILN_GATEWAY_REGISTRATIONS_PER_MINUTE", default: "30",
        help: "self-registrations accepted per minute across all gateway replicas; beyond it a hello with an "
            + "unknown token is refused (REGISTRATION_RATE) and retried by the worker later, 1 to 100000")

    /// Every gateway setting, for the start-up configuration log line.
    static let all = [heartbeat, lease, silence, maxMessageSize, registrationLimit, registrationsPerMinute]

    /// How often workers heartbeat.
    var heartbeat: Duration
    /// How far each heartbeat pushes a lease's expiry.
    var lease: Duration
    /// Silence after which a worker is disconnected.
    var silence: Duration
    /// Worker message size cap.
    var maxMessageSize: Int
    /// Self-registrations waiting for an admin at most (0: self-registration is off).
    var registrationLimit: Int
    /// Self-registrations per minute at most.
    var registrationsPerMinute: Int

    /// Reads and cross-checks the settings.
    ///
    /// - Throws: `ConfigurationError` naming the bad variable.
    init(environment: EnvironmentReader) throws {
        heartbeat = try environment.duration(Self.heartbeat, in: .seconds(1) ... .seconds(3600))
        lease = try environment.duration(Self.lease, in: .seconds(5) ... .seconds(86_400))
        guard lease > heartbeat else {
            throw ConfigurationError.invalid(
                variable: Self.lease.name, value: "\(lease)",
                expected: "a lease longer than KILN_WORKER_HEARTBEAT (\(heartbeat)), or every lease would lapse")
        }
        if (environment.variables[Self.silence.name] ?? "").isEmpty {
            silence = heartbeat * 3
        } else {
            silence = try environment.duration(Self.silence, in: heartbeat ... .seconds(86_400))
        }
        maxMessageSize = try environment.int(Self.maxMessageSize, in: 1024...1_048_576)
        registrationLimit = try environment.int(Self.registrationLimit, in: 0...100_000)
        registrationsPerMinute = try environment.int(Self.registrationsPerMinute, in: 1...100_000)
    }

    /// Whole seconds, rounded up, for the welcome message.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
