/// A failure of the test plumbing itself (a server script that failed, a process that would not start or
/// stop, a condition that never came true), with a message saying which.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A process a test waits on has exited: thrown from a ``waitUntil(_:timeout:_:)`` or ``eventually(timeout:_:)``
/// condition, it ends the wait at once (every other error means "not yet"), so a service that crashes at start
/// fails the test in seconds with its log rather than after the whole timeout.
public struct ProcessExited: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
