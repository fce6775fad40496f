/// One paragraph of a Debian control file (`.dsc`, `.changes`, a `.deb`'s `control`), fields in file order,
/// values as python-debian's `deb822` gives them — what Debusine stores as `dsc_fields` / `changes_fields`:
/// the first line's text, then each continuation line after a newline, its leading space kept.
public struct Deb822Paragraph: Hashable, Sendable {
    /// `(name, value)` in file order; names keep their spelling.
    public var fields: [(name: String, value: String)]

    /// The value of `name`, compared case-insensitively as dpkg does.
    public subscript(name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// The paragraph as JSON, each field in `multivalued` (matched case-insensitively) split into one object
    /// per continuation line with those keys, as python-debian's `Dsc` and `Changes` do for `Files` and
    /// `Checksums-*` (values stay strings, as there).
    public func json(multivalued: [String: [String]]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (name, value) in fields {
            if let keys = multivalued[name.lowercased()] {
                let rows = value.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
                    .filter { !$0.isEmpty }
                object[name] = .array(
                    rows.map { row in
                        .object(Dictionary(uniqueKeysWithValues: zip(keys, row.map { JSONValue.string(String($0)) })))
                    })
            } else {
                object[name] = .string(value)
            }
        }
        return .object(object)
    }
}

/// Parses the first paragraph of a Debian control file, OpenPGP clear-signed or not.
public enum Deb822 {
    /// The first paragraph of `text`.
    ///
    /// - Throws: ``Deb822Error`` naming the line that is neither a field nor a continuation, or an empty file.
    public static func parse(_ text: String) throws(Deb822Error) -> Deb822Paragraph {
        var fields: [(name: String, value: String)] = []
        var started = false
        for (number, line) in signedContent(text).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if started { break }
                continue
            }
            if line.hasPrefix("#") { continue }
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard !fields.isEmpty else { throw .continuationFirst(line: number + 1) }
                fields[fields.count - 1].value += "\n" + line.trimmingTrailingWhitespace()
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .notAField(line: number + 1, text: line)
            }
            started = true
            fields.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        guard !fields.isEmpty else { throw .empty }
        return Deb822Paragraph(fields: fields)
    }

    /// The lines of the signed content of a clear-signed message (armor headers and signature dropped, dash
    /// escapes undone), or every line of an unsigned file.
    static func signedContent(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard lines.first == "-----BEGIN PGP SIGNED MESSAGE-----" else { return lines }
        var content: [String] = []
        var inHeaders = true
        for line in lines.dropFirst() {
            if inHeaders {
                if line.isEmpty { inHeaders = false }
                continue
            }
            if line == "-----BEGIN PGP SIGNATURE-----" { break }
            content.append(line.hasPrefix("- ") ? String(line.dropFirst(2)) : line)
        }
        return content
    }
}

/// Why a control file could not be read.
public enum Deb822Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// No field at all.
    case empty
    /// A continuation line before any field.
    case continuationFirst(line: Int)
    /// A line that is not `Name: value`.
    case notAField(line: Int, text: String)

    public var description: String {
        switch self {
        case .empty: "no fields"
        case .continuationFirst(let line): "line \(line) continues a field but no field came before it"
        case .notAField(let line, let text): "line \(line) is not a 'Field: value' line: \(JSONValue.string(text).pythonRepr)"
        }
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var result = Substring(self)
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return String(result)
    }
}
