import Synchronization

/// A wake-up flag for one waiting loop: `signal()` wakes the waiter now, or the next `wait` returns at
/// once if nobody waits; `wait(timeout:)` otherwise returns after the timeout (the periodic poll).
///
/// Signals coalesce: ten signals while the loop works make one immediate next round, not ten.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var generation = 0
        var expiredGeneration = -1
        var waiter: (generation: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = Mutex(State())

    /// A signal nobody has raised yet.
    public init() {}

    /// Wakes the waiter, or arms the next wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on `signal()`, after `timeout`, or when the task is cancelled. One waiter at a time.
    public func wait(timeout: Duration) async {
        let generation: Int? = state.withLock { state in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire(generation)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.expiredGeneration == generation {
                        state.pending = false
                        return true
                    }
                    state.waiter = (generation, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func expire(_ generation: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter, waiter.generation == generation {
                state.waiter = nil
                return waiter.continuation
            }
            state.expiredGeneration = generation
            return nil
        }
        waiter?.resume()
    }
}
