/// Which active items of a collection a lookup wants, as plain data.
///
/// Resolution never hands a store a closure: every condition is a value a SQL store can translate into a
/// `WHERE` clause (`child_type = …`, `name LIKE …`, `data->>'key' = …`), while the in-memory store
/// evaluates the same description with `matches(_:)`. All conditions are ANDed.
public struct ItemFilter: Hashable, Sendable {
    /// Which kinds of item qualify.
    public var childTypes: ItemChildTypeFilter
    /// The item category must equal this, when given.
    public var category: String?
    /// The item name must pass this, when given.
    public var name: ItemMatcher?
    /// Data conditions, each on one per-item data key.
    public var data: [ItemDataCondition]
    /// When given, the item must be a binary built from one of these source packages: its
    /// `srcpkg_name`/`srcpkg_version` data equal one pair (checked here and by a SQL store) and its artifact has a
    /// `built-using` relation to that source (checked by the resolver through
    /// `LookupStore.builtUsingTargets`); an empty list matches nothing.
    public var builtFrom: [SourcePackageIdentity]?

    /// Every criterion defaults to "any", so the empty filter lets every item through.
    public init(
        childTypes: ItemChildTypeFilter = .any,
        category: String? = nil,
        name: ItemMatcher? = nil,
        data: [ItemDataCondition] = [],
        builtFrom: [SourcePackageIdentity]? = nil
    ) {
        self.childTypes = childTypes
        self.category = category
        self.name = name
        self.data = data
        self.builtFrom = builtFrom
    }

    /// Whether `item` passes every condition (activity is the store's business, not the filter's).
    public func matches(_ item: CollectionItemRecord) -> Bool {
        guard childTypes.admits(item), category.map({ $0 == item.category }) ?? true,
            name?.matches(item.name) ?? true,
            data.allSatisfy({ $0.matches(item.data) })
        else { return false }
        guard let builtFrom else { return true }
        let sourceName = ItemMatcher.storedText(of: item.data["srcpkg_name"]).map(ByteText.init)
        let sourceVersion = ItemMatcher.storedText(of: item.data["srcpkg_version"]).map(ByteText.init)
        return builtFrom.contains { ByteText($0.name) == sourceName && ByteText($0.version) == sourceVersion }
    }
}

/// The child-type part of an item filter (dictionary lookups' `child_type`).
public enum ItemChildTypeFilter: Hashable, Sendable {
    /// Every item.
    case any
    /// Items of one child type.
    case only(CollectionChildType)
    /// Artifact items, plus bare items of category `debusine:promise`.
    case artifactOrPromise

    /// The filter a dictionary lookup's `child_type` stands for.
    public init(_ childType: LookupExpectType) {
        switch childType {
        case .any: self = .any
        case .bare: self = .only(.bare)
        case .artifact: self = .only(.artifact)
        case .collection: self = .only(.collection)
        case .artifactOrPromise: self = .artifactOrPromise
        }
    }

    /// Whether `item` is of an admitted kind.
    public func admits(_ item: CollectionItemRecord) -> Bool {
        switch self {
        case .any: true
        case .only(let type): item.childType == type
        case .artifactOrPromise:
            item.childType == .artifact || (item.childType == .bare && item.category == KnownCategories.promise)
        }
    }
}

/// A condition on one per-item data field.
public struct ItemDataCondition: Hashable, Sendable {
    /// The data key (top-level; Debusine's `data__KEY` has no nested path).
    public var key: String
    /// What the field must satisfy.
    public var test: ItemDataTest

    /// Memberwise.
    public init(key: String, test: ItemDataTest) {
        self.key = key
        self.test = test
    }

    /// Whether `data` satisfies the condition.
    public func matches(_ data: [String: JSONValue]) -> Bool {
        let text = ItemMatcher.storedText(of: data[key])
        switch test {
        case .matcher(let matcher): return matcher.matches(text)
        case .absentOrNull: return text == nil
        }
    }
}

/// What a data field must satisfy.
public enum ItemDataTest: Hashable, Sendable {
    /// Its text passes the matcher (an absent or null field never does).
    case matcher(ItemMatcher)
    /// It is absent or JSON null (an environment lookup's `variant=` means "no variant").
    case absentOrNull
}

/// A source package artifact by id, name and version, as binaries built from it record it: a `built-using`
/// relation to the id, and `srcpkg_name`/`srcpkg_version` data.
public struct SourcePackageIdentity: Hashable, Sendable {
    /// The source package artifact.
    public var artifactID: Int
    /// Source package name.
    public var name: String
    /// Source package version.
    public var version: String

    /// Memberwise.
    public init(artifactID: Int, name: String, version: String) {
        self.artifactID = artifactID
        self.name = name
        self.version = version
    }

    /// Whether `item` is a binary built from this source, given its artifact's `built-using` targets (Debusine
    /// `DebianSuiteManager.do_lookup_filter`: a `debian:binary-package` artifact item with
    /// `artifact__relations__type=BUILT_USING` to this artifact and the item's `srcpkg_name`/`srcpkg_version` equal
    /// to the source's name and version; a binary that merely declares the source in `Built-Using` has another
    /// source name).
    public func built(_ item: CollectionItemRecord, builtUsing targets: Set<Int>) -> Bool {
        item.childType == .artifact && item.category == KnownCategories.binaryPackage && targets.contains(artifactID)
            && ItemMatcher.storedText(of: item.data["srcpkg_name"]).map(ByteText.init) == ByteText(name)
            && ItemMatcher.storedText(of: item.data["srcpkg_version"]).map(ByteText.init) == ByteText(version)
    }
}
