import ServiceKit

/// Every environment variable `kiln-worker` reads, with its default and meaning (deploy/docs/worker.md is
/// written from this list). Settings are read once at start-up; a bad value stops the worker before it connects.
public enum WorkerSettings {
    /// The broker, as the restricted worker account (it may write only to `kiln.gateway` and read only its own
    /// `amq.gen-*` queue).
    public static let amqpURL = Setting(
        "KILN_AMQP_URL", default: "amqp://kiln-worker:kiln-worker@127.0.0.1:56720/kiln",
        help: "RabbitMQ URL of the restricted worker account (amqp://user:password@host:port/vhost)", secret: true)
    /// Where the worker keeps its secret token (generated and saved on first start, as Debusine's `worker/_worker.py`
    /// `Worker._register` does).
    public static let tokenFile = Setting(
        "KILN_WORKER_TOKEN_FILE", default: "/var/lib/kiln-worker/token",
        help: "file holding the worker's token; created with 64 random hex characters and mode 0600 if missing")
    /// A one-shot activation token from `kiln worker create` (Debusine `server/views/workers.py` `RegisterView.post`
    /// with an activation token).
    public static let activationToken = Setting(
        "KILN_WORKER_ACTIVATION_TOKEN", default: "",
        help: "optional activation token of a pre-created worker; sent with every hello until the first welcome", secret: true)
    /// The name the worker registers under (its worker name is derived from it).
    public static let fqdn = Setting(
        "KILN_WORKER_FQDN", default: "", help: "fully qualified domain name to register with (default: the host name)")
    /// `external` runs Worker tasks, `signing` runs Signing tasks.
    public static let workerType = Setting(
        "KILN_WORKER_TYPE", default: "external", help: "worker type: external or signing")
    /// Extra provided tags, reported in dynamic metadata (the server drops restricted ones such as
    /// `worker:class:*` and `worker:type:*`).
    public static let extraTags = Setting(
        "KILN_WORKER_EXTRA_TAGS", default: "",
        help: "comma-separated tags added to the reported provided_tags (restricted prefixes are filtered by the server)")
    /// Replaces the detected architectures (`arch-test -n`, else the native one).
    public static let architectures = Setting(
        "KILN_WORKER_ARCHITECTURES", default: "",
        help: "comma-separated Debian architectures this worker builds for (default: detected)")
    /// The first segment of the routing keys the worker publishes with on `kiln.gateway`.
    public static let gatewayRoutingPrefix = Setting(
        "KILN_WORKER_GATEWAY_ROUTING_PREFIX", default: "worker",
        help: "routing-key prefix of messages to the gateway (<prefix>.hello, <prefix>.heartbeat, …)")
    /// The longest pause between two hellos while the gateway has not welcomed the worker.
    public static let helloRetryMaximum = Setting(
        "KILN_WORKER_HELLO_RETRY_MAX", default: "6s",
        help: "longest wait before sending hello again while not welcomed (refused, disabled or no answer)")
    /// How often the host is probed again, so what it can run stays true while it runs.
    public static let metadataInterval = Setting(
        "KILN_WORKER_METADATA_INTERVAL", default: "1h",
        help: "how often the worker probes its host again and sends its metadata when it changed (Debusine's server asks every hour)")
    /// The file store the worker downloads inputs from and uploads outputs to (with its own token).
    public static let fileStoreURL = Setting(
        "KILN_FILE_STORE_URL", default: "",
        help: "base URL of the file-store service (http://file-store:8070); empty: only noop runs, no other task is advertised")
    /// Where each work request gets its folder while it runs.
    public static let workDirectory = Setting(
        "KILN_WORKER_WORK_DIR", default: "/var/lib/kiln-worker/work",
        help: "folder under which each work request runs (its downloads, outputs and log; removed afterwards)")
    /// Where environment tarballs are cached.
    public static let cacheDirectory = Setting(
        "KILN_WORKER_CACHE_DIR", default: "/var/lib/kiln-worker/cache",
        help: "folder caching environment tarballs by SHA-256 between runs")
    /// The cache's bound.
    public static let cacheMaxSize = Setting(
        "KILN_WORKER_CACHE_MAX_SIZE", default: "20G",
        help: "bytes of tarballs the cache keeps at most (K, M, G suffixes); the least recently used go first")
    /// How long a file-store request that fails for want of an answer is retried before the run gives up.
    public static let fileStorePatience = Setting(
        "KILN_WORKER_FILE_STORE_PATIENCE", default: "10m",
        help: "how long a download or upload is retried while the file store does not answer (restart, outage)")
    /// Ops endpoints; `0` turns them off (several workers on one host).
    public static let opsHost = Setting("KILN_OPS_HOST", default: "0.0.0.0", help: "address the ops HTTP server binds")
    public static let opsPort = Setting(
        "KILN_OPS_PORT", default: "8090", help: "port of /health/live, /health/ready and /metrics; 0 disables them")

    /// Every setting, logging included, in documentation order.
    public static let all: [Setting] =
        [
            amqpURL, tokenFile, activationToken, fqdn, workerType, extraTags, architectures, gatewayRoutingPrefix,
            helloRetryMaximum, metadataInterval, fileStoreURL, workDirectory, cacheDirectory, cacheMaxSize, fileStorePatience, opsHost,
            opsPort,
        ] + LoggingBootstrap.settings
}
