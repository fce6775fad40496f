/// An extra APT repository a task builds or tests with (Debusine `tasks/models.py` `ExtraRepository`, the union of
/// `ExtraDebusineRepository` and `ExtraExternalRepository`).
///
/// Task data may name a suite this server holds (a collection lookup) or any external repository; resolution turns
/// the first kind into the second (`ExtraRepositoriesInput`), so workers only ever see external repositories.
public enum ExtraRepository: Hashable, Sendable {
    /// `ExtraDebusineRepository`: a `debian:suite` collection of this server, by lookup.
    case debusine(suite: JSONValue, components: [String]?, architectures: [String]?)
    /// `ExtraExternalRepository`.
    case external(ExternalRepository)

    /// Reads one element of `extra_repositories` as pydantic reads the union: an object with a `url` is an external
    /// repository, one without is a Debusine-hosted suite (each model forbids the other's keys).
    ///
    /// - Throws: `TaskDataError` naming the field, with Debusine's sentences for its own validators.
    public static func read(_ json: JSONValue, field: String) throws(TaskDataError) -> ExtraRepository {
        var reader = try TaskDataReader(json, path: field)
        guard json.objectValue?["url"] != nil else {
            let suite = try reader.singleLookup("suite")
            let components = try ExternalRepository.names(&reader, "components")
            let architectures = try ExternalRepository.names(&reader, "architectures")
            try reader.finish()
            return .debusine(suite: suite, components: components, architectures: architectures)
        }
        return .external(try ExternalRepository(reading: &reader, json: json))
    }

    /// The whole `extra_repositories` value: nil when absent or null, else every element read.
    ///
    /// - Throws: `TaskDataError` naming the element (`extra_repositories[1].suite`).
    public static func readList(_ value: JSONValue?, field: String) throws(TaskDataError) -> [ExtraRepository]? {
        guard let value, !value.isNull else { return nil }
        guard let elements = value.arrayValue else {
            throw .wrongType(field: field, expected: "a list of repositories", found: value)
        }
        var repositories: [ExtraRepository] = []
        for (index, element) in elements.enumerated() {
            repositories.append(try read(element, field: "\(field)[\(index)]"))
        }
        return repositories
    }
}

/// An external APT repository (Debusine's `ExtraExternalRepository`): what a worker adds to the build or test
/// environment's APT sources.
public struct ExternalRepository: Hashable, Sendable {
    /// `url`: the repository's base URL, with a host.
    public var url: String
    /// `suite`: a suite name, or a flat repository's path ending in `/`.
    public var suite: String
    /// `components` (none for a flat repository; an empty list reads as none).
    public var components: [String]?
    /// `architectures`: only tasks building for one of these use the repository (none: all).
    public var architectures: [String]?
    /// `signing_key`: an ASCII-armoured public key the repository is signed with, if any.
    public var signingKey: String?
    /// The keys the value was given with (pydantic's `model_fields_set`): dynamic data leaves the others out
    /// (`exclude_unset`). Not part of equality.
    public var givenKeys: Set<String>

    /// Memberwise, unchecked: for values built by the server itself, with every key given unless `givenKeys` says
    /// otherwise (a Debusine-hosted suite's repository, once Kiln serves them, is given without `architectures`:
    /// Debusine's `_resolve_extra_repository`).
    public init(
        url: String, suite: String, components: [String]?, architectures: [String]?, signingKey: String?,
        givenKeys: Set<String> = ExternalRepository.keys
    ) {
        self.url = url
        self.suite = suite
        self.components = components
        self.architectures = architectures
        self.signingKey = signingKey
        self.givenKeys = givenKeys
    }

