import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import _NIOFileSystem

/// `http://` file stores through SwiftNIO (already built for the services' HTTP servers): one connection per
/// request, file bodies read and written in 1 MiB chunks off the caller's thread, a download hashed as it is
/// written. Foundation's `URLSession` on Linux spent about 1.3 s of system time per 200 MiB on small reads and
/// lock hand-offs (deploy/docs/benchmarks.md, "File store").
struct PlainHTTPTransport: FileStoreTransport {
    /// A connection with no byte read or written for this long is closed (the request fails, retryably).
    var idleTimeout: TimeAmount = .seconds(300)
    /// Answers that are not downloads are JSON documents; anything larger is not one.
    static let largestAnswer = 64 << 20
    private static let chunk = ByteCount.mebibytes(1)

    func exchange(_ method: String, _ url: URL, headers: [(String, String)], body: FileStoreRequestBody)
        async throws -> FileStoreAnswer
    {
        var received = ByteBuffer()
        let (status, fields) = try await perform(method, url, headers: headers, body: body) { _, part in
            guard received.readableBytes + part.readableBytes <= Self.largestAnswer else {
                throw FileStoreTransportError.invalidAnswer("the answer is larger than \(Self.largestAnswer) bytes")
            }
            received.writeImmutableBuffer(part)
        }
        return FileStoreAnswer(status: status, body: Data(received.readableBytesView), headers: fields)
    }

    func download(_ url: URL, headers: [(String, String)], into file: URL) async throws
        -> (answer: FileStoreAnswer, digest: ContentDigest?)
    {
        var digest = ContentDigest()
        var problem = ByteBuffer()
        let status: Int
        let fields: [String: String]
        do {
            (status, fields) = try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(file.path), options: .newFile(replaceExisting: true)
            ) { handle in
                try await handle.withBufferedWriter(capacity: Self.chunk) { writer in
                    try await perform("GET", url, headers: headers, body: .none) { status, part in
                        guard (200..<300).contains(status) else {
                            if problem.readableBytes < Self.largestAnswer { problem.writeImmutableBuffer(part) }
                            return
                        }
                        part.withUnsafeReadableBytes { digest.update($0) }
                        do {
                            _ = try await writer.write(contentsOf: part)
                        } catch {
                            throw FileStoreTransportError.localFile(path: file.path, error: "\(error)")
                        }
                    }
                }
            }
        } catch let error as FileSystemError {
            throw FileStoreTransportError.localFile(path: file.path, error: "\(error)")
        }
        guard (200..<300).contains(status) else {
            try? FileManager.default.removeItem(at: file)
            return (FileStoreAnswer(status: status, body: Data(problem.readableBytesView), headers: fields), nil)
        }
        return (FileStoreAnswer(status: status, body: Data(), headers: fields), digest)
    }

    /// One request on a new connection; `onBody` receives the status and each part of the answer's body.
    /// Returns the status and the header fields (names in lower case).
    ///
    /// The request is written by a child task while this one reads, so an answer the store sends before the
    /// body is complete (a refusal, a hash mismatch) is heard instead of lost in a broken pipe.
    private func perform(
        _ method: String, _ url: URL, headers: [(String, String)], body: FileStoreRequestBody,
        onBody: (Int, ByteBuffer) async throws -> Void
    ) async throws -> (Int, [String: String]) {
        let head = try Self.requestHead(method, url, headers: headers, body: body)
        let channel = try await connect(url)
        return try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await Self.send(head, body, to: outbound)
                        } catch {
                            channel.channel.close(promise: nil)
                            throw error
                        }
                    }
                    do {
                        let answer = try await Self.receive(inbound, onBody: onBody)
                        group.cancelAll()
                        return answer
                    } catch {
                        channel.channel.close(promise: nil)
                        // A local file the writer could not read explains a broken exchange better.
                        if let local = await Self.failure(of: &group) as? FileStoreTransportError,
                            case .localFile = local
                        {
                            throw local
                        }
                        throw Task.isCancelled ? CancellationError() : Self.interrupted(error)
                    }
                }
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    private func connect(_ url: URL) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        guard let host = url.host, !host.isEmpty else {
            throw FileStoreTransportError.notConnected("\(url.absoluteString) names no host")
        }
        let idleTimeout = idleTimeout
        do {
            // ClientBootstrap sets TCP_NODELAY itself (`tcpOption`; a `socketOption` of that number would be
            // SO_DEBUG, which an unprivileged process may not set).
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(30))
                .connect(host: host, port: url.port ?? 80) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw FileStoreTransportError.notConnected("cannot connect to \(host):\(url.port ?? 80): \(error)")
        }
    }

    private static func requestHead(_ method: String, _ url: URL, headers: [(String, String)], body: FileStoreRequestBody)
        throws -> HTTPRequestHead
    {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target)
        let host = url.host ?? ""
        let hostField = host.contains(":") ? "[\(host)]" : host
        head.headers.add(name: "Host", value: url.port.map { "\(hostField):\($0)" } ?? hostField)
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        switch body {
        case .none:
            break
        case .json(let data):
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(data.count))
        case .file(let file):
            let size: Int
            do {
                size = try (FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
            } catch {
                throw FileStoreTransportError.localFile(path: file.path, error: "cannot be read (\(error.localizedDescription))")
            }
            head.headers.add(name: "Content-Type", value: "application/octet-stream")
            head.headers.add(name: "Content-Length", value: String(size))
        }
        return head
    }

    private static func send(
        _ head: HTTPRequestHead, _ body: FileStoreRequestBody,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws {
        try await outbound.write(.head(head))
        switch body {
        case .none:
            break
        case .json(let data):
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: data))))
        case .file(let file):
            do {
                try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file.path)) { handle in
                    for try await part in handle.readChunks(chunkLength: chunk) {
                        try await outbound.write(.body(.byteBuffer(part)))
                    }
                }
            } catch let error as FileSystemError {
                throw FileStoreTransportError.localFile(path: file.path, error: "\(error)")
            }
        }
        try await outbound.write(.end(nil))
    }

    private static func receive(
        _ inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>, onBody: (Int, ByteBuffer) async throws -> Void
    ) async throws -> (Int, [String: String]) {
        var status: Int?
        var fields: [String: String] = [:]
        for try await part in inbound {
            switch part {
            case .head(let head):
                status = Int(head.status.code)
                for (name, value) in head.headers { fields[name.lowercased()] = value }
            case .body(let bytes):
                guard let status else { throw FileStoreTransportError.interrupted("a body before the answer's head") }
                try await onBody(status, bytes)
            case .end:
                guard let status else { throw FileStoreTransportError.interrupted("an answer without a head") }
                return (status, fields)
            }
        }
        throw FileStoreTransportError.interrupted("the connection closed before the answer was complete")
    }

    /// The writer task's error, once it has finished (the channel is closed by then, so it cannot hang).
    private static func failure(of group: inout ThrowingTaskGroup<Void, any Error>) async -> (any Error)? {
        do {
            while try await group.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    private static func interrupted(_ error: any Error) -> any Error {
        error is FileStoreTransportError ? error : FileStoreTransportError.interrupted("\(error)")
    }

}

/// Closes a connection on which nothing moved for the idle timeout, so a silent peer fails the request.
private final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
