import Foundation

/// The file store's HTTP API, as JSON bodies. The routes follow Debusine's artifact API
/// (`debusine/server/views/artifacts.py`): create an artifact declaring its files, upload each file the
/// answer lists, read the artifact back, download a file. deploy/docs/services/file-store.md has the routes.
public enum FileStoreProtocol {
    /// The API's path prefix (Debusine's is `/api/1.0/`).
    public static let prefix = "/api/1.0"
    /// The request header that carries a worker's or a person's token (Debusine's `Token` header).
    public static let tokenHeader = "Token"
    /// The request header that makes `POST artifact/` safe to repeat (a Kiln addition; Debusine's clients do
    /// not send it): a second request with the same key, by the same caller, answers with the artifact the
    /// first one created. Any printable ASCII without spaces, at most 200 characters; `kiln` and the worker
    /// send a fresh UUID per artifact.
    public static let idempotencyKeyHeader = "Idempotency-Key"

    /// Whether `key` is an acceptable `Idempotency-Key`.
    public static func isValidIdempotencyKey(_ key: String) -> Bool {
        (1...200).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7e).contains($0) }
    }

    /// `POST /api/1.0/artifact/`: what to create. A worker must name the work request it runs (its outputs);
    /// a person names the workspace.
    public struct CreateArtifact: Hashable, Sendable, Codable {
        /// e.g. `debian:source-package`.
        public var category: String
        /// The workspace, `SCOPE/NAME` or `NAME` in the default scope; a worker's artifacts go to its work
        /// request's workspace and may leave this out.
        public var workspace: String?
        /// Category-specific data.
        public var data: [String: JSONValue]
        /// Every file, keyed by its path in the artifact.
        public var files: [String: DeclaredFile]
        /// The producing work request (a worker's outputs).
        public var workRequest: Int?
        /// When the artifact may be deleted (Debusine's `expire_at`), if ever.
        public var expireAt: Date?

        /// Memberwise.
        public init(
            category: String, workspace: String? = nil, data: [String: JSONValue] = [:],
            files: [String: DeclaredFile] = [:], workRequest: Int? = nil, expireAt: Date? = nil
        ) {
            self.category = category
            self.workspace = workspace
            self.data = data
            self.files = files
            self.workRequest = workRequest
            self.expireAt = expireAt
        }

        enum CodingKeys: String, CodingKey {
            case category, workspace, data, files
            case workRequest = "work_request"
            case expireAt = "expire_at"
        }
    }

    /// A file as declared at creation: Debusine's `{"type": "file", "size": …, "checksums": {"sha256": …}}`.
    public struct DeclaredFile: Hashable, Sendable, Codable {
        /// Always `file`.
        public var type: String
        /// Size in bytes.
        public var size: Int
        /// `sha256` at least.
        public var checksums: [String: String]

        /// A file of `size` bytes hashing to `sha256`.
        public init(size: Int, sha256: String) {
            self.type = "file"
            self.size = size
            self.checksums = ["sha256": sha256]
        }

        /// The declared SHA-256, if any.
        public var sha256: String? { checksums["sha256"] }
    }

    /// An artifact as the API returns it (creation answers this too, with ``filesToUpload``).
    public struct Artifact: Hashable, Sendable, Codable {
        /// Primary key (`NNN@artifacts`).
        public var id: Int
        /// Category.
        public var category: String
        /// `SCOPE/NAME`.
        public var workspace: String
        /// Category-specific data.
        public var data: [String: JSONValue]
        /// `true` once every file is stored; lookups see complete artifacts only.
        public var complete: Bool
        /// Every file with its state.
        public var files: [ArtifactFile]
        /// Paths whose content the store still needs, in path order.
        public var filesToUpload: [String]
        /// The producing work request, if any.
        public var createdByWorkRequest: Int?
        /// When it was created.
        public var createdAt: Date
        /// When it may be deleted, if ever.
        public var expireAt: Date?
        /// Relations from and to it.
        public var relations: [Relation]

        /// Memberwise.
        public init(
            id: Int, category: String, workspace: String, data: [String: JSONValue], complete: Bool,
            files: [ArtifactFile], createdByWorkRequest: Int?, createdAt: Date, expireAt: Date?,
            relations: [Relation]
        ) {
            self.id = id
            self.category = category
            self.workspace = workspace
            self.data = data
            self.complete = complete
            self.files = files
            self.filesToUpload = files.filter { !$0.complete }.map(\.path).sorted()
            self.createdByWorkRequest = createdByWorkRequest
            self.createdAt = createdAt
            self.expireAt = expireAt
            self.relations = relations
        }

        enum CodingKeys: String, CodingKey {
            case id, category, workspace, data, complete, files, relations
            case filesToUpload = "files_to_upload"
            case createdByWorkRequest = "created_by_work_request"
            case createdAt = "created_at"
            case expireAt = "expire_at"
        }
    }

    /// `POST /api/1.0/artifact-relation/` (and each relation of ``Artifact``): `artifact` has relation
    /// `type` to `target`, Debusine's `ArtifactRelation` fields.
    public struct Relation: Hashable, Sendable, Codable {
        /// The artifact the relation starts from.
        public var artifact: Int
        /// The artifact it points to.
        public var target: Int
        /// `extends`, `relates-to` or `built-using`.
        public var type: ArtifactRelationType

        /// Memberwise.
        public init(artifact: Int, target: Int, type: ArtifactRelationType) {
            self.artifact = artifact
            self.target = target
            self.type = type
        }
    }

    /// Every refusal's body: Debusine's `{"title": …, "detail": …}` problem shape, `detail` naming the value.
    public struct Problem: Hashable, Sendable, Codable {
        /// A short fixed sentence per kind of refusal.
        public var title: String
        /// What exactly was refused and why.
        public var detail: String?

        /// Memberwise.
        public init(title: String, detail: String? = nil) {
            self.title = title
            self.detail = detail
        }
    }

    /// The coders every side uses: snake-case keys are spelled out above; dates are ISO 8601.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// See ``encoder()``.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
