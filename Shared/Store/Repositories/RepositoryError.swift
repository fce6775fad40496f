/// Why a repository refused an operation, worded for the person at the CLI: each case names the value.
///
/// Database-level failures (a lost connection, a constraint the repository did not anticipate) stay
/// `PGError`s; these are the refusals a caller is expected to handle or show.
public enum RepositoryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing of that kind has that key (`workspace debian/nope`, `work request 42`).
    case notFound(kind: String, key: String)
    /// Creating would duplicate an existing row with that key.
    case alreadyExists(kind: String, key: String)
    /// The input is unusable; the text says which value and why.
    case invalid(String)
    /// A compare-and-set lost a race: the row changed between reading and writing. Retrying reads again.
    case concurrentUpdate(kind: String, key: String)
    /// No worker has that name: worded as Debusine's `worker` admin command words it
    /// (`server/management/commands/worker.py`, test `test_edit_metadata_worker_does_not_exist`), with the
    /// command that lists the workers.
    case workerNotRegistered(name: String)

    public var description: String {
        switch self {
        case .notFound(let kind, let key): "\(kind) \(key) does not exist"
        case .alreadyExists(let kind, let key): "\(kind) \(key) already exists"
        case .invalid(let reason): reason
        case .concurrentUpdate(let kind, let key):
            "\(kind) \(key) was changed by someone else meanwhile; nothing was written, try again"
        case .workerNotRegistered(let name):
            "worker \"\(name)\" is not registered\nUse the command `kiln worker list` to list the existing workers"
        }
    }
}
