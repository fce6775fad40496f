import ArgumentParser
import KilnCore
import Store

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "List, inspect, create, enable and disable workers; edit their static metadata.",
        subcommands: [
            WorkerList.self, WorkerShow.self, WorkerCreate.self, WorkerEnable.self, WorkerDisable.self,
            WorkerEditMetadata.self, WorkerPurge.self,
        ]
    )
}

/// Parses `--type` for worker commands.
func parseWorkerType(_ text: String) throws -> WorkerType {
    guard let type = WorkerType(rawValue: text.lowercased()), type == .external || type == .signing else {
        throw CLIError("unknown worker type '\(text)': expected external or signing")
    }
    return type
}

/// The worker `enable` and `disable` act on, named as `debusine-admin worker` names it: by name or worker token,
/// with the type the admin expects it to be.
struct WorkerSelection: ParsableArguments {
    @Argument(help: "The worker's name, or its worker token.")
    var worker: String

    @Option(
        name: [.customLong("worker-type"), .customLong("type")],
        help: "The worker's type, external unless given: signing for a signing worker.")
    var workerType: String?

    /// The type given, if any (`WorkerRepository.checkType` takes external for none).
    func confirmedType() throws -> WorkerType? { try workerType.map(parseWorkerType) }
}

struct WorkerList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List workers: name, type, registered, connected, token hash, enabled, load, provided tags.",
        discussion: """
            The first six columns are debusine-admin worker list's, in its order (oldest registration first; \
            times as Python's isoformat, - for never; the digest of the worker's newest worker token, - before \
            it has one); then Kiln's load (running/concurrency) and provided tags.

            Example:
              kiln worker list
              kiln worker list --json
            """
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let (workers, digests) = try await pool.withConnection { conn in
                (try await WorkerRepository.list(on: conn), try await TokenRepository.newestWorkerTokenDigests(on: conn))
            }
            if json {
                Output.json(.array(workers.map(WorkerShow.json)))
                return
            }
            Output.table(
                ["Name", "Type", "Registered", "Connected", "Token hash (do not copy)", "Enabled", "Load", "Provided tags"],
                workers.map { worker in
                    [
                        worker.name, worker.workerType.rawValue, ISO8601Timestamp.pythonISOFormat(worker.registeredAt),
                        worker.connectedAt.map(ISO8601Timestamp.pythonISOFormat) ?? "-", digests[worker.id] ?? "-",
                        worker.enabled ? "True" : "False", "\(worker.activeWorkRequests)/\(worker.concurrency)",
                        worker.providedTags.joined(separator: ",").orDash,
                    ]
                }
            )
        }
    }
}

struct WorkerShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one worker: state, metadata, tag sets, tokens (digests only) and assigned work.",
        discussion: """
            Example:
              kiln worker show builder-1-example-org
            """
    )

    @Argument(help: "The worker name.")
    var name: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let (worker, tokens, assigned) = try await pool.withConnection { conn in
                let worker = try await WorkerRepository.require(name: name, on: conn)
                return (
                    worker, try await TokenRepository.tokens(ofWorker: worker.id, on: conn),
                    try await WorkRequestRepository.assigned(toWorker: worker.id, on: conn)
                )
            }
            if json {
                var object = Self.json(worker).objectValue ?? [:]
                object["tokens"] = .array(
                    tokens.map {
                        [
                            "kind": .string($0.kind.rawValue), "enabled": .bool($0.enabled),
                            "digest": .string($0.digest), "expires_at": Output.jsonTime($0.expiresAt),
                        ]
                    }
                )
                object["assigned_work_requests"] = .array(assigned.map { .int($0.workRequest.id) })
                Output.json(.object(object))
                return
            }
            Output.fields([
                ("Worker", worker.name), ("Type", worker.workerType.rawValue),
                ("Enabled", worker.enabled ? "yes" : "no"),
                ("Connected", worker.connectedAt.map { "since \(Output.time($0))" } ?? "no"),
                ("Load", "\(worker.activeWorkRequests)/\(worker.concurrency)"),
                ("Registered", Output.time(worker.registeredAt)),
                ("Provided tags", worker.providedTags.joined(separator: ", ").orDash),
                ("Required tags", worker.requiredTags.joined(separator: ", ").orDash),
                ("Static metadata", JSONValue.object(worker.staticMetadata).compactJSON),
                ("Dynamic metadata", JSONValue.object(worker.dynamicMetadata).compactJSON),
                (
                    "Tokens",
                    tokens.map {
                        "\($0.kind.rawValue) \($0.enabled ? "enabled" : "disabled") sha256:\($0.digest.prefix(12))…"
                    }
                    .joined(separator: "; ").orDash
                ),
                (
                    "Assigned",
                    assigned.map { "\($0.workRequest.id) (\($0.displayStatus))" }.joined(separator: ", ").orDash
                ),
            ])
        }
    }

    static func json(_ worker: WorkerRecord) -> JSONValue {
        [
            "id": .int(worker.id), "name": .string(worker.name), "worker_type": .string(worker.workerType.rawValue),
            "enabled": .bool(worker.enabled), "concurrency": .int(worker.concurrency),
            "active_work_requests": .int(worker.activeWorkRequests),
            "connected_at": Output.jsonTime(worker.connectedAt),
            "registered_at": Output.jsonTime(worker.registeredAt),
            "provided_tags": .array(worker.providedTags.map(JSONValue.string)),
            "required_tags": .array(worker.requiredTags.map(JSONValue.string)),
            "static_metadata": .object(worker.staticMetadata), "dynamic_metadata": .object(worker.dynamicMetadata),
        ]
    }
}

