import Foundation
import KilnCore

/// A worker row as operators see it.
public struct WorkerRecord: Hashable, Sendable {
    public var id: Int
    /// Unique slug (from the FQDN).
    public var name: String
    public var workerType: WorkerType
    public var concurrency: Int
    public var enabled: Bool
    /// Set by admins (`kiln worker edit-metadata`); wins over dynamic keys of the same name.
    public var staticMetadata: [String: JSONValue]
    /// Reported by the worker.
    public var dynamicMetadata: [String: JSONValue]
    /// The tag-computer's final sets.
    public var providedTags: [String]
    public var requiredTags: [String]
    public var registeredAt: Date
    /// `nil` while disconnected.
    public var connectedAt: Date?
    /// How many PENDING or RUNNING work requests are assigned to it now.
    public var activeWorkRequests: Int
}

/// A worker just created by an admin, with the one-time activation secret to give to it.
public struct CreatedWorker: Sendable {
    public var worker: WorkerRecord
    /// Shown once; only its digest is stored.
    public var activationToken: String
    public var activationExpiresAt: Date
}

/// Workers: creation with an activation token, lookup by token digest, enable/disable (disabling
/// de-assigns its work), static metadata, listing.
public enum WorkerRepository {
    /// Debusine 0.16 activation tokens expire after 15 minutes.
    public static let activationLifetime: TimeInterval = 15 * 60

    static let columns = """
        w.id, w.name, w.worker_type, w.concurrency, w.enabled, w.static_metadata, w.dynamic_metadata,
        w.provided_tags, w.required_tags, w.registered_at, w.connected_at,
        (SELECT count(*) FROM work_requests r WHERE r.worker_id = w.id AND r.status IN ('pending', 'running')) AS active
        """

    /// The worker name for an FQDN (Debusine `db/models/workers.py` `WorkerManager._generate_unique_name`:
    /// `slugify(fqdn.replace(".", "-"))`, Django's `slugify`): dots become hyphens; accents are dropped (NFKD, then
    /// ASCII only); the text is lower-cased; what is neither a letter, a digit, `_`, a hyphen nor a space goes; runs of
    /// hyphens and spaces become one hyphen; hyphens and underscores are trimmed from both ends.
    public static func slug(forFQDN fqdn: String) -> String {
        let ascii = String(
            String.UnicodeScalarView(
                fqdn.replacingOccurrences(of: ".", with: "-").decomposedStringWithCompatibilityMapping.unicodeScalars
                    .filter(\.isASCII)))
            .lowercased()
        var slug = ""
        var inSeparatorRun = false
        for scalar in ascii.unicodeScalars {
            let isWord = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            let isSeparator = scalar == "-" || scalar.properties.isWhitespace
            if isSeparator {
                if !inSeparatorRun { slug.append("-") }
                inSeparatorRun = true
            } else if isWord {
                slug.unicodeScalars.append(scalar)
                inSeparatorRun = false
            }
        }
        return slug.trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
    }

    /// Creates a disabled-until-activated worker named from `fqdn` (`-2`, `-3`, … appended on a clash) with
    /// a one-shot activation token, enqueuing nothing (it has no metadata yet).
    ///
    /// Activation (the worker registering with the token) enables it; the worker row itself is created
    /// enabled = false so that nothing is scheduled on it before then.
    public static func create(
        fqdn: String,
        workerType: WorkerType = .external,
        concurrency: Int = 1,
        on conn: PGConnection
    ) async throws -> CreatedWorker {
        guard workerType == .external || workerType == .signing else {
            throw RepositoryError.invalid(
                "worker type '\(workerType.rawValue)' cannot be created by hand: use external or signing"
            )
        }
        guard concurrency >= 1 else { throw RepositoryError.invalid("concurrency \(concurrency) must be at least 1") }
        let base = slug(forFQDN: fqdn)
        guard !base.isEmpty, fqdn.count <= 400 else {
            throw RepositoryError.invalid("'\(fqdn)' is not a usable FQDN (letters, digits, dots, hyphens; ≤ 400)")
        }
        var suffix = 1
        var workerID: Int?
        var name = base
        while workerID == nil {
            name = suffix == 1 ? base : "\(base)-\(suffix)"
            workerID = try await conn.query(
                """
                INSERT INTO workers (name, worker_type, concurrency, enabled) VALUES ($1, $2, $3, false)
                ON CONFLICT ON CONSTRAINT workers_name_key DO NOTHING RETURNING id
                """,
                name,
                workerType.rawValue,
                concurrency
            ).first.map { try $0.decode(Int.self, at: 0) }
            suffix += 1
        }
        guard let workerID, let worker = try await find(id: workerID, on: conn) else {
            throw RepositoryError.notFound(kind: "worker", key: name)
        }
        let secret = TokenRepository.generateSecret()
        let expiresAt = Date().addingTimeInterval(activationLifetime)
        try await TokenRepository.create(
            secret: secret,
            kind: .activation,
            comment: "activation token for \(fqdn)",
            expiresAt: expiresAt,
            workerID: workerID,
            on: conn
        )
        return CreatedWorker(worker: worker, activationToken: secret, activationExpiresAt: expiresAt)
    }

