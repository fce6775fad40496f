import Foundation
import KilnCore
import Synchronization

/// The file store's HTTP API from the caller's side (`kiln` and `kiln-worker`): create an artifact, upload
/// its files, read it, download files, relate artifacts. Uploads and downloads stream from and to disk;
/// a failed transfer (network, 5xx) is retried per file with backoff, a refusal (4xx) is not.
public struct FileStoreClient: Sendable {
    /// The store's base URL, e.g. `http://file-store:8070` (`KILN_FILE_STORE_URL`).
    public let baseURL: URL
    private let token: String
    private let transport: any FileStoreTransport
    /// Set once the store has echoed an `Idempotency-Key`: from then on a creation whose answer was lost may
    /// be repeated (shared by copies of this client).
    private let keysHonoured = KeySupport()
    /// Attempts per request before giving up (at least 1), unless `patience` is set.
    public var attempts: Int
    /// When set, a request that fails for want of an answer is retried until this much time has passed since
    /// its first attempt, however many attempts that takes: a worker holding a result outlasts a file-store
    /// restart or outage (`KILN_WORKER_FILE_STORE_PATIENCE`) instead of losing it.
    public var patience: Duration?
    /// Delay before the first retry; doubled each time, at most 10 s.
    public var initialRetryDelay: Duration
    /// Told of each failed attempt about to be retried, with the pause before the next (the worker logs it).
    public var onRetry: @Sendable (FileStoreClientError, Duration) -> Void = { _, _ in }

    /// A client sending `token` (a worker's, or a person's minted by `kiln`) with every request; `http://`
    /// URLs travel through SwiftNIO, `https://` through Foundation (`FileStoreTransport`).
    public init(baseURL: URL, token: String, attempts: Int = 5, initialRetryDelay: Duration = .milliseconds(500)) {
        self.baseURL = baseURL
        self.token = token
        self.attempts = max(1, attempts)
        self.initialRetryDelay = initialRetryDelay
        self.transport = baseURL.scheme?.lowercased() == "https" ? URLSessionTransport() : PlainHTTPTransport()
    }

    /// `POST /api/1.0/artifact/`: creates the artifact; its answer lists the files still to upload.
    ///
    /// Every attempt carries the same fresh `Idempotency-Key`, so a retry after a lost answer gets the artifact
    /// the first attempt created instead of a twin. Such a retry is made only once the store has shown it
    /// honours keys (it echoes them); until then, as for a store that ignores them (an older Kiln during an
    /// upgrade), a creation is repeated only when no connection was made.
    public func createArtifact(_ request: FileStoreProtocol.CreateArtifact) async throws(FileStoreClientError)
        -> FileStoreProtocol.Artifact
    {
        let body = try encode(request)
        let key = UUID().uuidString.lowercased()
        let answer = try await send(
            "POST", "artifact/", body: .json(body), extraHeaders: [(FileStoreProtocol.idempotencyKeyHeader, key)],
            retryAfterSending: { keysHonoured.value })
        if answer.headers[FileStoreProtocol.idempotencyKeyHeader.lowercased()] == key { keysHonoured.confirm() }
        return try decode(FileStoreProtocol.Artifact.self, from: answer.body, path: "artifact/")
    }

    /// `GET /api/1.0/artifact/ID/`.
    public func artifact(id: Int) async throws(FileStoreClientError) -> FileStoreProtocol.Artifact {
        try await decoded(FileStoreProtocol.Artifact.self, from: "GET", "artifact/\(id)/", body: nil)
    }

    /// `POST /api/1.0/artifact-relation/` (get-or-create on the store's side, so safe to repeat).
    public func relate(_ relation: FileStoreProtocol.Relation) async throws(FileStoreClientError) {
        _ = try await send("POST", "artifact-relation/", body: .json(try encode(relation)))
    }

    /// `PUT /api/1.0/artifact/ID/files/PATH`: streams `file` as the content of `path`.
    public func upload(artifactID: Int, path: String, from file: URL) async throws(FileStoreClientError) {
        _ = try await send("PUT", "artifact/\(artifactID)/files/\(Self.escaped(path))", body: .file(file))
    }

    /// Where `GET` serves the file `path` of artifact `artifactID`: what Debusine's API gives as a file's `url`,
    /// and what an output names its input by (a `debian:autopkgtest`'s `source_package.url`).
    public func fileURL(artifactID: Int, path: String) -> URL {
        endpoint("artifact/\(artifactID)/files/\(Self.escaped(path))")
    }

