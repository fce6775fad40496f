import FileStore
import Foundation
import KilnCore
import KilnTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a client holding a result does when the file store goes away, and why repeating a creation is safe.
@Suite("file-store outages and repeated requests (real executable, real servers)", .serialized)
struct FileStoreOutageTests {
    @Test("a creation repeated with its Idempotency-Key answers with the first artifact; a reused key or a bad one is refused")
    func repeatedCreation() async throws {
        try await FileStoreWorld.with { world in
            let body = try FileStoreProtocol.encoder().encode(
                FileStoreProtocol.CreateArtifact(
                    category: "debusine:test", workspace: "debian/System", data: [:],
                    files: ["a.txt": .init(size: 5, sha256: FileStoreWorld.sha256("hello"))]))
            func post(key: String?, body: Data) async throws -> (status: Int, json: [String: JSONValue], echoedKey: String?) {
                var request = URLRequest(url: world.baseURL.appending(path: "api/1.0/artifact/"))
                request.httpMethod = "POST"
                request.setValue(world.userToken, forHTTPHeaderField: FileStoreProtocol.tokenHeader)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                if let key { request.setValue(key, forHTTPHeaderField: FileStoreProtocol.idempotencyKeyHeader) }
                let (data, response) = try await URLSession.shared.upload(for: request, from: body)
                let http = response as! HTTPURLResponse
                return (
                    http.statusCode, try JSONDecoder().decode([String: JSONValue].self, from: data),
                    http.value(forHTTPHeaderField: FileStoreProtocol.idempotencyKeyHeader)
                )
            }
            let first = try await post(key: "upload-7f3a", body: body)
            let again = try await post(key: "upload-7f3a", body: body)
            #expect(first.status == 201 && again.status == 201)
            #expect(first.echoedKey == "upload-7f3a", "the store says it honours the key")
            #expect(first.json["id"] != nil && again.json["id"] == first.json["id"], "the retry gets the first artifact")
            #expect(again.json["files_to_upload"] == ["a.txt"])
            let count = try await world.pool.query("SELECT count(*) FROM artifacts").first!.decode(Int.self, at: 0)
            #expect(count == 1)

            let other = try FileStoreProtocol.encoder().encode(
                FileStoreProtocol.CreateArtifact(
                    category: "debian:lintian", workspace: "debian/System", data: ArtifactDataSamples.data("debian:lintian"),
                    files: [:]))
            let reused = try await post(key: "upload-7f3a", body: other)
            #expect(reused.status == 422)
            #expect(reused.json["detail"]?.stringValue == "the key 'upload-7f3a' was used by another caller or for another category")
            let spaced = try await post(key: "two words", body: body)
            #expect(spaced.status == 400)
            #expect(spaced.json["detail"]?.stringValue?.contains("Idempotency-Key must be") == true)
            let keyless = try await post(key: nil, body: body)
            #expect(keyless.status == 201 && keyless.json["id"] != first.json["id"], "without a key, a new artifact")
        }
    }

    @Test("an upload outlasts a file-store restart: retried with patience until the store is back, the artifact complete")
    func uploadAcrossRestart() async throws {
        try await FileStoreWorld.with { world in
            let content = String(repeating: "build output ", count: 20_000)
            let file = try world.file(content, name: "out.log")
            let retries = RetryCounter()
            var client = world.client()
            client.patience = .seconds(120)
            client.onRetry = { _, _ in retries.increment() }
            await world.process.kill()
            let upload = Task {
                try await client.uploadArtifact(
                    category: "debusine:test", workspace: "debian/System", data: [:], files: ["out.log": file])
            }
            try await waitUntil("the client has retried twice while the store is down") { retries.value >= 2 }
            let restarted = try await FileStoreWorld.startFileStore(environment: world.serviceEnvironment)
            let outcome = await upload.result
            await restarted.kill()
            let artifact = try outcome.get()
            #expect(artifact.complete && artifact.files.map(\.path) == ["out.log"])
            #expect(artifact.files.first?.sha256 == FileStoreWorld.sha256(content))
            let count = try await world.pool.query("SELECT count(*) FROM artifacts").first!.decode(Int.self, at: 0)
            #expect(count == 1)
        }
    }

    @Test("a creation whose answer is lost: repeated with its key once the store is known to honour keys, never before; one artifact each time")
    func lostAnswer() async throws {
        try await FileStoreWorld.with { world in
            let proxy = try AnswerDroppingProxy(
                upstreamPort: try #require(world.baseURL.port), dropFirst: 1, matching: "POST /api/1.0/artifact/ ")
            defer { proxy.stop() }
            let client = FileStoreClient(
                baseURL: URL(string: "http://127.0.0.1:\(proxy.port)")!, token: world.userToken, attempts: 3,
                initialRetryDelay: .milliseconds(100))
            func count(_ category: String) async throws -> Int {
                try await world.pool.query("SELECT count(*) FROM artifacts WHERE category = $1", category).first!
                    .decode(Int.self, at: 0)
            }
            func upload(_ category: String, _ content: String) async throws -> FileStoreProtocol.Artifact {
                try await client.uploadArtifact(
                    category: category, workspace: "debian/System", data: ArtifactDataSamples.data(category),
                    files: ["a.txt": try world.file(content)])
            }
            // Nothing yet says this store honours keys: the lost answer is reported, not repeated.
            await #expect(throws: FileStoreClientError.self) { _ = try await upload("debusine:test", "first") }
            #expect(proxy.dropped == 1)
            #expect(try await count("debusine:test") == 1, "the store created it; the client was not told")

            // An answer with the key echoed teaches the client; then a lost answer is repeated with the same key.
            _ = try await upload("debian:lintian", "second")
            proxy.dropNext(1)
            let third = try await upload("debusine:signing-input", "third")
            #expect(proxy.dropped == 2)
            #expect(third.complete && third.files.map(\.path) == ["a.txt"])
            #expect(try await count("debusine:signing-input") == 1, "the repeated creation found the first, no twin")
        }
    }

    @Test("without patience, a store that stays away is named after the attempts; a local file that cannot be read is not retried")
    func givingUp() async throws {
        try await FileStoreWorld.with { world in
            await world.process.kill()
            let retries = RetryCounter()
            var client = world.client()
            client.onRetry = { _, _ in retries.increment() }
            let missing = URL(fileURLWithPath: "/nonexistent/kiln-\(TestServers.uniqueSuffix())")
            await #expect {
                try await client.upload(artifactID: 1, path: "x", from: missing)
            } throws: { error in
                guard case FileStoreClientError.local(let path, _)? = error as? FileStoreClientError else { return false }
                return path == missing.path
            }
            #expect(retries.value == 0)
            await #expect {
                _ = try await client.artifact(id: 1)
            } throws: { error in
                "\(error)".hasPrefix("cannot reach the file store at \(world.baseURL.absoluteString)/api/1.0/artifact/1/")
            }
            #expect(retries.value == 1, "two attempts, one retry")
        }
    }
}

/// Counts calls from any thread.
final class RetryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
