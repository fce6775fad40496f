import Foundation
import KilnCore

/// Prints what commands produce: aligned tables for people, JSON for scripts (`--json`).
enum Output {
    /// Prints a line for the person at the terminal on stderr, keeping stdout to what Debusine's command prints
    /// there (`debusine-admin worker create` prints the token alone, so `T=$(kiln worker create …)` holds it).
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints rows under a header, each column as wide as its widest cell, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    /// Prints `key: value` lines with the keys aligned.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            print((key + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + value)
        }
    }

    /// Prints a JSON document, pretty and with sorted keys.
    static func json(_ value: JSONValue) {
        print(pretty(value))
    }

    /// `value` as indented JSON with sorted keys (two spaces per level; empty containers stay `{}`/`[]`).
    static func pretty(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .array(let elements) where !elements.isEmpty:
            return "[\n" + elements.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members) where !members.isEmpty:
            let lines = members.keys.sorted().map { key in
                inner + JSONValue.string(key).compactJSON + ": " + pretty(members[key] ?? .null, indent: inner)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return value.compactJSON
        }
    }

    /// A timestamp as people read it (UTC, to the second).
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: false))
    }

    /// A timestamp for JSON output, as Debusine's API writes one (`2026-12-06T05:41:38.123456Z`).
    static func jsonTime(_ date: Date?) -> JSONValue {
        date.map { .string(ISO8601Timestamp.restFramework($0)) } ?? .null
    }

    /// JSON `null` for `nil`.
    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func optional(_ number: Int?) -> JSONValue { number.map(JSONValue.int) ?? .null }
}