    /// `GET /api/1.0/artifact/ID/files/PATH` into `destination` (replaced), checking size and SHA-256
    /// against `expected` when given. The bytes arrive in a hidden file beside `destination`, renamed into
    /// place once checked, so `destination` never holds a partial or corrupt download.
    public func download(
        artifactID: Int, path: String, to destination: URL, expected: ArtifactFile? = nil
    ) async throws(FileStoreClientError) {
        let url = fileURL(artifactID: artifactID, path: path)
        let folder = destination.deletingLastPathComponent()
        let partial = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .local(path: folder.path, error: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: partial) }
        let digest = try await withRetries(url: url) { () async throws -> ContentDigest? in
            let (answer, digest) = try await transport.download(url, headers: headers, into: partial)
            try check(answer, url: url)
            return digest
        }
        do {
            if let expected {
                let (sha256, size) = try digest.map { ($0.hex(), $0.byteCount) } ?? ContentDigest.of(fileAt: partial)
                guard sha256 == expected.sha256, size == expected.size else {
                    throw FileStoreClientError.corruptDownload(
                        url: url, expected: expected.sha256, received: sha256, size: size)
                }
            }
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.moveItem(at: partial, to: destination)
        } catch let error as FileStoreClientError {
            throw error
        } catch {
            throw .local(path: destination.path, error: "\(error)")
        }
    }

    /// Creates an artifact from local files (path in the artifact → file on disk), uploads those the store
    /// does not hold, and returns the artifact as the store then has it (complete).
    ///
    /// - Parameter progress: called after each file is uploaded (path, bytes), for a progress line.
    public func uploadArtifact(
        category: String, workspace: String? = nil, data: [String: JSONValue], files: [String: URL],
        workRequest: Int? = nil, expireAt: Date? = nil, progress: (String, Int) -> Void = { _, _ in }
    ) async throws(FileStoreClientError) -> FileStoreProtocol.Artifact {
        var declared: [String: FileStoreProtocol.DeclaredFile] = [:]
        for (path, url) in files {
            do {
                let (sha256, size) = try ContentDigest.of(fileAt: url)
                declared[path] = FileStoreProtocol.DeclaredFile(size: size, sha256: sha256)
            } catch {
                throw .local(path: url.path, error: "\(error)")
            }
        }
        let created = try await createArtifact(
            FileStoreProtocol.CreateArtifact(
                category: category, workspace: workspace, data: data, files: declared, workRequest: workRequest,
                expireAt: expireAt))
        for path in created.filesToUpload {
            guard let url = files[path] else { continue }
            try await upload(artifactID: created.id, path: path, from: url)
            progress(path, declared[path]?.size ?? 0)
        }
        return created.filesToUpload.isEmpty ? created : try await artifact(id: created.id)
    }

    // MARK: Plumbing

    private var headers: [(String, String)] { [(FileStoreProtocol.tokenHeader, token)] }

    private func encode(_ value: some Encodable) throws(FileStoreClientError) -> Data {
        do { return try FileStoreProtocol.encoder().encode(value) } catch { throw .local(path: "(request)", error: "\(error)") }
    }

    private func decoded<T: Decodable>(_ type: T.Type, from method: String, _ path: String, body: Data?)
        async throws(FileStoreClientError) -> T
    {
        let answer = try await send(method, path, body: body.map(FileStoreRequestBody.json) ?? .none)
        return try decode(type, from: answer.body, path: path)
    }

    private func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws(FileStoreClientError) -> T {
        do {
            return try FileStoreProtocol.decoder().decode(type, from: data)
        } catch {
            throw .badResponse(url: endpoint(path), reason: "\(error)")
        }
    }

    /// One request, retried (``withRetries(url:retryAfterSending:_:)``).
    private func send(
        _ method: String, _ path: String, body: FileStoreRequestBody, extraHeaders: [(String, String)] = [],
        retryAfterSending: () -> Bool = { true }
    ) async throws(FileStoreClientError) -> FileStoreAnswer {
        let url = endpoint(path)
        return try await withRetries(url: url, retryAfterSending: retryAfterSending) { () async throws -> FileStoreAnswer in
            let answer = try await transport.exchange(method, url, headers: headers + extraHeaders, body: body)
            try check(answer, url: url)
            return answer
        }
    }

    /// `path` under the API prefix, after any path the base URL has (a store behind a proxy at `/kiln/`).
    func endpoint(_ path: String) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + FileStoreProtocol.prefix + "/" + path)!
    }

    private func check(_ answer: FileStoreAnswer, url: URL) throws(FileStoreClientError) {
        guard (200..<300).contains(answer.status) else {
            let problem = try? FileStoreProtocol.decoder().decode(FileStoreProtocol.Problem.self, from: answer.body)
            throw .refused(
                url: url, status: answer.status,
                problem: problem
                    ?? FileStoreProtocol.Problem(title: String(decoding: answer.body.prefix(500), as: UTF8.self)))
        }
    }

    /// Runs `attempt` until it succeeds, retrying network failures and 5xx answers with backoff, `attempts`
    /// times or, with `patience`, until that much time has passed. A failure after the request may have reached
    /// the store (a broken connection, no answer) is retried only while `retryAfterSending` says so; one where no
    /// connection was made always is.
    private func withRetries<T>(url: URL, retryAfterSending: () -> Bool = { true }, _ attempt: () async throws -> T)
        async throws(FileStoreClientError) -> T
    {
        let clock = ContinuousClock()
        let giveUp = patience.map { clock.now + $0 }
        var delay = initialRetryDelay
        var number = 0
        while true {
            number += 1
            let failure: FileStoreClientError
            do {
                return try await attempt()
            } catch let error as FileStoreClientError {
                guard error.isRetryable else { throw error }
                failure = error
            } catch FileStoreTransportError.localFile(let path, let error) {
                throw .local(path: path, error: error)
            } catch FileStoreTransportError.invalidAnswer(let reason) {
                throw .badResponse(url: url, reason: reason)
            } catch FileStoreTransportError.notConnected(let reason) {
                failure = .unreachable(url: url, error: reason)
            } catch {
                if error is CancellationError || Task.isCancelled { throw .cancelled(url: url) }
                failure = .unreachable(url: url, error: "\(error)")
                guard retryAfterSending() else { throw failure }
            }
            let more = giveUp.map { clock.now + delay < $0 } ?? (number < attempts)
            guard more else { throw failure }
            onRetry(failure, delay)
            do { try await Task.sleep(for: delay) } catch { throw .cancelled(url: url) }
            delay = min(delay * 2, .seconds(10))
        }
    }

    /// Whether the store has been seen to honour `Idempotency-Key`.
    private final class KeySupport: Sendable {
        private let honoured = Mutex(false)
        var value: Bool { honoured.withLock { $0 } }
        func confirm() { honoured.withLock { $0 = true } }
    }

    /// `path` with each component percent-escaped for a URL path.
    static func escaped(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "%?#;")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }
}