    /// The worker named `name`, if any.
    public static func find(name: String, on conn: PGConnection) async throws -> WorkerRecord? {
        try await conn.query("SELECT \(columns) FROM workers w WHERE w.name = $1", name).first.map(worker(from:))
    }

    /// The worker named `name`, or `RepositoryError.workerNotFound` naming it.
    public static func require(name: String, on conn: PGConnection) async throws -> WorkerRecord {
        guard let worker = try await find(name: name, on: conn) else {
            throw RepositoryError.workerNotFound(name: name, byToken: false)
        }
        return worker
    }

    /// The worker an admin names for enabling or disabling, as Debusine's `Command.get_worker` finds it: by
    /// name, else by the secret of its worker token (`Worker.objects.get_worker_by_token_key_or_none`, which
    /// hashes the key; Kiln's digests are the same SHA-256), so a worker can be found from its configuration
    /// file alone. Activation and other tokens do not name a worker here.
    public static func require(nameOrToken: String, on conn: PGConnection) async throws -> WorkerRecord {
        if let worker = try await find(name: nameOrToken, on: conn) { return worker }
        guard let byToken = try await find(tokenDigest: TokenRepository.digest(of: nameOrToken), kind: .worker, on: conn)
        else { throw RepositoryError.workerNotFound(name: nameOrToken, byToken: true) }
        return byToken
    }

    /// Debusine's `worker enable`/`disable` take `--worker-type external` unless told otherwise, so a signing
    /// worker needs the explicit type, and naming the wrong type for any worker is refused
    /// (`RepositoryError.workerTypeMismatch`, Debusine's `Worker "NAME" is of type "signing", not "external"`).
    static func checkType(of worker: WorkerRecord, confirmedType: WorkerType?) throws {
        let requested = confirmedType ?? .external
        guard requested == worker.workerType else {
            throw RepositoryError.workerTypeMismatch(
                name: worker.name, actual: worker.workerType.rawValue, requested: requested.rawValue)
        }
    }

    /// The worker with primary key `id`, if any.
    public static func find(id: Int, on conn: PGConnection) async throws -> WorkerRecord? {
        try await conn.query("SELECT \(columns) FROM workers w WHERE w.id = $1", id).first.map(worker(from:))
    }

    /// The worker holding the token with this digest (of `kind`, or any kind bound to a worker), if any.
    public static func find(
        tokenDigest digest: String, kind: TokenKind? = nil, on conn: PGConnection
    ) async throws -> WorkerRecord? {
        try await conn.query(
            """
            SELECT \(columns) FROM workers w JOIN tokens t ON t.worker_id = w.id
             WHERE t.digest = $1 AND ($2::text IS NULL OR t.kind = $2::text)
            """,
            digest, kind?.rawValue
        ).first.map(worker(from:))
    }

    /// Every worker, in the order they registered (Debusine's `worker list`, `management_utils.Workers`,
    /// orders by `registered_at`; the id breaks ties).
    public static func list(on conn: PGConnection) async throws -> [WorkerRecord] {
        try await conn.query("SELECT \(columns) FROM workers w ORDER BY w.registered_at, w.id").rows.map(worker(from:))
    }

    /// Enables a worker and its worker tokens (compare-and-set on `enabled = false`) and enqueues
    /// `worker.metadata`, so the tag-computer recomputes its tags and announces it ready.
    ///
    /// - Parameters:
    ///   - nameOrToken: the worker's name or its worker token's secret (`require(nameOrToken:)`).
    ///   - confirmedType: the type the admin names, external when `nil` (Debusine
    ///     `server/management/commands/worker.py` `Command.get_worker` checks it): signing workers hold
    ///     private keys, so enabling one needs the admin to say `signing` explicitly.
    /// - Returns: the worker's name, and `false` when it was already enabled (nothing written).
    @discardableResult
    public static func enable(
        nameOrToken: String,
        confirmedType: WorkerType? = nil,
        on conn: PGConnection
    ) async throws -> (name: String, changed: Bool) {
        let worker = try await require(nameOrToken: nameOrToken, on: conn)
        try checkType(of: worker, confirmedType: confirmedType)
        let changed = try await conn.execute(
            "UPDATE workers SET enabled = true, first_enabled_at = coalesce(first_enabled_at, now()) WHERE id = $1 AND enabled = false",
            worker.id
        )
        try await TokenRepository.setWorkerTokensEnabled(true, workerID: worker.id, on: conn)
        guard changed == 1 else { return (worker.name, false) }
        try await EventOutbox.enqueue(.workerMetadata(WorkerID(worker.id)), on: conn)
        return (worker.name, true)
    }

