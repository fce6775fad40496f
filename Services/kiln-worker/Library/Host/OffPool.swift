import Dispatch
import Synchronization

/// Blocking work (a host probe that starts commands and waits for them) run on a Dispatch thread, so the
/// cooperative pool that runs heartbeats and the consumer is not held.
enum OffPool {
    private enum State<Value: Sendable>: Sendable {
        case starting
        case waiting(CheckedContinuation<Value?, Never>)
        case cancelledBeforeWaiting
        case finished
    }

    /// `body`'s value, or nil when the calling task is cancelled first: the caller stops waiting (a command that
    /// hangs must not hold a shutdown), and `body` finishes on its thread, its value dropped.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value? {
        let state = Mutex<State<Value>>(.starting)
        /// The continuation to resume, taken once: whoever comes first (the body's end or a cancellation) wins.
        @Sendable func take() -> CheckedContinuation<Value?, Never>? {
            state.withLock { current in
                switch current {
                case .waiting(let continuation):
                    current = .finished
                    return continuation
                case .starting:
                    current = .cancelledBeforeWaiting
                    return nil
                case .cancelledBeforeWaiting, .finished:
                    return nil
                }
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let cancelled = state.withLock { current in
                    if case .cancelledBeforeWaiting = current {
                        current = .finished
                        return true
                    }
                    current = .waiting(continuation)
                    return false
                }
                if cancelled {
                    continuation.resume(returning: nil)
                    return
                }
                DispatchQueue.global().async {
                    let value = body()
                    take()?.resume(returning: value)
                }
            }
        } onCancel: {
            take()?.resume(returning: nil)
        }
    }
}
