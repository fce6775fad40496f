import FileStore
import Foundation
import KilnCore
import KilnTestSupport
import Store

/// One test's world: a migrated private schema, a private vhost, a file-store process serving a fresh
/// directory on a free port, workspace `debian/System`, and a person's token for it.
struct FileStoreWorld: Sendable {
    let database: TestSchema
    let broker: TestVirtualHost
    let root: URL
    let process: ServiceProcess
    let baseURL: URL
    let workspaceID: Int
    let userID: Int
    let userToken: String
    /// The file store's environment, to start it again after a test stopped it.
    let serviceEnvironment: [String: String]

    var pool: PGPool { database.pool }

    /// A client for `token` (the person's by default), retrying quickly.
    func client(token: String? = nil) -> FileStoreClient {
        FileStoreClient(baseURL: baseURL, token: token ?? userToken, attempts: 2, initialRetryDelay: .milliseconds(100))
    }

    static func with(environment: [String: String] = [:], _ body: (FileStoreWorld) async throws -> Void) async throws {
        let database = try await TestSchema.create(prefix: "kiln_files_test")
        let root = FileManager.default.temporaryDirectory.appending(path: "kiln-files-\(TestServers.uniqueSuffix())")
        var broker: TestVirtualHost?
        var process: ServiceProcess?
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let vhost = try await TestVirtualHost.create(prefix: "kiln-files-test")
            broker = vhost
            let (workspaceID, userID) = try await database.pool.withTransaction { conn in
                let scope = try conn.query("INSERT INTO scopes (name) VALUES ('debian') RETURNING id").first!
                    .decode(Int.self, at: 0)
                let workspace = try conn.query(
                    "INSERT INTO workspaces (scope_id, name) VALUES ($1, 'System') RETURNING id",
                    scope
                ).first!.decode(Int.self, at: 0)
                let user = try conn.query("INSERT INTO users (username) VALUES ('alice') RETURNING id").first!
                    .decode(Int.self, at: 0)
                return (workspace, user)
            }
            let token = TokenRepository.generateSecret()
            try await database.pool.withConnection { conn in
                try await TokenRepository.create(
                    secret: token,
                    kind: .user,
                    expiresAt: Date().addingTimeInterval(3600),
                    userID: userID,
                    on: conn
                )
            }
            let port = FreePort.next()
            var env = [
                "KILN_POSTGRES_URL": database.serviceURL, "KILN_AMQP_URL": vhost.serviceURL,
                "KILN_OPS_HOST": "127.0.0.1",
                "KILN_OPS_PORT": String(FreePort.next()), "KILN_STARTUP_TIMEOUT": "30s",
                "KILN_FILE_STORE_ROOT": root.path, "KILN_FILE_STORE_HOST": "127.0.0.1",
                "KILN_FILE_STORE_PORT": String(port),
            ]
            env.merge(environment) { $1 }
            let started = try await startFileStore(environment: env)
            process = started
            try await body(
                FileStoreWorld(
                    database: database,
                    broker: vhost,
                    root: root,
                    process: started,
                    baseURL: URL(string: "http://127.0.0.1:\(port)")!,
                    workspaceID: workspaceID,
                    userID: userID,
                    userToken: token,
                    serviceEnvironment: env
                )
            )
        } catch {
            await process?.kill()
            await database.drop()
            await broker?.delete()
            throw error
        }
        try? await process?.stop()
        await database.drop()
        await broker?.delete()
    }

    /// Starts a file-store process with `environment` and waits until it serves.
    static func startFileStore(environment: [String: String]) async throws -> ServiceProcess {
        let started = try ServiceProcess.start("file-store", environment: environment)
        try await waitUntil("the file store logs it is serving") {
            guard started.isRunning else { throw ProcessExited("file-store exited:\n\(started.log.suffix(3000))") }
            return started.logged("Server started and listening")
        }
        return started
    }

    /// Writes `content` to a fresh temporary file.
    func file(_ content: String, name: String = "file") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kiln-upload-\(TestServers.uniqueSuffix())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appending(path: name)
        try Data(content.utf8).write(to: url)
        return url
    }

    /// SHA-256 of `content` in hex.
    static func sha256(_ content: String) -> String {
        var digest = ContentDigest()
        digest.update(Data(content.utf8))
        return digest.hex()
    }

    /// Whether lookups (`NNN@artifacts`) find artifact `id`.
    func lookupSees(_ id: Int) async throws -> Bool {
        try await pool.withConnection { conn in
            try await conn.withSynchronousAccess { session in try PGLookupStore(session).artifact(id: id) != nil }
        }
    }

    /// Files in the staging folder (uploads not yet committed or refused).
    func stagedUploads() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "incoming").path)
    }

    /// Whether the store holds content `sha256`.
    func holds(_ sha256: String) throws -> Bool {
        try LocalDirectoryBackend(root: root).contains(sha256: sha256)
    }

    /// A worker with its own token, running work request `workRequest` (inserted running on it) whose dynamic
    /// data names `inputs` as input artifacts. Returns (worker token, work request id).
    func runningWorker(inputs: [Int]) async throws -> (token: String, workRequest: Int) {
        let token = TokenRepository.generateSecret()
        let workRequest = try await pool.withConnection { conn in
            let worker = try await conn.query(
                "INSERT INTO workers (name, enabled) VALUES ($1, true) RETURNING id",
                "w-\(TestServers.uniqueSuffix())"
            ).first!.decode(Int.self, at: 0)
            try await TokenRepository.create(secret: token, kind: .worker, workerID: worker, on: conn)
            let dynamic: JSONValue = [
                "task_input_fields": [
                    "input_source_artifact": .object(["artifact_id": inputs.first.map(JSONValue.int) ?? .null]),
                    "input_binary_artifacts": [
                        "artifacts": .array(inputs.dropFirst().map { ["artifact_id": .int($0)] })
                    ],
                ]
            ]
            return try await conn.query(
                """
                INSERT INTO work_requests (workspace_id, task_type, task_name, status, worker_id, assignment_epoch,
                                           dynamic_task_data, dynamic_data_epoch, started_at, configured_task_data)
                VALUES ($1, 'Worker', 'lintian', 'running', $2, 1, $3, 1, now(), '{}'::jsonb) RETURNING id
                """,
                workspaceID,
                worker,
                dynamic
            ).first!.decode(Int.self, at: 0)
        }
        return (token, workRequest)
    }
}
