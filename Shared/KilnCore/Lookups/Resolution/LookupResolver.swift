/// Resolves lookups (Debusine `server/collections/lookup.py`) against any `LookupStore`: the one implementation of
/// lookup semantics, shared by the in-memory store (tests, CLI) and the PostgreSQL store (services).
public struct LookupResolver<Store: LookupStore>: LookupResolving {
    /// Where the data comes from.
    public let store: Store

    /// Wraps a store; the resolver holds no state of its own, so one per store is enough.
    public init(store: Store) {
        self.store = store
    }

    /// Parses the JSON form, then resolves it against the store (Debusine `lookup_single`).
    public func lookupSingle(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult {
        try resolve(LookupSingle(parsing: lookup), expect: expect, defaultCategory: defaultCategory, context: context)
    }

    /// Parses a list or dictionary lookup, then resolves every element in order (Debusine `lookup_multiple`).
    public func lookupMultiple(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        try resolve(LookupMultiple(parsing: lookup), expect: expect, defaultCategory: defaultCategory, context: context)
    }

    /// A single lookup that finds the same thing again later (Debusine 0.16 `db/models/lookups.py`
    /// `LookupResult.reconstruct`, tests `ReconstructLookupTests`): a single lookup's result gives that lookup back;
    /// a dictionary's items keep their collection path, so a promise later replaced by the real artifact is still
    /// found.
    public func reconstructLookup(_ result: LookupResult, context: LookupContext) -> JSONValue {
        if let single = result.singleLookup { return single }
        if let parent = result.parentCollectionLookup, let item = result.collectionItem {
            return .string("\(parent)/name:\(item.name)")
        }
        if let artifact = result.artifact { return .string("\(artifact.id)@artifacts") }
        guard let collection = result.collection else {
            // A result always carries what it found; a hand-built empty one can only be described by type.
            return .string("<\(result.resultType.rawValue) result without a record>")
        }
        if let rootID = context.workflowRootID, Self.isInternalCollection(collection, ofRoot: rootID) {
            return "internal@collections"
        }
        return .string("\(collection.id)@collections")
    }

    /// Asks the store (`LookupStore.relatedArtifacts`); relations are not subject to workspace visibility, as in
    /// Debusine.
    public func relatedArtifacts(
        of ids: [Int],
        type: ArtifactRelationType,
        category: String
    ) throws -> [ArtifactRecord] {
        try store.relatedArtifacts(of: ids, type: type, category: category)
    }

    /// The workspace, or `nil` when it does not exist or the store cannot be read (this contract method
    /// cannot throw; callers needing the distinction use `store` directly).
    public func workspace(id: Int) -> WorkspaceRecord? {
        try? store.workspace(id: id)
    }

    // MARK: Parsed forms

    /// Resolves a parsed single lookup (Debusine `server/collections/lookup.py` `lookup_single`).
    ///
    /// - Throws: `LookupFailure`, or the store's own error.
    public func resolve(
        _ lookup: LookupSingle,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult {
        let stringLookup = try normalized(lookup, expect: expect)
        let firstText = try Self.normalizedFirstText(of: stringLookup, defaultCategory: defaultCategory)
        var result = try resolveFirst(
            stringLookup,
            normalizedFirst: firstText,
            defaultCategory: defaultCategory,
            startID: try startingWorkspaceID(stringLookup.options, context),
            context: context
        )
        for (index, segment) in stringLookup.segments.enumerated() {
            let containerLookup = stringLookup.prefixText(
                segmentCount: index,
                normalizedFirst: firstText,
                includeOptions: false
            )
            guard result.resultType == .collection, let container = result.collection else {
                throw LookupFailure.invalid(
                    "\(JSONValue.pythonStringRepr(containerLookup)) is of type '\(result.resultType.rawValue)' "
                        + "instead of expected 'collection'"
                )
            }
            guard let item = try findItem(segment, in: container) else {
                throw LookupFailure.notFound(
                    "\(JSONValue.pythonStringRepr(containerLookup)) has no item "
                        + JSONValue.pythonStringRepr(segment.normalizedText)
                )
            }
            result = try self.result(for: item, parentCollectionLookup: containerLookup)
        }
        guard Self.result(result, satisfies: expect) else {
            throw LookupFailure.invalid(
                "\(lookup.quoted) is of type '\(result.resultType.rawValue)' instead of expected '\(expect.debusineName)'"
            )
        }
        result.singleLookup = lookup.exported
        return result
    }

    /// Resolves a parsed multiple lookup: the elements' results concatenated in order; any failing element
    /// fails the whole lookup.
    ///
    /// - Throws: `LookupFailure`, or the store's own error.
    public func resolve(
        _ lookup: LookupMultiple,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        var results: [LookupResult] = []
        for element in lookup.elements {
            switch element {
            case .single(let single):
                results.append(try resolve(single, expect: expect, defaultCategory: defaultCategory, context: context))
            case .dictionary(let dictionary):
                results += try resolve(dictionary, expect: expect, defaultCategory: defaultCategory, context: context)
            }
        }
        return results
    }

    // MARK: Shared helpers

    /// The first segment with the default category applied.
    ///
    /// - Throws: `LookupFailure.invalid` (`'<first>' does not specify a category and the context does not
    ///   supply a default`) for a bare name without a default category.
    static func normalizedFirstText(of lookup: StringLookup, defaultCategory: String?) throws -> String {
        guard let text = lookup.normalizedFirstText(defaultCategory: defaultCategory) else {
            throw LookupFailure.invalid(
                "\(JSONValue.pythonStringRepr(lookup.firstText)) does not specify a category and the context "
                    + "does not supply a default"
            )
        }
        return text
    }

    /// Turns an integer into `NNN@artifacts`/`NNN@collections` according to the expected type.
    func normalized(_ lookup: LookupSingle, expect: LookupExpectType) throws -> StringLookup {
        switch lookup {
        case .string(let stringLookup):
            return stringLookup
        case .integer(let id):
            let first: FirstSegment
            switch expect {
            case .artifact, .artifactOrPromise: first = .artifactID(id)
            case .collection: first = .collectionID(id)
            case .bare, .any:
                throw LookupFailure.invalid(
                    "Integer lookups only work in contexts that expect an artifact or a collection"
                )
            }
            let text = if case .artifactID = first { "\(id)@artifacts" } else { "\(id)@collections" }
            return StringLookup(options: nil, first: first, firstText: text, segments: [])
        }
    }

    /// The result for an item found in a collection; `parentCollectionLookup` records how the collection
    /// was found so `reconstructLookup` can find the item's successor later.
    func result(for item: CollectionItemRecord, parentCollectionLookup: String) throws -> LookupResult {
        LookupResult(
            resultType: item.childType,
            parentCollectionLookup: parentCollectionLookup,
            collectionItem: item,
            artifact: try item.artifactID.flatMap { try store.artifact(id: $0) },
            collection: try item.collectionID.flatMap { try store.collection(id: $0) }
        )
    }

    /// Whether a result has the expected type. `artifact-or-promise` admits artifacts and every bare item,
    /// whatever its category, as Debusine's `_lookup_result_expected` does
    /// (`server/collections/tests/test_lookup.py` `LookupMultipleTests.test_expect_type`, row
    /// `("bare", ARTIFACT_OR_PROMISE, [bare_item])`); only the dictionary filter `child_type:
    /// artifact-or-promise` narrows bare items to promises (`ItemChildTypeFilter`).
    static func result(_ result: LookupResult, satisfies expect: LookupExpectType) -> Bool {
        switch expect {
        case .any: true
        case .bare: result.resultType == .bare
        case .artifact: result.resultType == .artifact
        case .collection: result.resultType == .collection
        case .artifactOrPromise: result.resultType == .artifact || result.resultType == .bare
        }
    }

    /// Whether `collection` is the internal collection of the workflow rooted at `rootID`.
    static func isInternalCollection(_ collection: CollectionRecord, ofRoot rootID: Int) -> Bool {
        collection.category == KnownCategories.workflowInternal
            && collection.name == KnownCategories.workflowInternalCollectionName(rootID: rootID)
    }

    /// The most recently added of `items` (latest `createdAt`, then highest id): the "current" item.
    static func mostRecentlyAdded(_ items: [CollectionItemRecord]) -> CollectionItemRecord? {
        items.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}

extension LookupResolver: Sendable where Store: Sendable {}