struct WorkerCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Pre-create a worker for an FQDN and print its one-time activation token.",
        discussion: """
            The worker is named from the FQDN (dots become hyphens; -2, -3 … on a clash). Give the printed \
            activation token to the worker (kiln-worker --activation-token): it is valid for 15 minutes and \
            shown only now; Kiln stores only its SHA-256 digest.

            Examples:
              kiln worker create builder-1.example.org
              kiln worker create signer.example.org --type signing
            """
    )

    @Argument(help: "The worker's fully qualified domain name.")
    var fqdn: String

    @Option(name: [.customLong("worker-type"), .customLong("type")], help: "external (default) or signing.")
    var workerType = "external"

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await CLIRunner.run { pool in
            let type = try parseWorkerType(workerType)
            let created = try await pool.withTransaction { conn in
                try await WorkerRepository.create(fqdn: fqdn, workerType: type, on: conn)
            }
            if json {
                Output.json([
                    "name": .string(created.worker.name), "id": .int(created.worker.id),
                    "worker_type": .string(created.worker.workerType.rawValue),
                    "activation_token": .string(created.activationToken),
                    "activation_expires_at": Output.jsonTime(created.activationExpiresAt),
                ])
            } else {
                // Debusine's `handle_create` prints the token alone on stdout; Kiln's words go to stderr.
                Output.note("created \(created.worker.workerType.rawValue) worker \(created.worker.name)")
                Output.note(
                    "activation token (valid until \(Output.time(created.activationExpiresAt)), shown only once):")
                print(created.activationToken)
            }
        }
    }
}

struct WorkerEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Enable a worker so it may connect and receive work.",
        discussion: """
            The worker is named by its name or by its worker token (the secret in its configuration), as \
            debusine-admin worker enable takes either. Signing workers hold private keys: enabling one needs \
            an explicit --worker-type signing.

            Exit status 3 when no worker has that name or token, 4 when it is of another type than named \
            (debusine-admin's codes).

            Examples:
              kiln worker enable builder-1-example-org
              kiln worker enable signer-example-org --worker-type signing
            """
    )

    @OptionGroup var selection: WorkerSelection

    func run() async throws {
        try await CLIRunner.run { pool in
            let type = try selection.confirmedType()
            let (name, changed) = try await pool.withTransaction { conn in
                try await WorkerRepository.enable(nameOrToken: selection.worker, confirmedType: type, on: conn)
            }
            // `handle_enable` prints nothing on stdout.
            Output.note(changed ? "enabled worker \(name)" : "worker \(name) was already enabled")
        }
    }
}

