import Store
import Synchronization
import KilnCore

/// The active instance's leadership generation (`SchedulerLeadership`), checked at the start of every write
/// transaction it makes. The first check that finds a newer generation marks the instance deposed and
/// wakes ``waitUntilDeposed()``, so the whole active role steps down, not only the transaction that noticed.
final class SchedulerFence: Sendable {
    /// The generation granted to this instance when it became active.
    let generation: Int
    private let deposed = Mutex(false)
    private let signal = WakeSignal()

    init(generation: Int) {
        self.generation = generation
    }

    /// Fails the transaction on `conn` (and deposes this instance) when another scheduler became active;
    /// otherwise holds the generation row `FOR SHARE` until the transaction ends.
    func check(on conn: PGConnection) async throws {
        do {
            try await SchedulerLeadership.check(generation, on: conn)
        } catch let error as SchedulerLeadership.Deposed {
            deposed.withLock { $0 = true }
            signal.signal()
            throw error
        }
    }

    /// Returns once a check found this instance deposed, or when the task is cancelled.
    func waitUntilDeposed() async {
        while !deposed.withLock({ $0 }) && !Task.isCancelled {
            await signal.wait(timeout: .seconds(1))
        }
    }
}
