extension LookupResolver {
    /// Answers one later segment inside `collection`, with the handlers its category has (Debusine's collection
    /// managers' `do_lookup`). Every category understands `name:`; `debian:suite` and `debian:environments` add their
    /// own queries.
    ///
    /// - Returns: the item, or `nil` when nothing active matches.
    /// - Throws: `LookupFailure.invalid` (`Unexpected lookup format: "…"`) for a query the category does
    ///   not understand.
    func findItem(_ query: SegmentQuery, in collection: CollectionRecord) throws -> CollectionItemRecord? {
        let filter: ItemFilter
        switch (query, collection.category) {
        case (.name(let name), _):
            filter = ItemFilter(name: ItemMatcher(exactText: name))
        case (.match(let filters), LookupCategories.environments):
            filter = Self.environmentFilter(filters)
        case (_, LookupCategories.suite):
            guard let suiteFilter = try Self.suiteFilter(query) else { throw Self.unexpected(query) }
            filter = suiteFilter
        default:
            throw Self.unexpected(query)
        }
        return Self.mostRecentlyAdded(try store.activeItems(inCollection: collection.id, matching: filter))
    }

    private static func unexpected(_ query: SegmentQuery) -> LookupFailure {
        .invalid("Unexpected lookup format: \"\(query.text)\"")
    }

    /// The `debian:suite` queries (Debusine `server/collections/debian_suite.py` `DebianSuiteManager.do_lookup`).
    /// "Current" is the most recently added active match, as the brief specifies ([0.12] picked the highest Debian
    /// version instead; with one active version per name, the usual case, both agree).
    private static func suiteFilter(_ query: SegmentQuery) throws -> ItemFilter? {
        func equal(_ key: String, _ value: String) -> ItemDataCondition {
            ItemDataCondition(key: key, test: .matcher(ItemMatcher(exactText: value)))
        }
        let source = LookupCategories.sourcePackage
        let binary = LookupCategories.binaryPackage
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
            // An `Architecture: all` binary serves every concrete architecture.
            let architectures: [JSONValue] = architecture == "all" ? ["all"] : [.string(architecture), "all"]
            return ItemFilter(
                childTypes: .only(.artifact),
                category: binary,
                data: [
                    equal("package", name),
                    ItemDataCondition(
                        key: "architecture",
                        test: .matcher(try ItemMatcher(kind: .in, value: .array(architectures), key: "architecture"))
                    ),
                ]
            )
        case .binaryVersion(let name, let version, let architecture):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: binary,
                data: [equal("package", name), equal("version", version), equal("architecture", architecture)]
            )
        case .index(let path):
            return ItemFilter(
                childTypes: .only(.artifact),
                category: LookupCategories.repositoryIndex,
                data: [equal("path", path)]
            )
        case .name, .match:
            return nil
        }
    }

    /// The `debian:environments` `match:` query: artifact items whose data match every given key; an
    /// empty `variant` means "no variant".
    private static func environmentFilter(_ filters: [EnvironmentMatchFilter]) -> ItemFilter {
        var filter = ItemFilter(childTypes: .only(.artifact))
        for match in filters {
            switch match.key {
            case "format":
                // The parser admits only known formats.
                filter.category = EnvironmentFormat(rawValue: match.value)?.artifactCategory
            case "variant" where match.value.isEmpty:
                filter.data.append(ItemDataCondition(key: "variant", test: .absentOrNull))
            default:
                filter.data.append(
                    ItemDataCondition(key: match.key, test: .matcher(ItemMatcher(exactText: match.value)))
                )
            }
        }
        return filter
    }
}
