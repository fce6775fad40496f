import KilnCore
import Logging

extension Logger {
    /// Logs what a termination did to its reverse dependencies (Debusine `WorkRequest.unblock_reverse_dependencies`):
    /// one line per dependant, under the dependant's OWN `wr.id`, with `cause.wr.id` naming the work request that
    /// terminated.
    ///
    /// Why one line each: following one work request's log (`grep 'wr.id=12 '`, `deploy/local/logs --wr 12`)
    /// must say why it was unblocked or aborted, and the cascade happens in another work request's
    /// transaction (the worker-gateway's result, the scheduler's `wr.completed`/`wr.aborted`).
    public func logDependantsSettled(by outcome: DependencyOutcome, cause: Int) {
        for dependant in outcome.unblocked {
            info("dependant unblocked", metadata: ["wr.id": "\(dependant)", "cause.wr.id": "\(cause)"])
        }
        for dependant in outcome.aborted {
            info("dependant aborted in cascade", metadata: ["wr.id": "\(dependant)", "cause.wr.id": "\(cause)"])
        }
    }
}
