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
    /// No worker has that name, for enabling, disabling or showing one: Debusine's `Worker not found`
    /// (`server/management/commands/worker.py` `Command.get_worker`, test `test_enable_not_found`), then the
    /// name and how to list the workers.
    case workerNotFound(name: String)
    /// No worker has that name, for editing its metadata: Debusine's `edit_metadata` text (test
    /// `test_edit_metadata_worker_does_not_exist`), with `kiln worker list` as the command that lists workers.
    case workerNotRegistered(name: String)

    public var description: String {
        switch self {
        case .notFound(let kind, let key): "\(kind) \(key) does not exist"
        case .alreadyExists(let kind, let key): "\(kind) \(key) already exists"
        case .invalid(let reason): reason
        case .concurrentUpdate(let kind, let key):
            "\(kind) \(key) was changed by someone else meanwhile; nothing was written, try again"
        case .workerNotFound(let name):
            "Worker not found (no worker is named \"\(name)\"; `kiln worker list` lists them)"
        case .workerNotRegistered(let name):
            "worker \"\(name)\" is not registered\nUse the command `kiln worker list` to list the existing workers"
        }
    }
}
