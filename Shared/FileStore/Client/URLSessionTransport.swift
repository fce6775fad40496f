import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `https://` file stores (behind a TLS proxy) through Foundation's `URLSession`, which brings TLS without a
/// TLS package to build. It copies every chunk through Foundation, so the farm's own `http://` traffic uses
/// `PlainHTTPTransport` instead (deploy/docs/benchmarks.md, "File store").
struct URLSessionTransport: FileStoreTransport {
    private let session: URLSession

    /// A session without caches or cookies; a request may wait 300 s for bytes, a transfer may take a day.
    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 300
        configuration.timeoutIntervalForResource = 24 * 3600
        session = URLSession(configuration: configuration)
    }

    func exchange(_ method: String, _ url: URL, headers: [(String, String)], body: FileStoreRequestBody)
        async throws -> FileStoreAnswer
    {
        var request = request(method, url, headers: headers)
        let (data, response): (Data, URLResponse)
        do {
            switch body {
            case .json(let payload):
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                (data, response) = try await session.upload(for: request, from: payload)
            case .file(let file):
                guard FileManager.default.isReadableFile(atPath: file.path) else {
                    throw FileStoreTransportError.localFile(path: file.path, error: "cannot be read")
                }
                request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
                (data, response) = try await session.upload(for: request, fromFile: file)
            case .none:
                (data, response) = try await session.data(for: request)
            }
        } catch let error as URLError {
            throw Self.transportError(error)
        }
        return FileStoreAnswer(status: try Self.status(of: response), body: data, headers: Self.headers(of: response))
    }

    func download(_ url: URL, headers: [(String, String)], into file: URL) async throws
        -> (answer: FileStoreAnswer, digest: ContentDigest?)
    {
        let location: URL
        let response: URLResponse
        do {
            (location, response) = try await session.download(for: request("GET", url, headers: headers))
        } catch let error as URLError {
            throw Self.transportError(error)
        }
        let status = try Self.status(of: response)
        guard (200..<300).contains(status) else {
            defer { try? FileManager.default.removeItem(at: location) }
            return (FileStoreAnswer(status: status, body: (try? Data(contentsOf: location)) ?? Data()), nil)
        }
        do {
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            try FileManager.default.moveItem(at: location, to: file)
        } catch {
            throw FileStoreTransportError.localFile(path: file.path, error: "\(error)")
        }
        return (FileStoreAnswer(status: status, body: Data()), nil)
    }

    private func request(_ method: String, _ url: URL, headers: [(String, String)]) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    private static func headers(of response: URLResponse) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in (response as? HTTPURLResponse)?.allHeaderFields ?? [:] {
            fields["\(name)".lowercased()] = "\(value)"
        }
        return fields
    }

    private static func status(of response: URLResponse) throws -> Int {
        guard let http = response as? HTTPURLResponse else {
            throw FileStoreTransportError.interrupted("not an HTTP response")
        }
        return http.statusCode
    }

    private static func transportError(_ error: URLError) -> any Error {
        switch error.code {
        case .cancelled: CancellationError()
        case .cannotConnectToHost, .cannotFindHost: FileStoreTransportError.notConnected("\(error.localizedDescription)")
        default: FileStoreTransportError.interrupted("\(error.localizedDescription)")
        }
    }
}