    /// Every key of the model.
    public static let keys: Set<String> = ["url", "suite", "components", "architectures", "signing_key"]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.url == rhs.url && lhs.suite == rhs.suite && lhs.components == rhs.components
            && lhs.architectures == rhs.architectures && lhs.signingKey == rhs.signingKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(url)
        hasher.combine(suite)
        hasher.combine(components)
        hasher.combine(architectures)
        hasher.combine(signingKey)
    }

    /// Reads and checks an `ExtraExternalRepository` object (the rest of the reader's keys are refused).
    ///
    /// - Throws: `TaskDataError`: a URL without a host, a suite or component outside Debusine's patterns,
    ///   `Components cannot be specified for a flat repository (where the suite ends with /)`,
    ///   `Components must be specified`.
    init(reading reader: inout TaskDataReader, json: JSONValue) throws(TaskDataError) {
        url = try Self.url(&reader)
        suite = try reader.string("suite")
        if suite.isEmpty || !suite.unicodeScalars.allSatisfy({ Self.isWord($0) || "./ -".unicodeScalars.contains($0) }) {
            throw .invalidValue(
                field: reader.fieldName("suite"), value: .string(suite),
                reason: "String should match pattern '^(\\w|[./ -])+$'")
        }
        components = try Self.names(&reader, "components")
        architectures = try Self.names(&reader, "architectures")
        signingKey = try reader.optionalString("signing_key")
        givenKeys = Set((json.objectValue ?? [:]).keys).intersection(Self.keys)
        try reader.finish()
        if let problem = Self.flatRepositoryProblem(suite: suite, hasComponents: components != nil) {
            throw .invalidValue(field: reader.path, value: json, reason: problem)
        }
    }

    /// `ExtraExternalRepository.flat_repository`: a flat repository (its suite ends in `/`) has no components, any
    /// other needs some (an empty list counts as none). Shared by this reading and the task data models.
    public static func flatRepositoryProblem(suite: String, hasComponents: Bool) -> String? {
        let flat = suite.hasSuffix("/")
        if flat, hasComponents {
            return "Components cannot be specified for a flat repository (where the suite ends with /)"
        }
        return !flat && !hasComponents ? "Components must be specified" : nil
    }

    /// Reads a saved value (`task_input_fields`, dynamic data) back.
    ///
    /// - Throws: `TaskDataError` as when it was first read.
    public init(json: JSONValue) throws(TaskDataError) {
        var reader = try TaskDataReader(json)
        try self.init(reading: &reader, json: json)
    }

    /// pydantic's `model_dump(mode="json")`: every key, `null` where unset (Debusine's
    /// `ExtraRepositoriesSerializer`).
    public var json: JSONValue {
        [
            "url": .string(url), "suite": .string(suite),
            "components": components.map { .array($0.map(JSONValue.string)) } ?? .null,
            "architectures": architectures.map { .array($0.map(JSONValue.string)) } ?? .null,
            "signing_key": signingKey.map(JSONValue.string) ?? .null,
        ]
    }

    /// The dump dynamic data stores (`model_dump(mode="json", exclude_unset=True)` in Debusine's
    /// `WorkRequest.compute_dynamic_data`): only the keys the value was given with.
    public var dynamicDataJSON: JSONValue {
        .object((json.objectValue ?? [:]).filter { givenKeys.contains($0.key) })
    }

    /// Whether a task building for `architecture` uses this repository (Debusine
    /// `ExtraRepositoryMixin.write_extra_repository_config`).
    public func serves(architecture: String) -> Bool { architectures?.contains(architecture) ?? true }

    /// The repository as a deb822 `sources.list.d` entry (Debusine `ExtraExternalRepository.as_deb822_source`):
    /// the key inline in `Signed-By` (a folded field, empty lines as ` .`) unless `signedByFile` names where it was
    /// written instead (APT before 2.3.10 reads no inline keys).
    public func deb822Source(signedByFile: String? = nil) -> String {
        var text = "Types: deb\nURIs: \(url)\nSuites: \(suite)\n"
        if let components, !components.isEmpty { text += "Components: \(components.joined(separator: " "))\n" }
        if let signingKey, !signingKey.isEmpty {
            if let signedByFile {
                text += "Signed-By: \(signedByFile)\n"
            } else {
                // Python's `splitlines()`: any line break, no empty piece after a final one.
                var pieces = signingKey.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                if pieces.last?.isEmpty == true { pieces.removeLast() }
                let lines = pieces.map { " " + ($0.isEmpty ? "." : $0) }
                text += "Signed-By:\n" + lines.joined(separator: "\n") + "\n"
            }
        }
        return text
    }

    /// `components`/`architectures`: names matching `^(\w|-)+$`; an empty list reads as none
    /// (`convert_empty_components_to_none`).
    static func names(_ reader: inout TaskDataReader, _ key: String) throws(TaskDataError) -> [String]? {
        guard reader.raw(key) != nil else { return nil }
        let names = try reader.stringList(key)
        for (index, name) in names.enumerated()
        where name.isEmpty || !name.unicodeScalars.allSatisfy({ isWord($0) || $0 == "-" }) {
            throw .invalidValue(
                field: "\(reader.fieldName(key))[\(index)]", value: .string(name),
                reason: "String should match pattern '^(\\w|-)+$'")
        }
        return names.isEmpty ? nil : names
    }

    /// A URL with a host (pydantic `AnyUrl` with `host_required`), a bare host given its `/` path as pydantic
    /// normalises it; otherwise kept as written.
    private static func url(_ reader: inout TaskDataReader) throws(TaskDataError) -> String {
        let text = try reader.string("url")
        if let problem = PydanticURL.problem(text, hostRequired: true) {
            throw .invalidValue(
                field: reader.fieldName("url"), value: .string(text), reason: "Input should be a valid URL, \(problem)")
        }
        return PydanticURL.normalized(text)
    }

    /// A word character of the `^(\w|-)+$` patterns Debusine declares with `pydantic.Field(pattern=…)`.
    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        // The `\w` of pydantic-core's (Rust) regular expressions: Alphabetic, marks, decimal digits, connector
        // punctuation (`_` among them) and the joiners.
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return properties.isAlphabetic || properties.isJoinControl
        }
    }
}
