/// What pydantic 2's `AnyUrl` refuses in a URL, in its words (pydantic-core parses with the WHATWG URL
/// standard): an empty text, a text without a scheme, a special scheme (`http`, `https`, `ws`, `wss`, `ftp`)
/// without a host, a port that is not a number up to 65535 — after WHATWG's trimming of spaces and controls
/// around it and of tabs and newlines within. Other WHATWG refusals (bad IPv4 or IPv6 addresses, forbidden host
/// characters) are not reproduced.
public enum PydanticURL {
    /// The reason after pydantic's `Input should be a valid URL, `, or `nil` for a URL it accepts.
    ///
    /// - Parameter hostRequired: also refuse a URL of any scheme without a host (`AnyUrl` annotated with
    ///   `host_required`).
    public static func problem(_ given: String, hostRequired: Bool) -> String? {
        guard !given.isEmpty else { return "input is empty" }
        let text = trimmed(given)
        guard let colon = text.firstIndex(of: ":"), let first = text.first, first.isASCII, first.isLetter,
            text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return "relative URL without a base" }
        let scheme = text[..<colon].lowercased()
        var rest = text[text.index(after: colon)...]
        let special = specialSchemes.contains(scheme)
        guard rest.hasPrefix("//") || special else {
            return hostRequired ? "empty host" : nil
        }
        // A special scheme skips any number of slashes before its host; another takes exactly two.
        rest = special ? rest.drop { $0 == "/" || $0 == "\\" } : rest.dropFirst(2)
        let authority = rest.prefix { !"/?#".contains($0) && !(special && $0 == "\\") }
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let host: Substring
        let port: Substring?
        if hostAndPort.hasPrefix("["), let close = hostAndPort.firstIndex(of: "]") {
            host = hostAndPort[...close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            port = after.hasPrefix(":") ? after.dropFirst() : nil
        } else if let portColon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<portColon]
            port = hostAndPort[hostAndPort.index(after: portColon)...]
        } else {
            host = hostAndPort
            port = nil
        }
        if host.isEmpty, special || hostRequired { return "empty host" }
        if let port, !port.isEmpty,
            !(port.allSatisfy(\.isASCIIDigitCharacter) && (Int(port).map { $0 <= 65535 } ?? false))
        {
            return "invalid port number"
        }
        return nil
    }

    /// The URL as pydantic writes an accepted one back: a special scheme's URL with no path gets the `/` path WHATWG
    /// parsing gives it (`http://deb.debian.org` → `http://deb.debian.org/`, `http://h?x` → `http://h/?x`); otherwise
    /// as written (pydantic's other normalisations, such as lowercasing the host, are not reproduced:
    /// deploy/docs/fidelity.md).
    public static func normalized(_ text: String) -> String {
        guard let separator = text.range(of: "://"),
            schemesWithRootPath.contains(text[..<separator.lowerBound].lowercased())
        else { return text }
        let rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard authorityEnd == rest.endIndex || rest[authorityEnd] != "/" else { return text }
        return String(text[..<authorityEnd]) + "/" + String(text[authorityEnd...])
    }

    /// The schemes whose empty path reads as `/` in the WHATWG URL standard, which pydantic-core follows: the
    /// special schemes and `file`.
    private static let schemesWithRootPath = specialSchemes.union(["file"])

    /// The path of a `file:` URL as WHATWG parsing leaves it — backslashes read as slashes, the host, query and
    /// fragment left out, `.` and `..` segments (also written `%2e`) resolved — or nil for another scheme. What a
    /// check on pydantic's `url.path` sees (Debusine's `SystemBootstrapRepositoryKeyring.validate_url`).
    public static func filePath(_ given: String) -> String? {
        let text = trimmed(given)
        guard let colon = text.firstIndex(of: ":"), text[..<colon].lowercased() == "file" else { return nil }
        var rest = Substring(String(text[text.index(after: colon)...].map { $0 == "\\" ? "/" : $0 }))
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
        }
        // WHATWG keeps empty segments (`a//../b` is `a/b`); the folders are then read as a path would read them.
        var segments: [Substring] = []
        for segment in rest.drop(while: { $0 == "/" }).split(separator: "/", omittingEmptySubsequences: false) {
            switch segment.lowercased().replacingOccurrences(of: "%2e", with: ".") {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// WHATWG's first step: leading and trailing C0 controls and spaces trimmed, every tab and newline dropped.
    private static func trimmed(_ given: String) -> String {
        String(
            String.UnicodeScalarView(
                given.unicodeScalars.drop(while: { $0.value <= 0x20 }).reversed().drop(while: { $0.value <= 0x20 })
                    .reversed().filter { !["\t", "\n", "\r"].contains($0) }
            )
        )
    }

    /// The WHATWG special schemes that always have a host (`file` may have none).
    static let specialSchemes: Set<String> = ["http", "https", "ws", "wss", "ftp"]
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
