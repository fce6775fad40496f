import KilnCore

/// One lookup and the answer any correct `LookupResolving` gives for it over `LookupFixture`.
public struct LookupScenario: Sendable, CustomStringConvertible {
    /// What the scenario calls on the resolver.
    public enum Operation: Sendable {
        /// `lookupSingle`.
        case single
        /// `lookupMultiple`.
        case multiple
        /// `lookupEnvironment` with these executor parameters.
        case environment(architecture: String, backend: String?, format: String?, taskName: String?)
        /// `lookupSingle`, then `reconstructLookup` on its result.
        case reconstructSingle
        /// `lookupMultiple`, then `reconstructLookup` on each result.
        case reconstructMultiple
    }

    /// The number of the Debusine lookup test this row implements (31–41, listed in `LookupScenarios`), or `nil` for
    /// the additional coverage.
    public var specScenario: Int?
    /// A group name for the additional coverage (`suite`, `environments`, …).
    public var group: String
    /// What the case checks, in words.
    public var title: String
    /// The call made.
    public var operation: Operation
    /// The lookup as task data holds it.
    public var lookup: JSONValue
    /// The expected type passed (ignored by `environment`).
    public var expect: LookupExpectType
    /// The default category passed (ignored by `environment`).
    public var defaultCategory: String?
    /// Who looks up, from where.
    public var context: LookupContext
    /// The answer.
    public var expected: LookupScenarioOutcome

    public init(
        spec specScenario: Int? = nil,
        group: String,
        _ title: String,
        _ operation: Operation = .single,
        lookup: JSONValue,
        expect: LookupExpectType = .any,
        defaultCategory: String? = nil,
        context: LookupContext = LookupScenario.developers,
        expected: LookupScenarioOutcome
    ) {
        self.specScenario = specScenario
        self.group = group
        self.title = title
        self.operation = operation
        self.lookup = lookup
        self.expect = expect
        self.defaultCategory = defaultCategory
        self.context = context
        self.expected = expected
    }

    /// The usual context: anonymous, in `debian/developers`, outside any workflow.
    public static let developers = LookupContext(workspaceID: LookupFixture.Workspace.developers)

    public var description: String {
        "\(specScenario.map { "lookup scenario \($0)" } ?? group): \(title) — \(lookup.compactJSON)"
    }

    /// Runs the scenario against a resolver and reports what happened, in the same terms as `expected`.
    public func run(against resolver: some LookupResolving) -> LookupScenarioOutcome {
        do {
            switch operation {
            case .single:
                let result = try resolver.lookupSingle(
                    lookup,
                    expect: expect,
                    defaultCategory: defaultCategory,
                    context: context
                )
                return .results([LookupResultSummary(result)])
            case .multiple:
                let results = try resolver.lookupMultiple(
                    lookup,
                    expect: expect,
                    defaultCategory: defaultCategory,
                    context: context
                )
                return .results(results.map(LookupResultSummary.init))
            case .environment(let architecture, let backend, let format, let taskName):
                let result = try resolver.lookupEnvironment(
                    lookup,
                    architecture: architecture,
                    backend: backend,
                    format: format,
                    taskName: taskName,
                    context: context
                )
                return .results([LookupResultSummary(result)])
            case .reconstructSingle:
                let result = try resolver.lookupSingle(
                    lookup,
                    expect: expect,
                    defaultCategory: defaultCategory,
                    context: context
                )
                return .reconstructed([resolver.reconstructLookup(result, context: context)])
            case .reconstructMultiple:
                let results = try resolver.lookupMultiple(
                    lookup,
                    expect: expect,
                    defaultCategory: defaultCategory,
                    context: context
                )
                return .reconstructed(results.map { resolver.reconstructLookup($0, context: context) })
            }
        } catch let failure as LookupFailure {
            return .failure(failure)
        } catch {
            return .unexpectedError(String(describing: error))
        }
    }
}

/// What a scenario produces.
public enum LookupScenarioOutcome: Hashable, Sendable {
    /// Results, in order.
    case results([LookupResultSummary])
    /// The lookups `reconstructLookup` gave, one per result.
    case reconstructed([JSONValue])
    /// A lookup failure, with its class and exact message.
    case failure(LookupFailure)
    /// Any other error (a store failure): never expected.
    case unexpectedError(String)

    /// A single result.
    public static func result(_ summary: LookupResultSummary) -> Self { .results([summary]) }
    /// `LookupFailure.notFound(message)`.
    public static func notFound(_ message: String) -> Self { .failure(.notFound(message)) }
    /// `LookupFailure.invalid(message)`.
    public static func invalid(_ message: String) -> Self { .failure(.invalid(message)) }
}

/// The identifying parts of a `LookupResult`, so expected answers can be written as ids.
public struct LookupResultSummary: Hashable, Sendable, CustomStringConvertible {
    public var resultType: CollectionChildType
    public var itemID: Int?
    public var artifactID: Int?
    public var collectionID: Int?
    public var parentCollectionLookup: String?

    public init(
        resultType: CollectionChildType,
        itemID: Int? = nil,
        artifactID: Int? = nil,
        collectionID: Int? = nil,
        parentCollectionLookup: String? = nil
    ) {
        self.resultType = resultType
        self.itemID = itemID
        self.artifactID = artifactID
        self.collectionID = collectionID
        self.parentCollectionLookup = parentCollectionLookup
    }

    /// Summarises a result.
    public init(_ result: LookupResult) {
        self.init(
            resultType: result.resultType,
            itemID: result.collectionItem?.id,
            artifactID: result.artifact?.id,
            collectionID: result.collection?.id,
            parentCollectionLookup: result.parentCollectionLookup
        )
    }

    /// An artifact found by id (no collection item).
    public static func artifact(_ id: Int) -> Self { Self(resultType: .artifact, artifactID: id) }
    /// A collection found as a first segment (no collection item).
    public static func collection(_ id: Int) -> Self { Self(resultType: .collection, collectionID: id) }
    /// An artifact item found in the collection `parent` designates.
    public static func artifactItem(_ itemID: Int, artifact: Int, in parent: String) -> Self {
        Self(resultType: .artifact, itemID: itemID, artifactID: artifact, parentCollectionLookup: parent)
    }
    /// A bare item found in the collection `parent` designates.
    public static func bareItem(_ itemID: Int, in parent: String) -> Self {
        Self(resultType: .bare, itemID: itemID, parentCollectionLookup: parent)
    }
    /// A collection item found in the collection `parent` designates.
    public static func collectionItem(_ itemID: Int, collection: Int, in parent: String) -> Self {
        Self(resultType: .collection, itemID: itemID, collectionID: collection, parentCollectionLookup: parent)
    }

    public var description: String {
        var parts = [resultType.rawValue]
        if let itemID { parts.append("item \(itemID)") }
        if let artifactID { parts.append("artifact \(artifactID)") }
        if let collectionID { parts.append("collection \(collectionID)") }
        if let parentCollectionLookup { parts.append("in \(parentCollectionLookup)") }
        return parts.joined(separator: " ")
    }
}
