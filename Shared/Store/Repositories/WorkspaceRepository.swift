import Foundation
import KilnCore

/// A user as the store knows them: creators, members, who aborted what.
public struct UserRecord: Hashable, Sendable, Codable {
    /// Primary key.
    public var id: Int
    /// The login name, unique.
    public var username: String
    /// Inactive users keep their history but may not act.
    public var isActive: Bool

    public init(id: Int, username: String, isActive: Bool = true) {
        self.id = id
        self.username = username
        self.isActive = isActive
    }
}

/// What a workspace member may do there (`workspace_members.role`).
public enum WorkspaceRole: String, CaseIterable, Hashable, Sendable, Codable {
    case owner, contributor, viewer
}

/// A group of users in a scope, optionally narrowed to one workspace; the source of `task:group:` tags.
public struct GroupRecord: Hashable, Sendable, Codable {
    public var id: Int
    public var scope: String
    /// `nil` for a scope-level group.
    public var workspaceID: Int?
    public var name: String

    public init(id: Int, scope: String, workspaceID: Int?, name: String) {
        self.id = id
        self.scope = scope
        self.workspaceID = workspaceID
        self.name = name
    }
}

/// `SCOPE/NAME`, the way people name a workspace on the command line and in files.
public struct WorkspacePath: Hashable, Sendable, CustomStringConvertible {
    public var scope: String
    public var name: String

    public init(scope: String, name: String) {
        self.scope = scope
        self.name = name
    }

    /// Parses `SCOPE/NAME`.
    ///
    /// - Throws: `RepositoryError.invalid` naming the text when it is not two non-empty parts.
    public init(parsing text: String) throws(RepositoryError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalid("workspace '\(text)' must be written SCOPE/NAME, e.g. debian/developers")
        }
        self.init(scope: String(parts[0]), name: String(parts[1]))
    }

    public var description: String { "\(scope)/\(name)" }
}

/// Scopes, workspaces (with their ordered inheritance chain), users, groups and members.
///
/// Every function runs on the caller's connection, so several calls can share one transaction (the CLI
/// creates a workspace, its members and its chain atomically).
public enum WorkspaceRepository {
    /// The columns `workspace(from:)` decodes; the inheritance chain and members come as arrays.
    static let workspaceSelect = """
        SELECT w.id, s.name AS scope, w.name, w.is_public,
               ARRAY(SELECT h.inherits_from_id FROM workspace_inheritance h
                     WHERE h.workspace_id = w.id ORDER BY h.position) AS inherits_from,
               ARRAY(SELECT u.username FROM workspace_members m JOIN users u ON u.id = m.user_id
                     WHERE m.workspace_id = w.id ORDER BY u.username) AS members
        FROM workspaces w JOIN scopes s ON s.id = w.scope_id
        """

    // MARK: scopes

    /// The id of scope `name`, creating it when missing.
    ///
    /// - Throws: `PGError` with constraint `scopes_name_check` for a name that is not a slug.
    public static func findOrCreateScope(_ name: String, on conn: PGConnection) async throws -> Int {
        let row = try await conn.query(
            """
            WITH inserted AS (INSERT INTO scopes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM inserted UNION ALL SELECT id FROM scopes WHERE name = $1 LIMIT 1
            """,
            name
        ).first
        guard let row else { throw RepositoryError.notFound(kind: "scope", key: name) }
        return try row.decode(Int.self, at: 0)
    }

    /// The id of scope `name`, if it exists.
    public static func scopeID(_ name: String, on conn: PGConnection) async throws -> Int? {
        try await conn.query("SELECT id FROM scopes WHERE name = $1", name).first?.decode(Int.self, at: 0)
    }

    // MARK: users

    /// The user `username`, creating an active user when missing.
    public static func findOrCreateUser(_ username: String, on conn: PGConnection) async throws -> UserRecord {
        guard !username.isEmpty, !username.contains(where: \.isWhitespace) else {
            throw RepositoryError.invalid("user name '\(username)' must be non-empty and without spaces")
        }
        let row = try await conn.query(
            """
            WITH inserted AS (INSERT INTO users (username) VALUES ($1) ON CONFLICT (username) DO NOTHING
                              RETURNING id, username, is_active)
            SELECT id, username, is_active FROM inserted
            UNION ALL SELECT id, username, is_active FROM users WHERE username = $1 LIMIT 1
            """,
            username
        ).first
        guard let row else { throw RepositoryError.notFound(kind: "user", key: username) }
        return try user(from: row)
    }

