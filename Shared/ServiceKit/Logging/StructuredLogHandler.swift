import Foundation
import Logging

/// A swift-log handler that writes one line per event to standard output, as JSON or logfmt.
///
/// Every line carries the timestamp, level, the service name and the message, then the metadata (handler,
/// provider and event metadata merged; event wins). Each line is written with a single `write(2)` so that
/// lines from concurrent tasks never interleave, and nothing is buffered: a crashed container keeps its last
/// line. Operators follow one service with `deploy/local/logs SERVICE` or `docker compose logs SERVICE`.
public struct StructuredLogHandler: LogHandler {
    /// Handler metadata (`logger[metadataKey:]`), written on every line; provider and event metadata override it.
    public var metadata: Logger.Metadata = [:]
    /// swift-log's metadata provider (e.g. task-local values), asked at each event; it overrides handler metadata.
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written, from `KILN_LOG_LEVEL` at start-up.
    public var logLevel: Logger.Level
    private let service: String
    private let format: LogFormat
    private let sink: @Sendable (String) -> Void

    /// - Parameters:
    ///   - service: the executable's name, written as `service` on every line.
    ///   - format: JSON or logfmt.
    ///   - level: the lowest level written.
    ///   - sink: where finished lines go; standard output unless a test captures them.
    public init(
        service: String, format: LogFormat, level: Logger.Level,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void = StructuredLogHandler.writeToStandardOutput
    ) {
        self.service = service
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    /// One handler metadata value; `Logger` uses this for `logger[metadataKey:]`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event into one line and hands it to the sink in a single call, so lines never interleave.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let eventMetadata = event.metadata { merged.merge(eventMetadata) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        var fields: [(String, String)] = [
            ("ts", Self.timestamp()), ("level", event.level.rawValue), ("service", service),
            ("msg", event.message.description),
        ]
        for key in merged.keys.sorted() { fields.append((key, Self.flatten(merged[key]!))) }
        sink(format == .json ? Self.json(fields) : Self.logfmt(fields))
    }

    /// Writes a line and a newline to file descriptor 1 in one system call.
    public static func writeToStandardOutput(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quote($0.0)):\(quote($0.1))" }.joined(separator: ",") + "}"
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" })
            return "\(key)=\(needsQuotes ? quote(value) : value)"
        }.joined(separator: " ")
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.keys.sorted().map { "\($0)=\(flatten(dictionary[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func timestamp() -> String {
        Date.now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
