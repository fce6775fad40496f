import FileStore
import Foundation
import Hummingbird
import KilnCore
import Logging
import Metrics
import Store
import _NIOFileSystem

/// The file store's API (deploy/docs/services/file-store.md):
///
/// - `POST /api/1.0/artifact/` creates an artifact declaring its files; the answer lists those to upload;
/// - `GET /api/1.0/artifact/ID/` reads it back with its files and relations;
/// - `PUT /api/1.0/artifact/ID/files/PATH` streams one file's content, checked against the declared size
///   and SHA-256 as it arrives; a mismatch is refused and nothing is kept;
/// - `GET /api/1.0/artifact/ID/files/PATH` streams a stored file (a `Range` of it on request, so a
///   download can resume);
/// - `POST /api/1.0/artifact-relation/` relates two artifacts.
///
/// No database transaction is held while bytes move: the caller is authorised first, the content is staged
/// and checked, and one short transaction records it.
struct FileStoreRoutes: Sendable {
    let pool: PGPool
    let backend: any FileBackend
    let maxFileSize: Int
    let logger: Logger
    private let fileIO = FileIO()
    /// Bytes an upload gathers before each write: 1 MiB, as the client sends them, instead of the 512 KiB
    /// default (half the hops to the file-system thread pool).
    static let transferChunk = ByteCount.mebibytes(1)

    init(pool: PGPool, backend: any FileBackend, maxFileSize: Int, logger: Logger) {
        self.pool = pool
        self.backend = backend
        self.maxFileSize = maxFileSize
        self.logger = logger
    }