    /// The user `username`, if known.
    public static func user(_ username: String, on conn: PGConnection) async throws -> UserRecord? {
        try await conn.query("SELECT id, username, is_active FROM users WHERE username = $1", username).first
            .map(user(from:))
    }

    /// The user with primary key `id`, if known.
    public static func user(id: Int, on conn: PGConnection) async throws -> UserRecord? {
        try await conn.query("SELECT id, username, is_active FROM users WHERE id = $1", id).first.map(user(from:))
    }

    // MARK: workspaces

    /// Creates workspace `path` (and its scope when missing), its inheritance chain in the given order and
    /// its members (users created when missing). Its artifacts expire `defaultExpirationDays` after they are
    /// created unless they say otherwise (`default_expiration_delay`; nil or 0: never).
    ///
    /// - Throws: `RepositoryError.alreadyExists` when the workspace exists; `.notFound` for a parent that
    ///   does not exist; `.invalid` for a workspace inheriting from itself or twice from one parent.
    public static func create(
        _ path: WorkspacePath,
        isPublic: Bool = true,
        inheritsFrom parents: [WorkspacePath] = [],
        members: [(username: String, role: WorkspaceRole)] = [],
        defaultExpirationDays: Int? = nil,
        on conn: PGConnection
    ) async throws -> WorkspaceRecord {
        guard !path.name.contains("/") else {
            throw RepositoryError.invalid("workspace name '\(path.name)' must not contain '/'")
        }
        let scopeID = try await findOrCreateScope(path.scope, on: conn)
        let inserted = try await conn.query(
            """
            INSERT INTO workspaces (scope_id, name, is_public, default_expiration_delay)
            VALUES ($1, $2, $3, make_interval(days => $4::int))
            ON CONFLICT ON CONSTRAINT workspaces_scope_name_key DO NOTHING RETURNING id
            """,
            scopeID,
            path.name,
            isPublic,
            defaultExpirationDays
        ).first
        guard let id = try inserted?.decode(Int.self, at: 0) else {
            throw RepositoryError.alreadyExists(kind: "workspace", key: path.description)
        }
        var parentIDs: [Int] = []
        for parent in parents {
            guard let parentRecord = try await find(parent, on: conn) else {
                throw RepositoryError.notFound(kind: "workspace", key: parent.description)
            }
            guard parentRecord.id != id else {
                throw RepositoryError.invalid("workspace \(path) cannot inherit from itself")
            }
            guard !parentIDs.contains(parentRecord.id) else {
                throw RepositoryError.invalid("workspace \(path) inherits from \(parent) twice")
            }
            parentIDs.append(parentRecord.id)
        }
        try await setInheritance(workspaceID: id, parents: parentIDs, on: conn)
        for member in members {
            try await addMember(workspaceID: id, username: member.username, role: member.role, on: conn)
        }
        guard let record = try await find(id: id, on: conn) else {
            throw RepositoryError.notFound(kind: "workspace", key: path.description)
        }
        return record
    }

    /// Replaces the inheritance chain of a workspace: lookups search `parents` in this order.
    public static func setInheritance(workspaceID: Int, parents: [Int], on conn: PGConnection) async throws {
        try await conn.execute("DELETE FROM workspace_inheritance WHERE workspace_id = $1", workspaceID)
        for (position, parent) in parents.enumerated() {
            try await conn.execute(
                "INSERT INTO workspace_inheritance (workspace_id, position, inherits_from_id) VALUES ($1, $2, $3)",
                workspaceID,
                position,
                parent
            )
        }
    }

    /// Makes `username` (created when missing) a member of the workspace with `role` (updating the role
    /// of an existing member).
    public static func addMember(
        workspaceID: Int,
        username: String,
        role: WorkspaceRole,
        on conn: PGConnection
    ) async throws {
        let user = try await findOrCreateUser(username, on: conn)
        try await conn.execute(
            """
            INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role
            """,
            workspaceID,
            user.id,
            role.rawValue
        )
    }

    /// The workspace `path`, if it exists.
    public static func find(_ path: WorkspacePath, on conn: PGConnection) async throws -> WorkspaceRecord? {
        try await conn.query(workspaceSelect + " WHERE s.name = $1 AND w.name = $2", path.scope, path.name).first
            .map(workspace(from:))
    }

