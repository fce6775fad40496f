/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held. A bound on how
/// long to wait, never a timing assertion. A condition that throws counts as not holding yet, except
/// ``ProcessExited``, which ends the wait at once.
public func eventually(
    timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async -> Bool {
    (try? await poll(timeout: timeout, condition)) ?? false
}

/// Like ``eventually(timeout:_:)`` but throws a ``HarnessError`` naming `what` when it never held (or the
/// condition's ``ProcessExited`` at once), so a test reads `try await waitUntil("the worker is welcomed") { … }`.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    guard try await poll(timeout: timeout, condition) else {
        throw HarnessError("timed out after \(timeout) waiting until \(what)")
    }
}

/// The one polling loop: `true` once `condition` holds, `false` at the deadline; rethrows only ``ProcessExited``.
private func poll(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            if try await condition() { return true }
        } catch let error as ProcessExited {
            throw error
        } catch {
            // Not yet: a server still starting, a row not written yet.
        }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(50))
    }
}