struct WorkerDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a worker: its tokens stop working and its pending/running work goes back to the queue.",
        discussion: """
            A connected worker is told at once. As with enable, the worker is named by its name or its worker \
            token, a signing worker needs --worker-type signing, and the exit status is 3 for an unknown \
            worker, 4 for a type mismatch.

            Example:
              kiln worker disable builder-1-example-org
              kiln worker disable signer-example-org --worker-type signing
            """
    )

    @OptionGroup var selection: WorkerSelection

    func run() async throws {
        try await CLIRunner.run { pool in
            let type = try selection.confirmedType()
            let (name, deAssigned) = try await pool.withCASRetry { conn in
                try await WorkerRepository.disable(nameOrToken: selection.worker, confirmedType: type, on: conn)
            }
            // `handle_disable` prints nothing on stdout.
            guard let deAssigned else {
                Output.note("worker \(name) was already disabled")
                return
            }
            let work =
                deAssigned.isEmpty
                ? "" : "; de-assigned work requests " + deAssigned.map(String.init).joined(separator: ", ")
            Output.note("disabled worker \(name)\(work)")
        }
    }
}

struct WorkerPurge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete self-registered workers nobody enabled, with their tokens.",
        discussion: """
            A hello with an unknown token registers a disabled worker for an admin to enable (or not); the \
            worker-gateway refuses new ones beyond KILN_GATEWAY_REGISTRATION_LIMIT. This deletes those never \
            enabled and registered longer ago than --older-than. Workers an admin created (kiln worker create) \
            and workers that were ever enabled are never purged. A worker purged by mistake registers again at \
            its next hello.

            Examples:
              kiln worker purge --never-enabled --older-than 24h --dry-run
              kiln worker purge --never-enabled --older-than 1h
            """
    )

    @Flag(help: "Required: purge only self-registered workers that were never enabled (the only kind purged).")
    var neverEnabled = false

    @Option(help: "Only those registered longer ago than this (e.g. 30m, 24h; up to a week).")
    var olderThan: DurationOption

    @Flag(help: "List what would be deleted, delete nothing.")
    var dryRun = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard neverEnabled else {
            throw ValidationError("say --never-enabled: it is the only kind of worker `kiln worker purge` deletes")
        }
    }

    func run() async throws {
        try await CLIRunner.run { pool in
            let names = try await pool.withTransaction { conn in
                try await WorkerRepository.purgeNeverEnabled(olderThan: olderThan.duration, dryRun: dryRun, on: conn)
            }
            if json {
                Output.json(["dry_run": .bool(dryRun), "workers": .array(names.map { .string($0) })])
            } else if names.isEmpty {
                print("no self-registered worker older than \(olderThan) waits to be enabled")
            } else {
                print((dryRun ? "would purge " : "purged ") + "\(names.count) worker(s): " + names.joined(separator: ", "))
            }
        }
    }
}

struct WorkerEditMetadata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit-metadata",
        abstract: "Replace a worker's static metadata from a YAML (or JSON) file.",
        discussion: """
            Known keys: tasks_allowlist, tasks_denylist, provided_tags, required_tags (lists of strings); any \
            other key overrides the worker's dynamic value of the same name. The tag-computer recomputes the \
            worker's tags afterwards.

            As debusine-admin worker edit_metadata --set (which this also answers to), the file is read as \
            YAML (JSON is YAML too) and must hold a non-empty mapping; an unknown worker or a file it cannot \
            use exits with status 3 and Debusine's message (`file is empty`, `Data must be a dict or empty`, \
            `Invalid YAML: …`, `[Errno 2] No such file or directory: 'PATH'`).

            Example (metadata.yaml holds `provided_tags: [worker:build-profile:nocheck]`):
              kiln worker edit-metadata builder-1-example-org --file metadata.yaml
            """,
        aliases: ["edit_metadata"]
    )

    @Argument(help: "The worker name.")
    var name: String

    @Option(name: [.customLong("file"), .customLong("set")], help: "The metadata file (YAML or JSON).")
    var file: String

    func run() async throws {
        try await CLIRunner.run { pool in
            // Debusine looks the worker up before it reads the file (test `test_edit_metadata_worker_does_not_exist`).
            guard try await pool.withConnection({ conn in try await WorkerRepository.find(name: name, on: conn) }) != nil
            else { throw RepositoryError.workerNotRegistered(name: name) }
            let metadata: [String: JSONValue]
            do {
                metadata = try WorkerMetadataFile.read(file)
            } catch let error as WorkerMetadataFile.Refusal {
                CLIRunner.fail(error, status: CLIExit.workerRefused)
            }
            try await pool.withTransaction { conn in
                try await WorkerRepository.setStaticMetadata(name: name, metadata: metadata, on: conn)
            }
            print("kiln: metadata set for \(name)")
        }
    }
}
