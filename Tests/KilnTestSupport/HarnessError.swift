/// A failure of the test plumbing itself (a server script that failed, a process that would not start or
/// stop, a condition that never came true), with a message saying which.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
