import Dispatch
import Testing

@testable import KilnWorker

/// The host probe's runner: blocking work off the cooperative pool, abandoned on cancellation.
@Suite("blocking work off the cooperative pool", .timeLimit(.minutes(1)))
struct OffPoolTests {
    @Test("the body's value comes back")
    func value() async {
        #expect(await OffPool.run { 6 * 7 } == 42)
    }

    @Test("a cancelled caller stops waiting for a body that hangs (a shutdown is not held)")
    func cancellation() async {
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let waiting = Task { await OffPool.run { () -> Int in
            started.signal()
            release.wait()
            return 1
        } }
        // The body is running (blocked) before the caller is cancelled.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                started.wait()
                done.resume()
            }
        }
        waiting.cancel()
        #expect(await waiting.value == nil)
        release.signal()
    }

    @Test("a caller cancelled before it starts gets nil at once")
    func cancelledBefore() async {
        let waiting = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await OffPool.run { 1 }
        }
        #expect(await waiting.value == nil)
    }
}