    /// The workspace `path`, or `RepositoryError.notFound` naming it.
    public static func require(_ path: WorkspacePath, on conn: PGConnection) async throws -> WorkspaceRecord {
        guard let record = try await find(path, on: conn) else {
            throw RepositoryError.notFound(kind: "workspace", key: path.description)
        }
        return record
    }

    /// The workspace with primary key `id`, if it exists.
    public static func find(id: Int, on conn: PGConnection) async throws -> WorkspaceRecord? {
        try await conn.query(workspaceSelect + " WHERE w.id = $1", id).first.map(workspace(from:))
    }

    /// Every workspace, by scope then name.
    public static func list(on conn: PGConnection) async throws -> [WorkspaceRecord] {
        try await conn.query(workspaceSelect + " ORDER BY s.name, w.name").rows.map(workspace(from:))
    }

    // MARK: groups

    /// Creates a group in `scope` (created when missing), narrowed to `workspaceID` when given.
    ///
    /// - Throws: `RepositoryError.alreadyExists` when the group exists.
    public static func createGroup(
        scope: String,
        workspaceID: Int? = nil,
        name: String,
        on conn: PGConnection
    ) async throws -> GroupRecord {
        let scopeID = try await findOrCreateScope(scope, on: conn)
        let row = try await conn.query(
            """
            INSERT INTO groups (scope_id, workspace_id, name) VALUES ($1, $2, $3)
            ON CONFLICT ON CONSTRAINT groups_scope_workspace_name_key DO NOTHING RETURNING id
            """,
            scopeID,
            workspaceID,
            name
        ).first
        guard let id = try row?.decode(Int.self, at: 0) else {
            throw RepositoryError.alreadyExists(kind: "group", key: "\(scope)/\(name)")
        }
        return GroupRecord(id: id, scope: scope, workspaceID: workspaceID, name: name)
    }

    /// The group `name` of `scope` (and `workspaceID`, `nil` for the scope-level group), if it exists.
    public static func findGroup(
        scope: String,
        workspaceID: Int? = nil,
        name: String,
        on conn: PGConnection
    ) async throws -> GroupRecord? {
        try await conn.query(
            """
            SELECT g.id, s.name, g.workspace_id, g.name FROM groups g JOIN scopes s ON s.id = g.scope_id
            WHERE s.name = $1 AND g.workspace_id IS NOT DISTINCT FROM $2 AND g.name = $3
            """,
            scope,
            workspaceID,
            name
        ).first.map(group(from:))
    }

    /// Adds `username` (created when missing) to a group; adding twice is harmless.
    public static func addGroupMember(groupID: Int, username: String, on conn: PGConnection) async throws {
        let user = try await findOrCreateUser(username, on: conn)
        try await conn.execute(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            groupID,
            user.id
        )
    }

    /// The groups `username` belongs to, by scope then name.
    public static func groups(ofUser username: String, on conn: PGConnection) async throws -> [GroupRecord] {
        try await conn.query(
            """
            SELECT g.id, s.name, g.workspace_id, g.name
            FROM group_members gm JOIN users u ON u.id = gm.user_id JOIN groups g ON g.id = gm.group_id
                 JOIN scopes s ON s.id = g.scope_id
            WHERE u.username = $1 ORDER BY s.name, g.name
            """,
            username
        ).rows.map(group(from:))
    }

    // MARK: decoding

    static func workspace(from row: PGRow) throws -> WorkspaceRecord {
        WorkspaceRecord(
            id: try row.decode(Int.self, at: 0),
            scope: try row.decode(String.self, at: 1),
            name: try row.decode(String.self, at: 2),
            isPublic: try row.decode(Bool.self, at: 3),
            inheritsFrom: try row.decode([Int].self, at: 4),
            members: Set(try row.decode([String].self, at: 5))
        )
    }

    static func user(from row: PGRow) throws -> UserRecord {
        UserRecord(
            id: try row.decode(Int.self, at: 0),
            username: try row.decode(String.self, at: 1),
            isActive: try row.decode(Bool.self, at: 2)
        )
    }

    static func group(from row: PGRow) throws -> GroupRecord {
        GroupRecord(
            id: try row.decode(Int.self, at: 0),
            scope: try row.decode(String.self, at: 1),
            workspaceID: try row.decode(Int?.self, at: 2),
            name: try row.decode(String.self, at: 3)
        )
    }
}
