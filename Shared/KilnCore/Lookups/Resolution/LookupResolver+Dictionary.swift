extension LookupResolver {
    /// Resolves a dictionary lookup (Debusine `server/collections/lookup.py` `_lookup_dict`): the collection first (it
    /// must be one), then its active items passing every filter, ordered by item id.
    ///
    /// [0.16] The expected type is checked on each result, not on `child_type` up front, so a lookup that
    /// finds nothing never fails on type and a wrong-typed result fails with
    /// `Result from <exported lookup> is of type '<t>' instead of expected '<expect>'` (the exported lookup is
    /// written as compact JSON, the closest stable rendering of Debusine's Python dict).
    ///
    /// - Throws: `LookupFailure`, or the store's own error.
    public func resolve(
        _ lookup: LookupDictionary,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        let collectionLookup = try normalized(lookup.collection, expect: .collection)
        guard let firstText = collectionLookup.normalizedFirstText(defaultCategory: defaultCategory) else {
            throw LookupFailure.invalid(
                "'\(collectionLookup.firstText)' does not specify a category and the context does not supply a default"
            )
        }
        let parentCollectionLookup = collectionLookup.prefixText(
            segmentCount: collectionLookup.segments.count,
            normalizedFirst: firstText
        )
        guard
            let collection = try resolve(
                lookup.collection,
                expect: .collection,
                defaultCategory: defaultCategory,
                context: context
            ).collection
        else { throw LookupFailure.notFound("'\(parentCollectionLookup)' does not exist or is hidden") }

        var filter = ItemFilter(
            childTypes: ItemChildTypeFilter(lookup.childType),
            category: lookup.category,
            name: lookup.nameMatcher,
            data: lookup.dataMatchers.sorted { $0.key < $1.key }.map {
                ItemDataCondition(key: $0.key, test: .matcher($0.value))
            }
        )
        for (key, subLookup) in lookup.lookupFilters.sorted(by: { $0.key < $1.key }) {
            guard key == "binaries", collection.category == LookupCategories.suite else {
                throw LookupFailure.invalid(
                    "Unexpected lookup filter 'lookup__\(key)' for a \(collection.category) collection"
                )
            }
            let sources = try sourcePackages(subLookup, defaultCategory: defaultCategory, context: context)
            filter.builtFrom = (filter.builtFrom ?? []) + sources
        }

        let exported = lookup.exported.compactJSON
        let results = try store.activeItems(inCollection: collection.id, matching: filter).map {
            try result(for: $0, parentCollectionLookup: parentCollectionLookup)
        }
        for result in results where !Self.result(result, satisfies: expect) {
            throw LookupFailure.invalid(
                "Result from \(exported) is of type '\(result.resultType.rawValue)' instead of expected '\(expect.rawValue)'"
            )
        }
        if lookup.errorOnEmpty && results.isEmpty {
            // [0.16] error_on_empty: nothing was found, so this is the "not found" class.
            throw LookupFailure.notFound("\(exported) matched no items")
        }
        return results
    }

    /// The source packages a `lookup__binaries` value designates: each result's `package`/`version` item
    /// data when found in a suite, else its artifact's `name`/`version`.
    ///
    /// - Throws: `LookupFailure.invalid` when a result is not a source package.
    private func sourcePackages(
        _ lookup: ParsedLookup,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [SourcePackageIdentity] {
        let results: [LookupResult] =
            switch lookup {
            case .single(let single):
                [try resolve(single, expect: .artifact, defaultCategory: defaultCategory, context: context)]
            case .multiple(let multiple):
                try resolve(multiple, expect: .artifact, defaultCategory: defaultCategory, context: context)
            }
        return try results.map { result in
            guard let artifact = result.artifact, artifact.category == LookupCategories.sourcePackage else {
                throw LookupFailure.invalid(
                    "lookup__binaries needs source packages, but \(lookup.exported.compactJSON) found "
                        + "a \(result.artifact?.category ?? result.resultType.rawValue)"
                )
            }
            let itemData = result.collectionItem?.data ?? [:]
            guard
                let name = ItemMatcher.comparisonText(of: itemData["package"] ?? artifact.data["name"]),
                let version = ItemMatcher.comparisonText(of: itemData["version"] ?? artifact.data["version"])
            else {
                throw LookupFailure.invalid("Source package artifact \(artifact.id) has no name or version")
            }
            return SourcePackageIdentity(name: name, version: version)
        }
    }
}
