extension LookupResolver {
    /// Resolves a dictionary lookup (Debusine `server/collections/lookup.py` `_lookup_dict`): the collection first (it
    /// must be one), then its active items passing every filter, ordered by item id.
    ///
    /// As Debusine's `_lookup_dict`: an empty result with `error_on_empty` is invalid
    /// (`No results found from <exported lookup>`); then the expected type is checked on each result, not on
    /// `child_type` up front, so a lookup that finds nothing never fails on type and a wrong-typed result
    /// fails with `Result from <exported lookup> is of type '<t>' instead of expected '<expect>'`. The
    /// exported lookup is the Python dict Debusine prints (`LookupDictionary.pythonRepr`).
    ///
    /// - Throws: `LookupFailure`, or the store's own error.
    public func resolve(
        _ lookup: LookupDictionary,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        let collectionLookup = try normalized(lookup.collection, expect: .collection)
        let firstText = try Self.normalizedFirstText(of: collectionLookup, defaultCategory: defaultCategory)
        let parentCollectionLookup = collectionLookup.prefixText(
            segmentCount: collectionLookup.segments.count,
            normalizedFirst: firstText,
            includeOptions: true
        )
        guard
            let collection = try resolve(
                lookup.collection,
                expect: .collection,
                defaultCategory: defaultCategory,
                context: context
            ).collection
        else {
            throw LookupFailure.notFound(
                "\(JSONValue.pythonStringRepr(parentCollectionLookup)) does not exist or is hidden"
            )
        }

        var filter = ItemFilter(
            childTypes: ItemChildTypeFilter(lookup.childType),
            category: lookup.category,
            name: lookup.nameMatcher,
            data: lookup.dataMatchers.sorted { $0.key < $1.key }.map {
                ItemDataCondition(key: $0.key, test: $0.value.isNullTest ? .absentOrNull : .matcher($0.value))
            }
        )
        for (key, subLookup) in lookup.lookupFilters.sorted(by: { JSONValue.pythonOrder($0.key, $1.key) }) {
            guard key == "binaries", collection.category == KnownCategories.suite else {
                // Every Debusine manager's `do_lookup_filter` text (`server/collections/tests/test_base.py`
                // `CollectionManagerInterfaceTests.test_lookup_filter_unexpected_format_raise_lookup_error`,
                // `test_debian_suite.py` `DebianSuiteManagerTests.test_do_lookup_filter_unexpected_format`).
                throw LookupFailure.invalid("Unexpected lookup filter format: \"\(key)\"")
            }
            let sources = try sourcePackages(subLookup, context: context)
            filter.builtFrom = (filter.builtFrom ?? []) + sources
        }

        var items = try store.activeItems(inCollection: collection.id, matching: filter)
        if let sources = filter.builtFrom, !items.isEmpty {
            let targets = try store.builtUsingTargets(ofArtifacts: items.compactMap(\.artifactID))
            items = items.filter { item in
                let built = item.artifactID.flatMap { targets[$0] } ?? []
                return sources.contains { $0.built(item, builtUsing: built) }
            }
        }
        let results = try items.map { try result(for: $0, parentCollectionLookup: parentCollectionLookup) }
        if lookup.errorOnEmpty && results.isEmpty {
            // A LookupError in Debusine, not a KeyError (`server/collections/tests/test_lookup.py`
            // `LookupMultipleTests.test_error_on_empty`).
            throw LookupFailure.invalid("No results found from \(lookup.pythonRepr)")
        }
        for result in results where !Self.result(result, satisfies: expect) {
            throw LookupFailure.invalid(
                "Result from \(lookup.pythonRepr) is of type '\(result.resultType.rawValue)' "
                    + "instead of expected '\(expect.debusineName)'"
            )
        }
        return results
    }

    /// The source packages a `lookup__binaries` value designates, as `DebianSuiteManager.do_lookup_filter`
    /// finds them: a multiple lookup expecting artifacts, with no default category (`lookup_multiple(value,
    /// workspace, …, expect_type=ARTIFACT)`), whose source-package results give the artifact their binaries have a
    /// `built-using` relation to and the `name`/`version` they record as `srcpkg_name`/`srcpkg_version`. A result
    /// that is no source package has no binaries, so it adds nothing (`test_debian_suite.py`
    /// `DebianSuiteManagerTests.test_do_lookup_filter_binaries`).
    ///
    /// - Throws: `LookupFailure` from the sub-lookup.
    private func sourcePackages(_ lookup: ParsedLookup, context: LookupContext) throws -> [SourcePackageIdentity] {
        let results: [LookupResult] =
            switch lookup {
            case .single(let single):
                [try resolve(single, expect: .artifact, defaultCategory: nil, context: context)]
            case .multiple(let multiple):
                try resolve(multiple, expect: .artifact, defaultCategory: nil, context: context)
            }
        return results.compactMap { result in
            guard let artifact = result.artifact, artifact.category == KnownCategories.sourcePackage,
                let name = ItemMatcher.comparisonText(of: artifact.data["name"]),
                let version = ItemMatcher.comparisonText(of: artifact.data["version"])
            else { return nil }
            return SourcePackageIdentity(artifactID: artifact.id, name: name, version: version)
        }
    }
}
