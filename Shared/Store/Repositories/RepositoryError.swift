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
    /// No worker has that name (or, when `byToken`, whose worker token is that secret), for enabling, disabling
    /// or showing one: Debusine's `Worker not found` (`server/management/commands/worker.py` `Command.get_worker`,
    /// test `test_enable_not_found`); `hint` names the value and how to list the workers, kept apart so
    /// Debusine's text stays comparable.
    case workerNotFound(name: String, byToken: Bool)
    /// No worker has that name, for editing its metadata: Debusine's `edit_metadata` text (test
    /// `test_edit_metadata_worker_does_not_exist`), its second line in `hint`, with `kiln worker list` as the
    /// command that lists workers.
    case workerNotRegistered(name: String)
    /// The worker is not of the type the admin named (`--worker-type`, external unless given): Debusine's
    /// `Command.get_worker` refusal (test `test_enable_wrong_type`). Signing workers hold keys, so this is
    /// what stops enabling or disabling one by accident.
    case workerTypeMismatch(name: String, actual: String, requested: String)

    public var description: String {
        switch self {
        case .notFound(let kind, let key): "\(kind) \(key) does not exist"
        case .alreadyExists(let kind, let key): "\(kind) \(key) already exists"
        case .invalid(let reason): reason
        case .concurrentUpdate(let kind, let key):
            "\(kind) \(key) was changed by someone else meanwhile; nothing was written, try again"
        case .workerNotFound: "Worker not found"
        case .workerNotRegistered(let name): "worker \"\(name)\" is not registered"
        case .workerTypeMismatch(let name, let actual, let requested):
            "Worker \"\(name)\" is of type \"\(actual)\", not \"\(requested)\""
        }
    }

    /// Kiln's advice after Debusine's text, for a line of its own (deploy/docs/fidelity.md, "Messages"):
    /// what was not found and how to find the right value; `nil` where the description says it all.
    public var hint: String? {
        switch self {
        case .workerNotFound(let name, let byToken):
            "no worker is named \"\(name)\"\(byToken ? " and no worker token is that secret" : ""); "
                + "`kiln worker list` lists them"
        case .workerNotRegistered: "Use the command `kiln worker list` to list the existing workers"
        case .workerTypeMismatch(_, let actual, _):
            actual == "signing"
                ? "a signing worker holds keys: name its type explicitly, --worker-type signing"
                : "leave out --worker-type, or give --worker-type \(actual)"
        default: nil
        }
    }
}