    /// Disables a worker and its tokens (compare-and-set on `enabled = true`), de-assigns its PENDING and
    /// RUNNING work requests (Debusine `server/management/commands/worker.py` `Command.handle_disable`: they go back to
    /// the queue, unassigned; their leases are dropped) and enqueues `worker.gone` plus one `wr.pending` per
    /// de-assigned work request, and `worker.disabled`, on which the worker-gateway tells the worker at once.
    ///
    /// Must run inside a transaction.
    ///
    /// - Parameter nameOrToken: the worker's name or its worker token's secret (`require(nameOrToken:)`).
    /// - Returns: the worker's name, and the ids of the de-assigned work requests, or `nil` when the worker
    ///   was already disabled.
    @discardableResult
    public static func disable(
        nameOrToken: String,
        confirmedType: WorkerType? = nil,
        on conn: PGConnection
    ) async throws -> (name: String, deAssigned: [Int]?) {
        guard await conn.isInTransaction else { throw PGError.notInTransaction(operation: "WorkerRepository.disable") }
        let worker = try await require(nameOrToken: nameOrToken, on: conn)
        try checkType(of: worker, confirmedType: confirmedType)
        let changed = try await conn.execute(
            "UPDATE workers SET enabled = false WHERE id = $1 AND enabled = true",
            worker.id
        )
        try await TokenRepository.setWorkerTokensEnabled(false, workerID: worker.id, on: conn)
        guard changed == 1 else { return (worker.name, nil) }
        var deAssigned: [Int] = []
        for record in try await WorkRequestRepository.assigned(toWorker: worker.id, on: conn) {
            let after = try record.workRequest.deAssigned()
            try await WorkRequestRepository.apply([WorkRequestEdit(before: record.workRequest, after: after)], on: conn)
            deAssigned.append(record.workRequest.id)
        }
        try await EventOutbox.enqueueAll(
            [.workerGone(WorkerID(worker.id)), .workerDisabled(WorkerID(worker.id))], on: conn)
        return (worker.name, deAssigned)
    }

    /// Replaces a worker's static metadata and enqueues `worker.metadata` (the tag-computer recomputes).
    ///
    /// - Throws: `RepositoryError.invalid` when a known key (`tasks_allowlist`, `tasks_denylist`,
    ///   `provided_tags`, `required_tags`) is not a list of strings.
    public static func setStaticMetadata(
        name: String,
        metadata: [String: JSONValue],
        on conn: PGConnection
    ) async throws {
        for key in ["tasks_allowlist", "tasks_denylist", "provided_tags", "required_tags"] {
            guard let value = metadata[key] else { continue }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw RepositoryError.invalid(
                    "static metadata key '\(key)' must be a list of strings, not \(value.typeName) \(value.compactJSON)"
                )
            }
        }
        guard let worker = try await find(name: name, on: conn) else { throw RepositoryError.workerNotRegistered(name: name) }
        try await conn.execute("UPDATE workers SET static_metadata = $2 WHERE id = $1", worker.id, metadata)
        try await EventOutbox.enqueue(.workerMetadata(WorkerID(worker.id)), on: conn)
    }

    static func worker(from row: PGRow) throws -> WorkerRecord {
        let typeText = try row.decode(String.self, named: "worker_type")
        guard let type = WorkerType(rawValue: typeText) else {
            throw RepositoryError.invalid("worker has unknown worker_type '\(typeText)'")
        }
        return WorkerRecord(
            id: try row.decode(Int.self, named: "id"),
            name: try row.decode(String.self, named: "name"),
            workerType: type,
            concurrency: try row.decode(Int.self, named: "concurrency"),
            enabled: try row.decode(Bool.self, named: "enabled"),
            staticMetadata: try row.decode([String: JSONValue].self, named: "static_metadata"),
            dynamicMetadata: try row.decode([String: JSONValue].self, named: "dynamic_metadata"),
            providedTags: try row.decode([String].self, named: "provided_tags"),
            requiredTags: try row.decode([String].self, named: "required_tags"),
            registeredAt: try row.decode(Date.self, named: "registered_at"),
            connectedAt: try row.decode(Date?.self, named: "connected_at"),
            activeWorkRequests: try row.decode(Int.self, named: "active")
        )
    }
}
