import Foundation

/// How `FileStoreClient` moves one request and its answer, so the API and retry rules exist once while the
/// bytes travel by the fastest means for the URL's scheme: `PlainHTTPTransport` (SwiftNIO) for `http://`, the
/// farm's own network; `URLSessionTransport` (Foundation) for `https://`, a store behind a TLS proxy.
public protocol FileStoreTransport: Sendable {
    /// Sends `body` with `headers` and returns the status and the whole answer (a JSON document or a problem).
    ///
    /// - Throws: `FileStoreTransportError`, or `CancellationError` when the calling task is cancelled.
    func exchange(_ method: String, _ url: URL, headers: [(String, String)], body: FileStoreRequestBody)
        async throws -> FileStoreAnswer

    /// `GET url` into `file` (created or replaced) when the answer is a success; any other answer's body is
    /// returned instead and `file` holds nothing of it.
    ///
    /// - Returns: the answer (its body empty on success) and, when the transport hashed the bytes as they
    ///   arrived, their digest (otherwise the caller hashes `file`).
    /// - Throws: `FileStoreTransportError`, or `CancellationError`.
    func download(_ url: URL, headers: [(String, String)], into file: URL) async throws
        -> (answer: FileStoreAnswer, digest: ContentDigest?)
}

/// What a request carries.
public enum FileStoreRequestBody: Sendable {
    /// Nothing (a `GET`).
    case none
    /// A JSON document.
    case json(Data)
    /// A file's bytes, streamed from disk as `application/octet-stream`.
    case file(URL)
}

/// An answer's status, headers and body.
public struct FileStoreAnswer: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The body (empty for a download that succeeded).
    public var body: Data
    /// The header fields, names in lower case.
    public var headers: [String: String]

    /// An answer of `status` with `body` and `headers` (names in lower case).
    public init(status: Int, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }
}

/// Why a transport could not complete an exchange; the client decides from the case whether it may retry.
public enum FileStoreTransportError: Error, Sendable, CustomStringConvertible {
    /// No connection was made, so nothing was sent: even a request that is not idempotent may be repeated.
    case notConnected(String)
    /// The connection broke or timed out after the request may have been sent.
    case interrupted(String)
    /// A local file could not be read (an upload) or written (a download): another attempt would not help.
    case localFile(path: String, error: String)
    /// The answer is not one the API gives (too large to be a document): another attempt would not help.
    case invalidAnswer(String)

    public var description: String {
        switch self {
        case .notConnected(let reason), .interrupted(let reason), .invalidAnswer(let reason): reason
        case .localFile(let path, let error): "\(path): \(error)"
        }
    }
}