/// Why a file-store request failed, naming the URL.
public enum FileStoreClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store answered with an error status (its problem body quoted).
    case refused(url: URL, status: Int, problem: FileStoreProtocol.Problem)
    /// No answer after every attempt.
    case unreachable(url: URL, error: String)
    /// An answer that is not what the API defines.
    case badResponse(url: URL, reason: String)
    /// A download whose bytes are not the artifact's (nothing was kept).
    case corruptDownload(url: URL, expected: String, received: String, size: Int)
    /// A local file could not be read or written.
    case local(path: String, error: String)
    /// The caller was cancelled.
    case cancelled(url: URL)

    /// Network failures and the store's 5xx answers (an outage, a restart) are worth another attempt.
    public var isRetryable: Bool {
        switch self {
        case .refused(_, let status, _): status >= 500
        case .unreachable: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .refused(let url, let status, let problem):
            "the file store refused \(url.absoluteString) (HTTP \(status)): \(problem.title)"
                + (problem.detail.map { ": \($0)" } ?? "")
        case .unreachable(let url, let error): "cannot reach the file store at \(url.absoluteString): \(error)"
        case .badResponse(let url, let reason): "unexpected answer from \(url.absoluteString): \(reason)"
        case .corruptDownload(let url, let expected, let received, let size):
            "download of \(url.absoluteString) has SHA-256 \(received) (\(size) bytes), not \(expected); discarded"
        case .local(let path, let error): "\(path): \(error)"
        case .cancelled(let url): "cancelled while talking to \(url.absoluteString)"
        }
    }
}
