/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held. A bound on how
/// long to wait, never a timing assertion. A condition that throws counts as not holding yet.
public func eventually(
    timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return (try? await condition()) == true
}

/// Like ``eventually(timeout:_:)`` but throws a ``HarnessError`` naming `what` when it never held, so a test
/// reads `try await waitUntil("the worker is welcomed") { … }`.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    guard await eventually(timeout: timeout, condition) else {
        throw HarnessError("timed out after \(timeout) waiting until \(what)")
    }
}
