/// Why a service could not start although its configuration was valid.
public enum StartupError: Error, Sendable, CustomStringConvertible {
    /// A server stayed unreachable for the whole start-up timeout; `lastError` is the final attempt's error.
    case unreachable(what: String, after: Duration, lastError: String)
    /// A server refused us in a way retrying cannot fix (bad credentials, a conflicting queue declaration).
    case refused(what: String, error: String)

    public var description: String {
        switch self {
        case .unreachable(let what, let after, let lastError):
            "\(what) still unreachable after \(after): \(lastError)"
        case .refused(let what, let error): "\(what) refused the connection: \(error)"
        }
    }
}
