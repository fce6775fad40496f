extension LookupResolver {
    /// Answers one later segment inside `collection`, with the handlers its category has (Debusine's collection
    /// managers' `do_lookup`). Every category understands `name:`; `debian:suite` and `debian:environments` add their
    /// own queries, `debian:archive` the suite's (asked of its workspace's suites), `debusine:task-history` its
    /// `last-entry:`, `last-success:` and `last-failure:`, `debian:qa-results` its `latest:`.
    ///
    /// - Returns: the item, or `nil` when nothing active matches.
    /// - Throws: `LookupFailure.invalid` (`Unexpected lookup format: "<segment>"`) for a query the category
    ///   does not understand, as every Debusine manager's `do_lookup` does
    ///   (`server/collections/tests/test_base.py`
    ///   `CollectionManagerInterfaceTests.test_lookup_unexpected_format_raise_lookup_error`).
    func findItem(_ segment: LookupSegment, in collection: CollectionRecord) throws -> CollectionItemRecord? {
        let unexpected = LookupFailure.invalid("Unexpected lookup format: \"\(segment.normalizedText)\"")
        switch (segment.query, collection.category) {
        case (.name(let name), _):
            return Self.mostRecentlyAdded(
                try store.activeItems(
                    inCollection: collection.id,
                    matching: ItemFilter(name: ItemMatcher(exactText: name))
                )
            )
        case (.match(let filters), KnownCategories.environments):
            return Self.mostRecentlyAdded(
                try store.activeItems(inCollection: collection.id, matching: Self.environmentFilter(filters))
            )
        case (_, KnownCategories.taskHistory):
            guard case .taskRun(let query) = segment.query else {
                throw LookupFailure.invalid(TaskRunQuery.unexpected(segment.normalizedText))
            }
            return try lastRun(query, in: collection)
        case (_, KnownCategories.qaResults):
            guard case .latest(let taskName, let package, let architecture) = segment.query else { throw unexpected }
            return try latestResult(taskName: taskName, package: package, architecture: architecture, in: collection)
        case (_, KnownCategories.suite):
            guard let suiteFilter = try Self.suiteFilter(segment.query) else { throw unexpected }
            let items = try store.activeItems(inCollection: collection.id, matching: suiteFilter)
            if case .index = segment.query { return Self.mostRecentlyAdded(items) }
            return Self.highestVersion(items)
        case (_, KnownCategories.archive):
            guard let suiteFilter = try Self.suiteFilter(segment.query) else { throw unexpected }
            // `index:PATH` names the archive's own indexes (Debusine's `index:dists/SUITE/PATH` form cannot be
            // written in a string lookup, whose segments are split on `/`).
            if case .index = segment.query {
                return Self.mostRecentlyAdded(try store.activeItems(inCollection: collection.id, matching: suiteFilter))
            }
            return Self.highestVersion(try exportedSuites(of: collection).flatMap { suite in
                try store.activeItems(inCollection: suite.id, matching: suiteFilter)
            })
        default:
            throw unexpected
        }
    }

    /// The suites a `debian:archive` publishes: the `debian:suite` collections of its own workspace whose data does
    /// not say `"exported": false` (Debusine `db/models/collections.py` `CollectionQuerySet.exported_suites`, which
    /// `DebianArchiveManager.do_lookup` searches for packages, whichever suites the archive's items name).
    private func exportedSuites(of archive: CollectionRecord) throws -> [CollectionRecord] {
        try store.collections(category: KnownCategories.suite, workspaceID: archive.workspaceID)
            .filter { $0.data["exported"] != .bool(false) }
    }

    /// The most recently added run matching `query` (Debusine's `TaskHistoryManager.do_lookup`: active bare items of
    /// that task type and name whose subject and context, a missing one read as empty, equal the query's, and
    /// whose result fits the kind, `order_by("created_at").last()`).
    private func lastRun(_ query: TaskRunQuery, in collection: CollectionRecord) throws -> CollectionItemRecord? {
        let runs = try store.activeItems(
            inCollection: collection.id,
            matching: ItemFilter(
                childTypes: .only(.bare), data: [Self.equal("task_type", query.taskType), Self.equal("task_name", query.taskName)])
        )
        // Debusine's `Coalesce(KT("data__subject"), "")`: a missing or null value is empty, another its text.
        func text(_ value: JSONValue?) -> String {
            switch value {
            case nil, .null?: ""
            case let value?: value.postgresText
            }
        }
        return Self.mostRecentlyAdded(
            runs.filter { run in
                // Compared in SQL by Debusine: byte for byte, not by Swift's canonical equivalence.
                guard ByteText(text(run.data["subject"])) == ByteText(query.subject),
                    ByteText(text(run.data["context"])) == ByteText(query.context)
                else {
                    return false
                }
                let result = run.data["result"]?.stringValue
                switch query.kind {
                case .lastEntry: return true
                case .lastSuccess: return result == WorkRequestResult.success.rawValue
                case .lastFailure:
                    return TaskHistoryPruning.failureResults.contains { $0.rawValue == result }
                }
            })
    }

    /// The latest QA result of a task on a package and architecture (Debusine's `DebianQAResultsManager.do_lookup`:
    /// the active items whose `task_name`, `package` and `architecture` are those texts, `latest("data__timestamp",
    /// "created_at")`; Kiln breaks a remaining tie by the highest id).
    private func latestResult(taskName: String, package: String, architecture: String, in collection: CollectionRecord)
        throws -> CollectionItemRecord?
    {
        let results = try store.activeItems(
            inCollection: collection.id,
            matching: ItemFilter(
                data: [Self.equal("task_name", taskName), Self.equal("package", package), Self.equal("architecture", architecture)])
        )
        return results.max { lhs, rhs in
            let (left, right) = (lhs.data["timestamp"]?.intValue ?? .min, rhs.data["timestamp"]?.intValue ?? .min)
            return left != right ? left < right : (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
        }
    }

    /// The package with the highest Debian version (`data.version`, dpkg order) among `items`, as Debusine's
    /// `DebianSuiteManager.do_lookup` picks for `source:`, `source-version:`, `binary:` and
    /// `binary-version:` (`sorted(items, key=Version(item.data["version"]))[-1]`), so adding an older
    /// version after a newer one does not make the older one current. Versions dpkg considers equal fall back
    /// to the most recently added.
    static func highestVersion(_ items: [CollectionItemRecord]) -> CollectionItemRecord? {
        func version(_ item: CollectionItemRecord) -> DebianVersion {
            DebianVersion(item.data["version"]?.stringValue ?? "")
        }
        return items.max { lhs, rhs in
            let order = DebianVersion.compare(version(lhs), version(rhs))
            return order != 0 ? order < 0 : (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id)
        }
    }

    /// The `debian:suite` queries (Debusine `server/collections/debian_suite.py` `DebianSuiteManager.do_lookup`,
    /// on the per-item data its manager derives); `nil` for a query a suite does not understand.
    private static func suiteFilter(_ query: SegmentQuery) throws -> ItemFilter? {
        let source = KnownCategories.sourcePackage
        let binary = KnownCategories.binaryPackage
        switch query {
        case .source(let name):
            return ItemFilter(childTypes: .only(.artifact), category: source, data: [equal("package", name)])
        case .sourceVersion(let name, let version):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: source,
                data: [equal("package", name), equal("version", version)]
            )
        case .binary(let name, let architecture):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: binary,
                data: [equal("package", name), try servingArchitecture(architecture)]
            )
        case .binaryVersion(let name, let version, let architecture):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: binary,
                data: [equal("package", name), equal("version", version), try servingArchitecture(architecture)]
            )
        case .index(let path):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: KnownCategories.repositoryIndex,
                data: [equal("path", path)]
            )
        case .name, .match, .taskRun, .latest, .unrecognized:
            return nil
        }
    }

    /// The architecture condition of `binary:` and `binary-version:`: the architecture asked for, or
    /// `all`, since an `Architecture: all` binary serves every architecture (Debusine's
    /// `DebianSuiteManager.do_lookup` filters both queries with `architecture__in={ARCH, "all"}`).
    private static func servingArchitecture(_ architecture: String) throws -> ItemDataCondition {
        let architectures: [JSONValue] = architecture == "all" ? ["all"] : [.string(architecture), "all"]
        return ItemDataCondition(
            key: "architecture",
            test: .matcher(try ItemMatcher(kind: .in, value: .array(architectures), key: "architecture"))
        )
    }

    /// The `debian:environments` `match:` query: artifact items whose data match every known key; an
    /// empty `variant` means "no variant". As `DebianEnvironmentsManager.do_lookup`, a `format` other than
    /// `tarball`/`image` and keys it does not know filter nothing.
    private static func environmentFilter(_ filters: [EnvironmentMatchFilter]) -> ItemFilter {
        var filter = ItemFilter(childTypes: .only(.artifact))
        for match in filters {
            switch match.key {
            case "format":
                filter.category = EnvironmentFormat(rawValue: match.value)?.artifactCategory
            case "variant" where match.value.isEmpty:
                filter.data.append(ItemDataCondition(key: "variant", test: .absentOrNull))
            case "codename", "architecture", "variant", "backend":
                filter.data.append(
                    ItemDataCondition(key: match.key, test: .matcher(ItemMatcher(exactText: match.value)))
                )
            default:
                continue
            }
        }
        return filter
    }

    /// `data.KEY` equal to `value` as text: how Debusine's managers compare an item's data with a query's parts
    /// (`data__KEY=value`).
    private static func equal(_ key: String, _ value: String) -> ItemDataCondition {
        ItemDataCondition(key: key, test: .matcher(ItemMatcher(exactText: value)))
    }
}
