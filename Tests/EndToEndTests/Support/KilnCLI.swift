import Foundation
import KilnCore
import KilnTestSupport

/// The real `kiln` executable, run as a process against one stack's schema (`KILN_POSTGRES_SCHEMA`) and
/// vhost; every answer a test reads comes from its `--json` output.
struct KilnCLI: Sendable {
    let postgresURL: String
    let schema: String
    let amqpURL: String
    /// The stack's file store (`kiln artifact create --upload`, `download`, `kiln log`).
    var fileStoreURL: String = ""

    /// What one `kiln` run printed.
    typealias Output = ExecutableRun

    /// Runs `kiln arguments…` as `user`; throws unless it exits 0.
    @discardableResult
    func run(_ arguments: [String], as user: String = "alice", timeout: Duration = .seconds(60)) async throws -> Output
    {
        let output = try await attempt(arguments, as: user, timeout: timeout)
        guard output.status == 0 else {
            throw HarnessError(
                "kiln \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)\(output.stdout)"
            )
        }
        return output
    }

    /// Runs `kiln arguments… --json` and decodes its output as `T`.
    func json<T: Decodable>(
        _ type: T.Type,
        _ arguments: [String],
        as user: String = "alice",
        timeout: Duration = .seconds(60)
    ) async throws -> T {
        let output = try await run(arguments + ["--json"], as: user, timeout: timeout)
        do {
            return try JSONDecoder().decode(T.self, from: Data(output.stdout.utf8))
        } catch {
            throw HarnessError(
                "kiln \(arguments.joined(separator: " ")) --json printed unexpected JSON (\(error)): \(output.stdout)"
            )
        }
    }

    /// Runs `kiln arguments…` whatever its exit status.
    func attempt(
        _ arguments: [String],
        as user: String = "alice",
        timeout: Duration = .seconds(60)
    ) async throws -> Output {
        let environment = [
            "KILN_POSTGRES_URL": postgresURL, "KILN_POSTGRES_SCHEMA": schema, "KILN_AMQP_URL": amqpURL, "USER": user,
            "KILN_FILE_STORE_URL": fileStoreURL,
        ]
        return try await ExecutableRun.run("kiln", arguments: arguments, environment: environment, timeout: timeout)
    }

    // MARK: Work requests

    /// `kiln submit TASK --workspace … --data JSON [--priority N] [--depends-on ID…]` → the new id.
    func submit(
        _ task: String,
        workspace: String = "debian/developers",
        data: JSONValue = .object([:]),
        priority: Int? = nil,
        dependsOn: [Int] = [],
        as user: String = "alice"
    ) async throws -> Int {
        var arguments = ["submit", task, "--workspace", workspace, "--data", data.compactJSON]
        if let priority { arguments += ["--priority", String(priority)] }
        for id in dependsOn { arguments += ["--depends-on", String(id)] }
        return try await json(Submitted.self, arguments, as: user).id
    }

    /// `kiln show ID --json`.
    func show(_ id: Int) async throws -> ShownWorkRequest {
        try await json(ShownWorkRequest.self, ["show", String(id)])
    }

    /// Waits until work request `id` satisfies `condition` (generous timeout), and returns it.
    @discardableResult
    func waitFor(
        _ id: Int,
        _ what: String,
        timeout: Duration = .seconds(90),
        _ condition: @escaping (ShownWorkRequest) -> Bool
    ) async throws -> ShownWorkRequest {
        try await waitUntil("work request \(id) \(what)", timeout: timeout) { condition(try await show(id)) }
        return try await show(id)
    }

    // MARK: Workers

    /// `kiln worker show NAME --json`.
    func worker(_ name: String) async throws -> ShownWorker {
        try await json(ShownWorker.self, ["worker", "show", name])
    }

    /// Writes `metadata` to a file and runs `kiln worker edit-metadata NAME --file FILE` (as the admin).
    func editMetadata(_ name: String, _ metadata: JSONValue, folder: URL) async throws {
        let file = folder.appending(path: "metadata-\(name)-\(TestServers.uniqueSuffix()).json")
        try Data(metadata.compactJSON.utf8).write(to: file)
        try await run(["worker", "edit-metadata", name, "--file", file.path], as: "admin")
    }
}

/// `kiln submit --json`.
struct Submitted: Decodable {
    let id: Int
    let status: String
}

/// One tag of `kiln show --json`, with where it came from.
struct ShownTag: Decodable, Sendable {
    let tag: String
    let provenance: String?
}

/// The parts of `kiln show ID --json` the tests read.
struct ShownWorkRequest: Decodable, Sendable {
    let id: Int
    let status: String
    let result: String
    let worker: String?
    let assignmentEpoch: Int
    let retryCount: Int
    let supersededBy: Int?
    let schedulerTagsRequired: [ShownTag]
    let schedulerTagsProvided: [ShownTag]
    let outputData: JSONValue?
    /// The artifacts it produced.
    let artifacts: [ProducedArtifact]
    /// What its task last reported doing (heartbeats).
    let progress: String?

    /// One of `artifacts`.
    struct ProducedArtifact: Decodable, Sendable {
        let id: Int
        let category: String
        let complete: Bool
    }

    /// The ids of its artifacts of `category`.
    func artifacts(_ category: String) -> [Int] { artifacts.filter { $0.category == category }.map(\.id) }

    enum CodingKeys: String, CodingKey {
        case id, status, result, progress
        case worker = "worker_name"
        case artifacts = "artifact_details"
        case assignmentEpoch = "assignment_epoch"
        case retryCount = "retry_count"
        case supersededBy = "superseded_by"
        case schedulerTagsRequired = "scheduler_tags_required_provenance"
        case schedulerTagsProvided = "scheduler_tags_provided_provenance"
        case outputData = "output_data"
    }

    var required: Set<String> { Set(schedulerTagsRequired.map(\.tag)) }
    var provided: Set<String> { Set(schedulerTagsProvided.map(\.tag)) }
    var isFinished: Bool { status == "completed" || status == "aborted" }

    /// The `code` of each error in `output_data.errors`.
    var errorCodes: [String] {
        (outputData?.value(atPath: "errors")?.arrayValue ?? []).compactMap { $0.value(atPath: "code")?.stringValue }
    }

    /// `output_data.errors[].message`.
    var errorMessages: [String] {
        (outputData?.value(atPath: "errors")?.arrayValue ?? []).compactMap { $0.value(atPath: "message")?.stringValue }
    }
}

/// The parts of `kiln worker show NAME --json` the tests read.
struct ShownWorker: Decodable, Sendable {
    let name: String
    let enabled: Bool
    let connectedAt: String?
    let providedTags: [String]
    let requiredTags: [String]

    enum CodingKeys: String, CodingKey {
        case name, enabled
        case connectedAt = "connected_at"
        case providedTags = "provided_tags"
        case requiredTags = "required_tags"
    }
}

/// `kiln worker create FQDN --json`.
struct CreatedWorker: Decodable {
    let name: String
    let activationToken: String

    enum CodingKeys: String, CodingKey {
        case name
        case activationToken = "activation_token"
    }
}
