import KilnCore

/// An `ItemFilter` translated into a SQL condition on `collection_items` (alias `i`), with its parameters.
///
/// Comparisons follow `ItemFilter.matches` exactly: a data field is compared by its text, a JSON string by
/// its content and anything else by its JSON text, and an absent or JSON-null field matches nothing
/// (`data ->> key` is SQL NULL for both, and NULL passes no comparison).
///
/// Strings, booleans and integers of up to 18 digits are decided in SQL. Other numbers, and objects and arrays
/// that may hold them, are let through as *undecided*: the store applies `ItemFilter.matches` to every row it
/// returns, whose stored side (`JSONValue.postgresText`) is the text PostgreSQL prints for what Kiln wrote
/// (`1e-07` stored, `0.0000001` printed: checked against the server by `PostgresJSONTextTests`), so SQL narrows,
/// the core has the last word, and the result is the in-memory store's.
struct ItemFilterSQL {
    /// The condition, ANDed parts; `TRUE` when the filter has none.
    private(set) var condition: String
    /// The parameters the condition refers to, after those given at creation.
    private(set) var parameters: [any PGEncodable]

    /// Integers whose jsonb text equals the core's `String(Int)`: no sign on zero, at most 18 digits (any
    /// 18-digit number fits in `Int`; longer ones may become doubles in the core).
    private static let integerPattern = "'^(0|-?[1-9][0-9]{0,17})$'"

    /// Translates `filter`, numbering its parameters after `parameters` (which it keeps).
    init(_ filter: ItemFilter, after parameters: [any PGEncodable]) {
        self.parameters = parameters
        self.condition = "TRUE"
        var parts: [String] = []
        switch filter.childTypes {
        case .any:
            break
        case .only(let type):
            parts.append("i.child_type = \(bind(type.rawValue))")
        case .artifactOrPromise:
            let promise = bind(KnownCategories.promise)
            parts.append("(i.child_type = 'artifact' OR (i.child_type = 'bare' AND i.category = \(promise)))")
        }
        if let category = filter.category { parts.append("i.category = \(bind(category))") }
        if let name = filter.name { parts.append(comparison("i.name", name)) }
        for condition in filter.data { parts.append(dataCondition(condition)) }
        if let builtFrom = filter.builtFrom { parts.append(builtFromCondition(builtFrom)) }
        if !parts.isEmpty { condition = parts.joined(separator: "\n   AND ") }
    }

    /// Appends a parameter and returns its placeholder.
    private mutating func bind(_ value: any PGEncodable) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }

    /// The field's text where SQL and the core agree on it, else NULL (absent, null, or undecided).
    private static func decidedText(_ key: String) -> String {
        """
        (CASE WHEN jsonb_typeof(i.data -> \(key)) IN ('string', 'boolean') \
        OR (jsonb_typeof(i.data -> \(key)) = 'number' AND i.data ->> \(key) ~ \(integerPattern)) \
        THEN i.data ->> \(key) END)
        """
    }

    /// Whether the field's text can only be decided by the core (objects, arrays, non-integer numbers).
    private static func undecided(_ key: String) -> String {
        """
        (jsonb_typeof(i.data -> \(key)) IN ('object', 'array') \
        OR (jsonb_typeof(i.data -> \(key)) = 'number' AND i.data ->> \(key) !~ \(integerPattern)))
        """
    }

    private mutating func dataCondition(_ condition: ItemDataCondition) -> String {
        let key = bind(condition.key) + "::text"
        switch condition.test {
        case .absentOrNull:
            return "(i.data -> \(key) IS NULL OR jsonb_typeof(i.data -> \(key)) = 'null')"
        case .matcher(let matcher):
            return "(\(comparison(Self.decidedText(key), matcher)) OR \(Self.undecided(key)))"
        }
    }

    /// `expression` (text, possibly NULL) compared as `matcher` compares.
    private mutating func comparison(_ expression: String, _ matcher: ItemMatcher) -> String {
        switch matcher.kind {
        case .in:
            // PostgreSQL text cannot hold NUL, so a value containing one can never be equal.
            let values = (matcher.value.arrayValue ?? []).map(\.comparisonText).filter { !$0.contains("\0") }
            return "\(expression) = ANY(\(bind(values)))"
        case .exact, .contains, .startswith, .endswith:
            let value = matcher.value.comparisonText
            guard !value.contains("\0") else { return "FALSE" }
            switch matcher.kind {
            case .contains: return "\(expression) LIKE \(bind("%" + Self.likeEscaped(value) + "%")) ESCAPE '\\'"
            case .startswith: return "\(expression) LIKE \(bind(Self.likeEscaped(value) + "%")) ESCAPE '\\'"
            case .endswith: return "\(expression) LIKE \(bind("%" + Self.likeEscaped(value))) ESCAPE '\\'"
            case .exact, .in: return "\(expression) = \(bind(value))"
            }
        }
    }

    /// The binaries condition: the item's `srcpkg_name`/`srcpkg_version` texts equal one pair.
    private mutating func builtFromCondition(_ sources: [SourcePackageIdentity]) -> String {
        guard !sources.isEmpty else { return "FALSE" }
        let names = bind(sources.map(\.name))
        let versions = bind(sources.map(\.version))
        let nameKey = bind("srcpkg_name") + "::text"
        let versionKey = bind("srcpkg_version") + "::text"
        return """
            (EXISTS (SELECT 1 FROM unnest(\(names)::text[], \(versions)::text[]) AS source (name, version) \
            WHERE source.name = \(Self.decidedText(nameKey)) AND source.version = \(Self.decidedText(versionKey))) \
            OR \(Self.undecided(nameKey)) OR \(Self.undecided(versionKey)))
            """
    }

    /// `value` as a LIKE pattern matching itself only: `\`, `%` and `_` escaped with `\` (the ESCAPE given).
    static func likeEscaped(_ value: String) -> String {
        // Scalars, not Characters: a `\` followed by a combining mark is one Character but still a
        // backslash to PostgreSQL.
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }
}
