import Foundation

/// A workspace: where work requests run, artifacts live and collections are found (Debusine `db/models/workspaces.py`
/// `Workspace`).
///
/// Lookups search the workspace itself first, then `inheritsFrom` in order (recursively, each workspace
/// visited once), skipping workspaces the looking-up user may not display.
public struct WorkspaceRecord: Hashable, Sendable, Codable {
    /// Primary key.
    public var id: Int
    /// The scope (the top-level namespace, e.g. `debian`) the workspace belongs to.
    public var scope: String
    /// The workspace name, unique within its scope.
    public var name: String
    /// Public workspaces are visible to everyone, including anonymous users.
    public var isPublic: Bool
    /// The workspaces this one inherits collections from, in search order.
    public var inheritsFrom: [Int]
    /// The user names that may display this workspace when it is private.
    public var members: Set<String>

    /// Defaults describe a plain public workspace that inherits nothing.
    public init(
        id: Int, scope: String, name: String, isPublic: Bool = true, inheritsFrom: [Int] = [],
        members: Set<String> = []
    ) {
        self.id = id
        self.scope = scope
        self.name = name
        self.isPublic = isPublic
        self.inheritsFrom = inheritsFrom
        self.members = members
    }

    /// Whether `user` (nil = anonymous) may display this workspace and so see what it holds.
    public func isVisible(to user: String?) -> Bool {
        if isPublic { return true }
        guard let user else { return false }
        return members.contains(user)
    }
}

/// An artifact: a typed bundle of data (and, in Debusine, files) produced or uploaded into a workspace.
public struct ArtifactRecord: Hashable, Sendable, Codable {
    /// Primary key; `NNN@artifacts` lookups name it.
    public var id: Int
    /// The artifact category, e.g. `debian:source-package`.
    public var category: String
    /// The workspace that holds it; visibility follows that workspace.
    public var workspaceID: Int
    /// Category-specific data (for a source package: `name`, `version`, `type`, `dsc_fields`).
    public var data: [String: JSONValue]
    /// The work request that created it, if any; a running work request that produced an artifact is no
    /// longer "reassignable" on worker reconnect (Debusine `WorkRequestQuerySet.reassignable`).
    public var createdByWorkRequestID: Int?

    /// Defaults describe an uploaded artifact with no data, created by no work request.
    public init(
        id: Int, category: String, workspaceID: Int, data: [String: JSONValue] = [:],
        createdByWorkRequestID: Int? = nil
    ) {
        self.id = id
        self.category = category
        self.workspaceID = workspaceID
        self.data = data
        self.createdByWorkRequestID = createdByWorkRequestID
    }
}

/// A collection: a named, categorised set of items in a workspace (a suite, an environment list, a
/// task-configuration set, a workflow's internal collection).
public struct CollectionRecord: Hashable, Sendable, Codable {
    /// Primary key; `NNN@collections` lookups name it.
    public var id: Int
    /// Name, unique per (category, workspace); `_` for singleton collections.
    public var name: String
    /// The collection category, e.g. `debian:suite`.
    public var category: String
    /// The workspace that holds it.
    public var workspaceID: Int
    /// Collection-level data (for `debusine:task-configuration`: `git_commit`).
    public var data: [String: JSONValue]

    /// Memberwise; collection-level data defaults to none.
    public init(id: Int, name: String, category: String, workspaceID: Int, data: [String: JSONValue] = [:]) {
        self.id = id
        self.name = name
        self.category = category
        self.workspaceID = workspaceID
        self.data = data
    }
}

/// What a collection item holds (Debusine `db/models/collections.py` `CollectionItem.Types`).
public enum CollectionChildType: String, CaseIterable, Hashable, Sendable, Codable {
    /// Data only, no artifact or collection behind it (task-configuration entries, promises).
    case bare
    /// An artifact.
    case artifact
    /// Another collection.
    case collection
}

/// One item of a collection. Only active items (`removedAt == nil`) take part in lookups, and a collection
/// has at most one active item per name.
public struct CollectionItemRecord: Hashable, Sendable, Codable {
    /// Primary key; results of multiple lookups are ordered by it, and the most recently added match wins
    /// for `debian:environments` `match:` lookups.
    public var id: Int
    /// The collection this item belongs to.
    public var parentCollectionID: Int
    /// Item name (for `debian:suite`: `NAME_VERSION` or `NAME_VERSION_ARCH`).
    public var name: String
    /// What the item holds.
    public var childType: CollectionChildType
    /// The child's category (artifact or collection category), or the bare-data category.
    public var category: String
    /// Per-item data (for `debian:suite`: `package`, `version`, `architecture`, `srcpkg_name`, …).
    public var data: [String: JSONValue]
    /// The artifact, for artifact items.
    public var artifactID: Int?
    /// The collection, for collection items.
    public var collectionID: Int?
    /// When the item was added.
    public var createdAt: Date
    /// When the item was removed; `nil` while active.
    public var removedAt: Date?
    /// When a newer version of the same package was added to the `debian:suite` (Debusine's `superseded_at`);
    /// a superseded item stays active and is still found by lookups.
    public var supersededAt: Date?

    /// Defaults describe an active item holding no data; the epoch creation time suits fixtures that do not
    /// care about time.
    public init(
        id: Int, parentCollectionID: Int, name: String, childType: CollectionChildType, category: String,
        data: [String: JSONValue] = [:], artifactID: Int? = nil, collectionID: Int? = nil,
        createdAt: Date = Date(timeIntervalSince1970: 0), removedAt: Date? = nil, supersededAt: Date? = nil
    ) {
        self.id = id
        self.parentCollectionID = parentCollectionID
        self.name = name
        self.childType = childType
        self.category = category
        self.data = data
        self.artifactID = artifactID
        self.collectionID = collectionID
        self.createdAt = createdAt
        self.removedAt = removedAt
        self.supersededAt = supersededAt
    }

    /// Whether the item takes part in lookups.
    public var isActive: Bool { removedAt == nil }
}
