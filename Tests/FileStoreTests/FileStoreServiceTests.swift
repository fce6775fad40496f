import FileStore
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import KilnCore
import KilnTestSupport
import Store
import Testing

/// The file-store executable against real PostgreSQL and RabbitMQ: uploads checked as they arrive, content
/// stored once, incomplete artifacts invisible to lookups, workers confined to their work request, expiry.
@Suite("file-store (real executable, real servers)", .serialized)
struct FileStoreServiceTests {
    @Test("a person uploads an artifact: incomplete and invisible to lookups until its last file is stored; downloads and ranges match")
    func uploadThenDownload() async throws {
        try await FileStoreWorld.with { world in
            let dsc = try world.file("Source: hello\nVersion: 1.0\n", name: "hello_1.0.dsc")
            let tarball = try world.file(String(repeating: "tarball bytes ", count: 5000), name: "hello_1.0.tar.xz")
            let client = world.client()
            let created = try await client.createArtifact(
                FileStoreProtocol.CreateArtifact(
                    category: "debian:source-package", workspace: "debian/System",
                    data: ArtifactDataSamples.data("debian:source-package", ["name": "hello"]),
                    files: [
                        "hello_1.0.dsc": .init(size: 27, sha256: FileStoreWorld.sha256("Source: hello\nVersion: 1.0\n")),
                        "hello_1.0.tar.xz": .init(
                            size: 70_000, sha256: FileStoreWorld.sha256(String(repeating: "tarball bytes ", count: 5000))),
                    ]))
            #expect(!created.complete)
            #expect(created.filesToUpload == ["hello_1.0.dsc", "hello_1.0.tar.xz"])
            #expect(try await world.lookupSees(created.id) == false, "an incomplete artifact is no lookup's input")

            try await client.upload(artifactID: created.id, path: "hello_1.0.dsc", from: dsc)
            #expect(try await client.artifact(id: created.id).filesToUpload == ["hello_1.0.tar.xz"])
            try await client.upload(artifactID: created.id, path: "hello_1.0.tar.xz", from: tarball)
            let complete = try await client.artifact(id: created.id)
            #expect(complete.complete && complete.filesToUpload.isEmpty)
            #expect(try await world.lookupSees(created.id))

            let downloaded = FileManager.default.temporaryDirectory.appending(path: "dl-\(TestServers.uniqueSuffix())")
            try await client.download(
                artifactID: created.id, path: "hello_1.0.tar.xz", to: downloaded,
                expected: complete.files.first { $0.path == "hello_1.0.tar.xz" })
            #expect(try Data(contentsOf: downloaded) == Data(contentsOf: tarball))

            // A range, as a resumed download asks for it.
            var request = URLRequest(url: world.baseURL.appending(path: "api/1.0/artifact/\(created.id)/files/hello_1.0.dsc"))
            request.setValue(world.userToken, forHTTPHeaderField: "Token")
            request.setValue("bytes=8-12", forHTTPHeaderField: "Range")  // "Source: hello" → "hello"
            let (part, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 206)
            #expect(String(decoding: part, as: UTF8.self) == "hello")
            #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Range") == "bytes 8-12/27")
        }
    }

