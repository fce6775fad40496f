import KilnCore
import Store

/// The reasons the gateway gives a worker, in Debusine's words (`server/consumers.py` `WorkerConsumer`), and
/// Kiln's advice to the operator, which travels apart so Debusine's text stays intact.
enum GatewayReasons {
    /// Debusine's refusal of a connection whose token is missing, unknown, not a worker's, or disabled
    /// (tests `test_connect_invalid_token`, `test_connected_token_not_enabled`).
    static let tokenRejected = "No token header, token not associated to a worker or not enabled"

    /// Debusine's notice to a connected worker whose token was just disabled
    /// (`WorkerConsumer.worker_disabled`): the token's SHA-256 digest, which is what Kiln stores.
    static func tokenDisabled(digest: String) -> String { "Token has been disabled (token hash: \"\(digest)\")" }

    /// The command that enables `worker`, by its name (not its FQDN).
    static func enableAdvice(for worker: GatewayWorker) -> String {
        let command =
            worker.workerType == .signing ? "kiln worker enable \(worker.name) --type signing" : "kiln worker enable \(worker.name)"
        return "worker \(worker.name) is registered but disabled; an administrator must run `\(command)`"
    }
}
