import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A relay on loopback in front of the file store that forwards each request whole and, for the first `count`
/// requests whose request line starts with `prefix`, throws the store's answer away and closes the client's
/// connection: what a client sees when the store did its work but the answer was lost. One connection at a
/// time, as the client makes them (one request per connection).
final class AnswerDroppingProxy: @unchecked Sendable {
    /// The port clients connect to.
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let prefix: String
    private let lock = NSLock()
    private var toDrop: Int
    private var droppedCount = 0

    /// Answers dropped so far.
    var dropped: Int { lock.withLock { droppedCount } }

    init(upstreamPort: Int, dropFirst count: Int, matching prefix: String) throws {
        self.upstreamPort = upstreamPort
        self.prefix = prefix
        toDrop = count
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    /// Drops the answers of the next `count` matching requests too.
    func dropNext(_ count: Int) { lock.withLock { toDrop += count } }

    /// Stops accepting connections.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            relay(client)
            close(client)
        }
    }

    private func relay(_ client: Int32) {
        guard let request = Self.readMessage(client) else { return }
        let line = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, Self.writeAll(upstream, request), let answer = Self.readMessage(upstream) else { return }
        let drop = lock.withLock {
            guard toDrop > 0, line.hasPrefix(prefix) else { return false }
            toDrop -= 1
            droppedCount += 1
            return true
        }
        if !drop { _ = Self.writeAll(client, answer) }
    }

    /// One HTTP message: the head up to the blank line, then `Content-Length` bytes of body.
    private static func readMessage(_ fd: Int32) -> Data? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var bodyStart: Int?
        var expected = 0
        while true {
            if bodyStart == nil, let end = data.range(of: Data("\r\n\r\n".utf8)) {
                bodyStart = end.upperBound
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                for field in head.split(separator: "\r\n") where field.hasPrefix("content-length:") {
                    expected = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let bodyStart, data.count - bodyStart >= expected { return data }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    private static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
