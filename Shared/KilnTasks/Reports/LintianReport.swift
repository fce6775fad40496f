import KilnCore

/// lintian's text output read as Debusine reads it (`tasks/lintian.py` `Lintian._parse_output`,
/// `_parse_tag_line`, `_create_analysis`, `task_result`): one tag per `X: package[ source]: tag note [pointer]`
/// line, `N:` lines as its explanation (or, after `N:` twice, the override comment of the next tag),
/// `masked` tags dropped.
public struct LintianReport: Hashable, Sendable {
    /// One reported tag, with Debusine's keys.
    public struct Tag: Hashable, Sendable {
        public var severity: String
        /// The package, `name source` for the source package.
        public var package: String
        public var tag: String
        public var note: String
        public var pointer: String
        public var explanation: String
        public var comment: String

        /// As Debusine's `analysis.json` writes it, `package` without its ` source` suffix.
        public var json: JSONValue {
            [
                "severity": .string(severity), "package": .string(package.removingSuffix(" source")),
                "tag": .string(tag), "note": .string(note), "pointer": .string(pointer),
                "explanation": .string(explanation), "comment": .string(comment),
            ]
        }
    }

    /// Severities from highest to lowest, by their letters (Debusine's `_SEVERITY_SHORT_TO_LONG`).
    public static let severities: [(letter: Character, name: String)] = [
        ("E", "error"), ("W", "warning"), ("I", "info"), ("P", "pedantic"), ("X", "experimental"), ("O", "overridden"),
        ("C", "classification"), ("M", "masked"),
    ]

    /// The tags, masked ones left out, in output order.
    public var tags: [Tag]

    /// Parses lintian's output.
    ///
    /// - Throws: ``LintianReportError`` for a line that is neither a tag nor an `N:` line.
    public init(output: String) throws(LintianReportError) {
        var tags: [Tag] = []
        var current: Int?
        var previous: Substring?
        var inComment = false
        var explanation = ""
        var comment = ""
        for raw in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty && raw.isEmpty && previous == nil { continue }
            defer { previous = Substring(line) }
            if line == "N:" && previous == "N:" {
                inComment = true
            } else if line.hasPrefix("N:") {
                let text = String(line.drop(while: { $0 == "N" || $0 == ":" })).trimmingLeadingSpaces() + "\n"
                if inComment {
                    comment += text
                } else if !explanation.isEmpty || text != "\n" {
                    explanation += text
                }
            } else {
                if let index = current {
                    tags[index].explanation = explanation.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                // A masked tag is no entry, but its explanation is still its own, never the next tag's.
                explanation = ""
                if line.isEmpty { continue }
                guard let parsed = try Self.tagLine(line) else { continue }
                var tag = parsed
                tag.comment = comment.trimmingCharacters(in: .whitespacesAndNewlines)
                comment = ""
                inComment = false
                if tag.severity != "masked" {
                    tags.append(tag)
                    current = tags.count - 1
                } else {
                    current = nil
                }
            }
        }
        if let index = current { tags[index].explanation = explanation.trimmingCharacters(in: .whitespacesAndNewlines) }
        self.tags = tags
    }

    /// One tag line (`X: package[ source]: tag note [pointer]`); nil for any other line that still starts
    /// with a severity and a word, such as bullseye's repeated bare `W: tag` lines (Debusine ignores them).
    static func tagLine(_ line: String) throws(LintianReportError) -> Tag? {
        let characters = Array(line)
        guard characters.count >= 4, let severity = severities.first(where: { $0.letter == characters[0] })?.name,
            characters[1] == ":", characters[2].isWhitespace, !characters[3].isWhitespace
        else { throw .unparsable(line) }
        let rest = String(characters[3...])
        guard let separator = rest.range(of: ": ") ?? rest.range(of: ":\t") else { return nil }
        let package = String(rest[..<separator.lowerBound])
        let words = package.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 1 || (words.count == 2 && words[1] == "source"), !words[0].contains(where: \.isWhitespace)
        else { return nil }
        let body = rest[separator.upperBound...]
        let tagName = body.prefix { !$0.isWhitespace }
        guard !tagName.isEmpty else { return nil }
        var note = body.dropFirst(tagName.count)
        if note.first == " " { note = note.dropFirst() }
        note = note.prefix { $0 != "[" }
        var pointer = ""
        if let close = line.lastIndex(of: "]"), let open = line[..<close].lastIndex(of: "[") {
            pointer = String(line[line.index(after: open)..<close])
        }
        return Tag(
            severity: severity, package: package, tag: String(tagName),
            note: note.trimmingCharacters(in: .whitespaces), pointer: pointer, explanation: "", comment: "")
    }

    /// The level of a severity (higher is worse); `classification` and `masked` never fail a run.
    public static func level(_ severity: String) -> Int {
        guard let index = severities.firstIndex(where: { $0.name == severity }) else { return -1 }
        return severities.count - index
    }

    /// Debusine's `task_result` once lintian exited 0 or 2: `none` never fails; otherwise any tag of an enabled
    /// package at or above `failOnSeverity` fails.
    public func fails(on failOnSeverity: String, packages enabled: Set<String>) -> Bool {
        guard failOnSeverity != "none" else { return false }
        let threshold = Self.level(failOnSeverity)
        return tags.contains { enabled.contains($0.package) && Self.level($0.severity) >= threshold }
    }

    /// Debusine's `_create_analysis` for the tags of `packages`: tags sorted by package, severity (highest first),
    /// tag and note; the summary with counts by severity, package → file name, tag names found and overridden.
    public func analysis(
        packages: Set<String>, packageFilenames: [String: String], lintianVersion: String, distribution: String
    ) -> (analysis: JSONValue, summary: JSONValue) {
        var counts: [String: JSONValue] = [:]
        for (_, name) in Self.severities where name != "masked" { counts[name] = .int(0) }
        var found: Set<String> = []
        var overridden: Set<String> = []
        var filenames: [String: JSONValue] = [:]
        let selected = tags.filter { packages.contains($0.package) }.sorted {
            ($0.package, -Self.level($0.severity), $0.tag, $0.note) < ($1.package, -Self.level($1.severity), $1.tag, $1.note)
        }
        for tag in selected {
            filenames[tag.package.removingSuffix(" source")] = packageFilenames[tag.package].map(JSONValue.string) ?? .null
            counts[tag.severity] = .int((counts[tag.severity]?.intValue ?? 0) + 1)
            if tag.severity == "overridden" { overridden.insert(tag.tag) } else { found.insert(tag.tag) }
        }
        let summary: JSONValue = [
            "tags_count_by_severity": .object(counts), "package_filename": .object(filenames),
            "tags_found": .array(found.sorted().map(JSONValue.string)),
            "overridden_tags_found": .array(overridden.sorted().map(JSONValue.string)),
            "lintian_version": .string(lintianVersion), "distribution": .string(distribution),
        ]
        return (["tags": .array(selected.map(\.json)), "summary": summary, "version": 1], summary)
    }
}

/// A lintian output line that cannot be read (Debusine: `Failed to parse line: …`).
public enum LintianReportError: Error, Hashable, Sendable, CustomStringConvertible {
    case unparsable(String)

    public var description: String {
        switch self {
        case .unparsable(let line): "Failed to parse line: \(line)"
        }
    }
}

extension String {
    fileprivate func removingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }

    fileprivate func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }
}