    /// The router; the application around it is built by ``FileStoreService``.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = router.group(RouterPath(FileStoreProtocol.prefix))
        api.post("artifact") { request, _ in try await create(request) }
        api.get("artifact/:id") { request, context in try await show(request, id: try artifactID(context)) }
        api.put("artifact/:id/files/**") { request, context in
            try await upload(request, id: try artifactID(context), path: try filePath(context))
        }
        api.get("artifact/:id/files/**") { request, context in
            try await download(request, context: context, id: try artifactID(context), path: try filePath(context))
        }
        api.post("artifact-relation") { request, _ in try await relate(request) }
        return router
    }

    // MARK: Artifacts

    private func create(_ request: Request) async throws -> Response {
        let creation = try await decodedBody(FileStoreProtocol.CreateArtifact.self, from: request)
        for (path, file) in creation.files {
            do {
                _ = try ArtifactFilePath.validated(path)
                _ = try ArtifactFilePath.validatedDigest(file.sha256 ?? "")
            } catch {
                throw FileStoreProblem.invalid("\(error)")
            }
            guard file.size >= 0, file.size <= maxFileSize else {
                throw FileStoreProblem(
                    .contentTooLarge, "File too large",
                    "\(ArtifactFileError.invalidSize(path: path, size: file.size, limit: maxFileSize))")
            }
        }
        let key = request.headers[.init(FileStoreProtocol.idempotencyKeyHeader)!]
        let (artifact, created) = try await pool.withTransaction { conn in
            let principal = try await FileStorePrincipal.authenticate(request, on: conn)
            if let key, !FileStoreProtocol.isValidIdempotencyKey(key) {
                throw FileStoreProblem.invalid(
                    "\(FileStoreProtocol.idempotencyKeyHeader) must be 1 to 200 printable ASCII characters without spaces")
            }
            let assignment = try principal.outputWorkRequest(creation.workRequest)
            let workspaceID: Int
            if let assignment {
                workspaceID = assignment.workspaceID
            } else {
                guard let name = creation.workspace else {
                    throw FileStoreProblem.invalid("workspace is required (SCOPE/NAME)")
                }
                let path: WorkspacePath
                do { path = try WorkspacePath(parsing: name) } catch { throw FileStoreProblem.invalid("\(error)") }
                guard let workspace = try await WorkspaceRepository.find(path, on: conn) else {
                    throw FileStoreProblem.notFound("workspace \(path) does not exist")
                }
                workspaceID = workspace.id
            }
            // After the caller and workspace are known, as Debusine's `ArtifactView.post` checks them first.
            do {
                try ArtifactDataModels.validate(category: creation.category, data: .object(creation.data))
            } catch {
                throw FileStoreProblem(.badRequest, "Error", "\(error)")
            }
            if let key, let earlier = try await ArtifactFileRepository.createdWithKey(key, on: conn) {
                guard earlier.createdBy == principal.userID, earlier.createdByWorkRequestID == assignment?.workRequestID,
                    earlier.category == creation.category
                else {
                    // Not naming the artifact: it may be another caller's.
                    throw FileStoreProblem(
                        .unprocessableContent, "Idempotency-Key reused",
                        "the key \(JSONValue.string(key).pythonRepr) was used by another caller or for another category")
                }
                return (try await apiArtifact(id: earlier.id, on: conn), false)
            }
            let id: Int
            do {
                id = try await ArtifactFileRepository.create(
                    workspaceID: workspaceID, category: creation.category, data: creation.data, files: creation.files,
                    createdBy: principal.userID, createdByWorkRequestID: assignment?.workRequestID,
                    expireAt: creation.expireAt, deduplicate: principal.userID != nil, creationKey: key, on: conn)
            } catch let error as RepositoryError {
                throw FileStoreProblem.invalid("\(error)")
            }
            return (try await apiArtifact(id: id, on: conn), true)
        }
        if created {
            Counter(label: "kiln_file_store_artifacts_created_total").increment()
            logger.info(
                "artifact created",
                metadata: [
                    "artifact": "\(artifact.id)", "category": "\(artifact.category)",
                    "files": "\(artifact.files.count)", "to_upload": "\(artifact.filesToUpload.count)",
                ])
        } else {
            logger.info("artifact creation repeated", metadata: ["artifact": "\(artifact.id)"])
        }
        var response = try JSONResponse.make(artifact, status: .created)
        // Echoed so a client learns that this store honours keys, and may repeat a creation whose answer it lost.
        if let key { response.headers[.init(FileStoreProtocol.idempotencyKeyHeader)!] = key }
        return response
    }

    private func show(_ request: Request, id: Int) async throws -> Response {
        let artifact = try await pool.withConnection { conn in
            let principal = try await FileStorePrincipal.authenticate(request, on: conn)
            let stored = try await readable(id, by: principal, on: conn)
            return stored.apiValue(relations: try await ArtifactRelationRepository.relations(of: id, on: conn))
        }
        return try JSONResponse.make(artifact)
    }

    private func relate(_ request: Request) async throws -> Response {
        let relation = try await decodedBody(FileStoreProtocol.Relation.self, from: request)
        let created = try await pool.withTransaction { conn in
            let principal = try await FileStorePrincipal.authenticate(request, on: conn)
            let from = try await readable(relation.artifact, by: principal, on: conn)
            guard principal.mayWrite(from) else {
                throw FileStoreProblem.forbidden("artifact \(relation.artifact) was not created by a work request this worker runs")
            }
            let target = try await readable(relation.target, by: principal, on: conn)
            // Debusine's `ArtifactRelationsView.perform_create` (tests `test_post_400_source_artifact_incomplete`,
            // `test_post_400_target_artifact_incomplete`).
            if !from.complete {
                throw FileStoreProblem.invalid("Cannot create relation: source artifact \(relation.artifact) is incomplete")
            }
            if !target.complete {
                throw FileStoreProblem.invalid("Cannot create relation: target artifact \(relation.target) is incomplete")
            }
            do {
                return try await ArtifactRelationRepository.relate(
                    relation.artifact, relation.type, to: relation.target, on: conn
                ).created
            } catch let error as RepositoryError {
                throw FileStoreProblem.invalid("\(error)")
            }
        }
        // 201 when created, 200 when it existed (Debusine's `GetOrCreateAPIView`).
        return try JSONResponse.make(relation, status: created ? .created : .ok)
    }

    // MARK: Files

    private func upload(_ request: Request, id: Int, path: String) async throws -> Response {
        let file = try await pool.withConnection { conn in
            let principal = try await FileStorePrincipal.authenticate(request, on: conn)
            let artifact = try await readable(id, by: principal, on: conn)
            guard principal.mayWrite(artifact) else {
                throw FileStoreProblem.forbidden("artifact \(id) was not created by a work request this worker runs")
            }
            guard let file = artifact.files.first(where: { $0.path == path }) else {
                throw FileStoreProblem.notFound("artifact \(id) declares no file \(JSONValue.string(path).pythonRepr)")
            }
            return file
        }
        if file.complete {
            return try JSONResponse.make(FileStoreProtocol.Problem(title: "Already stored", detail: path))
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length != file.size {
            throw FileStoreProblem.invalid(
                "\(ArtifactFileError.sizeMismatch(path: path, declared: file.size, received: length))")
        }
        let staged = try backend.stagingFile()
        let received: ContentDigest
        do {
            received = try await stage(request.body, into: staged, limit: file.size, path: path)
        } catch {
            backend.discard(staged: staged)
            Counter(label: "kiln_file_store_uploads_total", dimensions: [("outcome", "refused")]).increment()
            throw error
        }
        let sha256 = received.hex()
        guard received.byteCount == file.size else {
            backend.discard(staged: staged)
            Counter(label: "kiln_file_store_uploads_total", dimensions: [("outcome", "refused")]).increment()
            throw FileStoreProblem.invalid(
                "\(ArtifactFileError.sizeMismatch(path: path, declared: file.size, received: received.byteCount))")
        }
        guard sha256 == file.sha256 else {
            backend.discard(staged: staged)
            Counter(label: "kiln_file_store_uploads_total", dimensions: [("outcome", "refused")]).increment()
            // Debusine's answer (`UploadFileView`, test `test_put_wrong_whole_file`): 409, the upload starts again.
            throw FileStoreProblem(
                .conflict, "Invalid file hash", "Invalid file hash. Expected: \(file.sha256) Received: \(sha256)")
        }
        let completed = try await pool.withConnection { conn in
            try await ArtifactFileRepository.withContentLock(sha256: sha256, on: conn) {
                try backend.commit(staged: staged, sha256: sha256)
                return try await conn.withTransaction { conn in
                    try await ArtifactFileRepository.contentStored(
                        artifactID: id, path: path, sha256: sha256, size: file.size, on: conn)
                }
            }
        }
        Counter(label: "kiln_file_store_uploads_total", dimensions: [("outcome", "stored")]).increment()
        Counter(label: "kiln_file_store_upload_bytes_total").increment(by: file.size)
        logger.info(
            "file stored",
            metadata: [
                "artifact": "\(id)", "path": "\(path)", "bytes": "\(file.size)",
                "artifact_complete": "\(completed)",
            ])
        return try JSONResponse.make(FileStoreProtocol.Problem(title: "Stored", detail: path), status: .created)
    }

    /// Writes `body` to `staged`, hashing as it goes; more bytes than `limit` stop it at once.
    private func stage(_ body: RequestBody, into staged: URL, limit: Int, path: String) async throws -> ContentDigest {
        var digest = ContentDigest()
        try await FileSystem.shared.withFileHandle(
            forWritingAt: FilePath(staged.path), options: .newFile(replaceExisting: true)
        ) { handle in
            try await handle.withBufferedWriter(capacity: Self.transferChunk) { writer in
                for try await buffer in body {
                    buffer.withUnsafeReadableBytes { digest.update($0) }
                    guard digest.byteCount <= limit else {
                        throw FileStoreProblem.invalid(
                            "\(ArtifactFileError.sizeMismatch(path: path, declared: limit, received: digest.byteCount))")
                    }
                    _ = try await writer.write(contentsOf: buffer)
                }
            }
        }
        return digest
    }

    private func download(_ request: Request, context: BasicRequestContext, id: Int, path: String) async throws
        -> Response
    {
        let file = try await pool.withConnection { conn in
            let principal = try await FileStorePrincipal.authenticate(request, on: conn)
            let artifact = try await readable(id, by: principal, on: conn)
            guard let file = artifact.files.first(where: { $0.path == path }) else {
                throw FileStoreProblem.notFound("artifact \(id) declares no file \(JSONValue.string(path).pythonRepr)")
            }
            return file
        }
        guard file.complete else {
            throw FileStoreProblem(.conflict, "Not uploaded yet", "file \(path) of artifact \(id) is still being uploaded")
        }
        if file.size == 0 {
            return Response(status: .ok, headers: [.contentType: "application/octet-stream", .eTag: "\"\(file.sha256)\""])
        }
        guard let location = backend.localPath(sha256: file.sha256) else {
            logger.error("stored content is missing", metadata: ["sha256": "\(file.sha256)", "artifact": "\(id)"])
            throw FileStoreProblem(.internalServerError, "Content missing", "the content of \(path) is not in the store")
        }
        var headers: HTTPFields = [
            .contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: "\"\(file.sha256)\"",
        ]
        Counter(label: "kiln_file_store_downloads_total").increment()
        if let rangeHeader = request.headers[.range], file.size > 0 {
            guard let range = ByteRange.parse(rangeHeader, size: file.size) else {
                throw FileStoreProblem(
                    .rangeNotSatisfiable, "Range not satisfiable", "\(rangeHeader) for \(file.size) bytes")
            }
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.size)"
            let body = try await fileIO.loadFile(
                path: location, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        let body = try await fileIO.loadFile(path: location, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Helpers

    private func readable(_ id: Int, by principal: FileStorePrincipal, on conn: PGConnection) async throws
        -> StoredArtifact
    {
        guard let artifact = try await ArtifactFileRepository.find(id: id, on: conn) else {
            throw FileStoreProblem.notFound("artifact \(id) does not exist")
        }
        guard principal.mayRead(artifact) else {
            throw FileStoreProblem.forbidden("artifact \(id) is neither an input nor an output of a work request this worker runs")
        }
        return artifact
    }

    private func apiArtifact(id: Int, on conn: PGConnection) async throws -> FileStoreProtocol.Artifact {
        guard let stored = try await ArtifactFileRepository.find(id: id, on: conn) else {
            throw FileStoreProblem.notFound("artifact \(id) does not exist")
        }
        return stored.apiValue(relations: try await ArtifactRelationRepository.relations(of: id, on: conn))
    }

    private func decodedBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 << 20)
        do {
            return try FileStoreProtocol.decoder().decode(type, from: Data(buffer.readableBytesView))
        } catch {
            throw FileStoreProblem.invalid("the body is not a valid \(T.self) (\(error))")
        }
    }

    private func artifactID(_ context: BasicRequestContext) throws -> Int {
        guard let text = context.parameters.get("id"), let id = Int(text), id > 0 else {
            throw FileStoreProblem.invalid("the artifact id must be a positive integer")
        }
        return id
    }

    private func filePath(_ context: BasicRequestContext) throws -> String {
        let components = context.parameters.getCatchAll().map { $0.removingPercentEncoding ?? String($0) }
        let path = components.joined(separator: "/")
        do { return try ArtifactFilePath.validated(path) } catch { throw FileStoreProblem.invalid("\(error)") }
    }
}

/// One `bytes=A-B`, `bytes=A-` or `bytes=-N` range within a file of `size` bytes (multiple ranges are not
/// served; a client asking for them gets 416).
enum ByteRange {
    /// The closed byte range, or `nil` when the header is malformed or unsatisfiable.
    static func parse(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(first), start >= 0, start < size else { return nil }
        if last.isEmpty { return start...(size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
