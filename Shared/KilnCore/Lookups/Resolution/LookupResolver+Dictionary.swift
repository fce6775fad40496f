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
        var workRequestIDs: Set<Int>?
        for (key, subLookup) in lookup.lookupFilters.sorted(by: { JSONValue.pythonOrder($0.key, $1.key) }) {
            switch (key, collection.category) {
            case ("binaries", KnownCategories.suite):
                let sources = try sourcePackages(subLookup, context: context)
                filter.builtFrom = (filter.builtFrom ?? []) + sources
            case ("same_work_request", KnownCategories.taskHistory),
                ("same_work_request", KnownCategories.packageBuildLogs):
                let ids = try producingWorkRequests(subLookup, context: context)
                workRequestIDs = workRequestIDs.map { $0.intersection(ids) } ?? ids
            case ("same_workflow", KnownCategories.taskHistory):
                let ids = try store.workRequests(sharingParentWith: producingWorkRequests(subLookup, context: context))
                workRequestIDs = workRequestIDs.map { $0.intersection(ids) } ?? ids
            case (_, KnownCategories.taskHistory):
                // `server/collections/tests/test_task_history.py` `test_lookup_filter_unexpected_format`.
                throw LookupFailure.invalid(
                    "Unexpected lookup filter format: \"\(key)\" (expected \"same_work_request\" or \"same_workflow\")")
            default:
                // Every other Debusine manager's `do_lookup_filter` text (`server/collections/tests/test_base.py`
                // `CollectionManagerInterfaceTests.test_lookup_filter_unexpected_format_raise_lookup_error`,
                // `test_debian_suite.py` `DebianSuiteManagerTests.test_do_lookup_filter_unexpected_format`).
                throw LookupFailure.invalid("Unexpected lookup filter format: \"\(key)\"")
            }
        }

        var items = try store.activeItems(inCollection: collection.id, matching: filter)
        if let workRequestIDs {
            // Debusine casts `data.work_request_id` to an integer; only an integer there can match.
            items = items.filter { item in item.data["work_request_id"]?.intValue.map(workRequestIDs.contains) ?? false }
        }
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

    /// The work requests that created the artifacts a `lookup__same_work_request` or `lookup__same_workflow` value
    /// finds (Debusine's `TaskHistoryManager.do_lookup_filter` and `DebianPackageBuildLogsManager.do_lookup_filter`:
    /// a multiple lookup of any type, a single one read as a list of one; results that are no artifact, or an
    /// artifact no work request created, add nothing).
    ///
    /// - Throws: `LookupFailure` from the sub-lookup.
    private func producingWorkRequests(_ lookup: ParsedLookup, context: LookupContext) throws -> Set<Int> {
        let results: [LookupResult] =
            switch lookup {
            case .single(let single): [try resolve(single, expect: .any, defaultCategory: nil, context: context)]
            case .multiple(let multiple): try resolve(multiple, expect: .any, defaultCategory: nil, context: context)
            }
        return Set(results.compactMap { $0.artifact?.createdByWorkRequestID })
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
                let name = ItemMatcher.storedText(of: artifact.data["name"]),
                let version = ItemMatcher.storedText(of: artifact.data["version"])
            else { return nil }
            return SourcePackageIdentity(artifactID: artifact.id, name: name, version: version)
        }
    }
}