    @Test("bytes that do not hash to the declared SHA-256 are refused and nothing is kept; the artifact stays incomplete")
    func digestMismatch() async throws {
        try await FileStoreWorld.with { world in
            let client = world.client()
            let declared = FileStoreWorld.sha256("the real content")
            let created = try await client.createArtifact(
                .init(category: "debusine:test", workspace: "debian/System", files: ["a.txt": .init(size: 16, sha256: declared)]))
            let forged = try world.file("other  content!!")
            let error = await #expect(throws: FileStoreClientError.self) {
                try await client.upload(artifactID: created.id, path: "a.txt", from: forged)
            }
            guard case .refused(_, let status, let problem)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(status == 409)
            #expect(problem.title == "Invalid file hash")
            #expect(problem.detail == "Invalid file hash. Expected: \(declared) Received: \(FileStoreWorld.sha256("other  content!!"))")
            #expect(try world.stagedUploads().isEmpty)
            #expect(try !world.holds(FileStoreWorld.sha256("other  content!!")))
            #expect(try await client.artifact(id: created.id).complete == false)

            // A longer body than declared is cut off and refused too.
            let long = try world.file(String(repeating: "x", count: 100))
            await #expect(throws: FileStoreClientError.self) {
                try await client.upload(artifactID: created.id, path: "a.txt", from: long)
            }
            #expect(try world.stagedUploads().isEmpty)
        }
    }

    @Test("content is stored once; dedup without upload only from a complete file of the same workspace; bad declarations, categories and data are named")
    func deduplicationAndValidation() async throws {
        try await FileStoreWorld.with(environment: ["KILN_FILE_STORE_MAX_FILE_SIZE": "1K"]) { world in
            let client = world.client()
            let url = try world.file("shared content")
            let first = try await client.uploadArtifact(
                category: "debusine:test", workspace: "debian/System", data: [:], files: ["x": url])
            #expect(first.complete)
            let second = try await client.createArtifact(
                .init(
                    category: "debusine:test", workspace: "debian/System",
                    files: ["y": .init(size: 14, sha256: FileStoreWorld.sha256("shared content"))]))
            #expect(second.complete, "same workspace, complete file: no upload needed")

            _ = try await world.pool.query(
                "INSERT INTO workspaces (scope_id, name) SELECT scope_id, 'Other' FROM workspaces WHERE id = $1", world.workspaceID)
            let elsewhere = try await client.createArtifact(
                .init(
                    category: "debusine:test", workspace: "debian/Other",
                    files: ["z": .init(size: 14, sha256: FileStoreWorld.sha256("shared content"))]))
            #expect(!elsewhere.complete, "knowing a digest gives no access to another workspace's content")
            #expect(
                try await world.pool.query("SELECT count(*) FROM files").first!.decode(Int.self, at: 0) == 1)

            func refusal(_ files: [String: FileStoreProtocol.DeclaredFile]) async -> (Int, String)? {
                do {
                    _ = try await client.createArtifact(.init(category: "debusine:test", workspace: "debian/System", files: files))
                    return nil
                } catch {
                    if case .refused(_, let status, let problem) = error { return (status, problem.detail ?? "") }
                    return nil
                }
            }
            let sha = FileStoreWorld.sha256("x")
            let traversal = await refusal(["../etc/passwd": .init(size: 1, sha256: sha)])
            #expect(traversal?.0 == 400)
            #expect(traversal?.1 == "invalid artifact file path '../etc/passwd': it has a '..' component")
            let badDigest = await refusal(["a": .init(size: 1, sha256: "ABC")])
            #expect(badDigest?.1.contains("invalid SHA-256 'ABC'") == true)
            let tooBig = await refusal(["big": .init(size: 2048, sha256: sha)])
            #expect(tooBig?.0 == 413)
            #expect(tooBig?.1.contains("KILN_FILE_STORE_MAX_FILE_SIZE") == true)
            let noWorkspace = try? await client.createArtifact(.init(category: "debusine:test", workspace: "debian/Nope"))
            #expect(noWorkspace == nil)

            // Debusine's `ArtifactView.post` (`Artifact.clean`, tests `test_create_artifact_invalid_category`,
            // db/models/tests/test_artifacts.py `test_clean`): an unknown category, or data the category's model
            // refuses, creates nothing.
            func dataRefusal(_ category: String, _ data: [String: JSONValue]) async -> (Int, String)? {
                do {
                    _ = try await client.createArtifact(.init(category: category, workspace: "debian/System", data: data))
                    return nil
                } catch {
                    if case .refused(_, let status, let problem) = error { return (status, problem.detail ?? "") }
                    return nil
                }
            }
            let before = try await world.pool.query("SELECT count(*) FROM artifacts").first!.decode(Int.self, at: 0)
            let unknown = await dataRefusal("debusine:unknown", [:])
            #expect(unknown?.0 == 400)
            #expect(unknown?.1 == "debusine:unknown: invalid artifact category")
            let log = await dataRefusal(KnownCategories.packageBuildLog, [:])
            #expect(log?.0 == 400)
            #expect(log?.1.hasPrefix("invalid artifact data: 3 validation errors for DebianPackageBuildLog\nsource\n") == true)
            let upload = await dataRefusal(
                KnownCategories.upload,
                ["type": "dpkg", "changes_fields": ["Architecture": "amd64", "Files": [["name": "hello.dsc"]]]])
            #expect(upload?.1.contains("No .debs found in ['hello.dsc'] which is expected to contain binaries for amd64") == true)
            #expect(try await world.pool.query("SELECT count(*) FROM artifacts").first!.decode(Int.self, at: 0) == before)
        }
    }

    @Test("a worker reads its work request's inputs and outputs only, and writes only its outputs")
    func workerConfinement() async throws {
        try await FileStoreWorld.with { world in
            let person = world.client()
            let input = try await person.uploadArtifact(
                category: "debian:source-package", workspace: "debian/System",
                data: ArtifactDataSamples.data("debian:source-package"),
                files: ["hello.dsc": try world.file("dsc")])
            let unrelated = try await person.uploadArtifact(
                category: "debian:source-package", workspace: "debian/System",
                data: ArtifactDataSamples.data("debian:source-package"),
                files: ["other.dsc": try world.file("other")])
            let (token, workRequest) = try await world.runningWorker(inputs: [input.id])
            let worker = world.client(token: token)

            #expect(try await worker.artifact(id: input.id).id == input.id)
            await #expect(throws: FileStoreClientError.self) { _ = try await worker.artifact(id: unrelated.id) }
            await #expect(throws: FileStoreClientError.self) {
                _ = try await worker.createArtifact(
                    .init(category: "debian:lintian", workspace: "debian/System", data: ArtifactDataSamples.data("debian:lintian")))
            }
            await #expect(throws: FileStoreClientError.self) {
                try await worker.upload(artifactID: unrelated.id, path: "other.dsc", from: try world.file("other"))
            }
            let output = try await worker.uploadArtifact(
                category: "debian:lintian", data: ArtifactDataSamples.data("debian:lintian"), files: ["lintian.txt": try world.file("I: tag")],
                workRequest: workRequest)
            #expect(output.complete && output.createdByWorkRequest == workRequest)
            try await worker.relate(.init(artifact: output.id, target: input.id, type: .relatesTo))
            await #expect(throws: FileStoreClientError.self) {
                try await worker.relate(.init(artifact: unrelated.id, target: input.id, type: .relatesTo))
            }
            #expect(try await person.artifact(id: input.id).relations.count == 1)

            // Once the work request is over, the worker's token opens nothing of it.
            _ = try await world.pool.query(
                "UPDATE work_requests SET status = 'completed', result = 'success', completed_at = now() WHERE id = $1",
                workRequest)
            await #expect(throws: FileStoreClientError.self) { _ = try await worker.artifact(id: output.id) }
            // A token nobody issued opens nothing.
            await #expect(throws: FileStoreClientError.self) {
                _ = try await world.client(token: TokenRepository.generateSecret()).artifact(id: input.id)
            }
        }
    }

    @Test("the expiry sweep deletes expired artifacts nothing keeps, and content no artifact declares")
    func expiry() async throws {
        try await FileStoreWorld.with(environment: ["KILN_FILE_STORE_EXPIRY_INTERVAL": "1s"]) { world in
            let client = world.client()
            let past = Date().addingTimeInterval(-60)
            let doomed = try await client.uploadArtifact(
                category: "debusine:test", workspace: "debian/System", data: [:], files: ["a": try world.file("doomed")],
                expireAt: past)
            let keeper = try await client.uploadArtifact(
                category: "debusine:test", workspace: "debian/System", data: [:], files: ["k": try world.file("kept")])
            let keptByRelation = try await client.uploadArtifact(
                category: "debusine:test", workspace: "debian/System", data: [:], files: ["r": try world.file("related")],
                expireAt: past)
            try await client.relate(.init(artifact: keeper.id, target: keptByRelation.id, type: .relatesTo))

            try await waitUntil("the expired artifact and its content are gone") {
                let rows = try await world.pool.query("SELECT count(*) FROM artifacts WHERE id = $1", doomed.id)
                return try rows.first!.decode(Int.self, at: 0) == 0 && !world.holds(FileStoreWorld.sha256("doomed"))
            }
            #expect(try await client.artifact(id: keptByRelation.id).complete)
            #expect(try world.holds(FileStoreWorld.sha256("related")))
            #expect(try world.holds(FileStoreWorld.sha256("kept")))
        }
    }
}
