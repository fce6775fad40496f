import Foundation

/// The parts of an `amqp://user:password@host:port/vhost` URL.
///
/// Parsed in Swift rather than with `amqp_parse_url` (which rewrites its input in place) so that every bad
/// URL gets an error naming the bad part. `amqps` is refused: librabbitmq's TLS is not wired up.
public struct AMQPURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    /// The virtual host, percent-decoded: `/kiln` → `kiln`, `/%2f` or no path → `/`.
    public var virtualHost: String

    public init(host: String, port: Int = 5672, user: String, password: String, virtualHost: String = "/") {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
    }

    /// Parses an AMQP URL.
    ///
    /// - Throws: ``AMQPError/invalidURL(_:reason:)`` naming the URL (password masked) and what is wrong.
    public init(parsing text: String) throws(AMQPError) {
        let masked = Self.maskPassword(in: text)
        guard let components = URLComponents(string: text) else {
            throw .invalidURL(masked, reason: "not a URL")
        }
        guard let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(masked, reason: "missing scheme, expected amqp://")
        }
        guard scheme == "amqp" else {
            throw .invalidURL(masked, reason: "unsupported scheme '\(scheme)', expected amqp")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidURL(masked, reason: "missing host")
        }
        let port = components.port ?? 5672
        guard (1...65535).contains(port) else {
            throw .invalidURL(masked, reason: "port \(port) is outside 1…65535")
        }
        let path = components.percentEncodedPath
        var virtualHost = "/"
        if path.count > 1 {
            let encoded = String(path.dropFirst())
            guard !encoded.contains("/") else {
                throw .invalidURL(masked, reason: "vhost '\(encoded)' must be one path segment (write / as %2f)")
            }
            guard let decoded = encoded.removingPercentEncoding else {
                throw .invalidURL(masked, reason: "vhost '\(encoded)' has a bad percent-encoding")
            }
            virtualHost = decoded
        }
        self.init(
            host: host, port: port, user: components.user ?? "guest", password: components.password ?? "guest",
            virtualHost: virtualHost)
    }

    /// The URL with the password replaced by `***`, safe for logs.
    public var description: String {
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
        let vhost =
            virtualHost == "/" ? "%2f" : virtualHost.addingPercentEncoding(withAllowedCharacters: unreserved) ?? virtualHost
        return "amqp://\(user):***@\(host):\(port)/\(vhost)"
    }

    static func maskPassword(in text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://") else { return text }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
