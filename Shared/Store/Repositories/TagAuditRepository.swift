import Foundation
import KilnCore

/// Whose tags an audit event is about (`tag_audit_events.subject_kind`).
public enum TagAuditSubject: Hashable, Sendable {
    case workRequest(Int)
    case worker(Int)

    var kind: String {
        switch self {
        case .workRequest: "wr"
        case .worker: "worker"
        }
    }

    var id: Int {
        switch self {
        case .workRequest(let id), .worker(let id): id
        }
    }
}

/// What happened to a tag (`tag_audit_events.action`).
public enum TagAuditAction: String, CaseIterable, Hashable, Sendable, Codable {
    /// Proposed directly and kept.
    case added
    /// Refused by a provenance restriction.
    case dropped
    /// Kept, proposed by a derivation rule.
    case derived
}

/// Which of the subject's two sets a tag belongs to (`tag_audit_events.set_kind`); the subject kind says
/// whether that is the worker's or the task's set.
public enum TagAuditSetKind: String, CaseIterable, Hashable, Sendable, Codable {
    case provided, required
}

/// One stored audit event: why a tag is (or is not) in a work request's or worker's set.
public struct TagAuditRecord: Hashable, Sendable, Codable {
    public var id: Int
    public var tag: String
    public var setKind: TagAuditSetKind
    public var provenance: String
    public var action: TagAuditAction
    /// The configuration entry, derivation rule or restriction responsible, if any.
    public var rule: String?
    public var at: Date

    public init(
        id: Int,
        tag: String,
        setKind: TagAuditSetKind,
        provenance: String,
        action: TagAuditAction,
        rule: String?,
        at: Date
    ) {
        self.id = id
        self.tag = tag
        self.setKind = setKind
        self.provenance = provenance
        self.action = action
        self.rule = rule
        self.at = at
    }
}

/// The tag audit trail: the tag-computer writes one event per decision, `kiln show` reads them back so an
/// operator can see where each scheduling tag came from and which were refused.
public enum TagAuditRepository {
    /// Writes the audit entries of one computed tag set.
    ///
    /// - Parameters:
    ///   - rule: recorded for kept tags that name no derivation rule (e.g. the configuration entry that
    ///     contributed them); a dropped tag records its drop reason, a derived tag its rule.
    public static func record(
        _ entries: [TagAuditEntry],
        subject: TagAuditSubject,
        setKind: TagAuditSetKind,
        rule: String? = nil,
        on conn: PGConnection
    ) async throws {
        try await insert(entries.map { ($0, setKind) }, subject: subject, rule: rule, on: conn)
    }

    /// Writes both sets' audit entries, in one statement.
    public static func record(_ sets: ComputedTagSets, subject: TagAuditSubject, on conn: PGConnection) async throws {
        try await insert(
            sets.provided.audit.map { ($0, .provided) } + sets.required.audit.map { ($0, .required) },
            subject: subject, rule: nil, on: conn)
    }

    /// One `INSERT … SELECT unnest(…)` for all `entries`: every work request the tag-computer configures
    /// and every worker it tags writes several entries, and one round trip each was the largest share of
    /// the pending transition's statements.
    private static func insert(
        _ entries: [(entry: TagAuditEntry, setKind: TagAuditSetKind)], subject: TagAuditSubject, rule: String?,
        on conn: PGConnection
    ) async throws {
        guard !entries.isEmpty else { return }
        var tags: [String] = []
        var setKinds: [String] = []
        var provenances: [String] = []
        var actions: [String] = []
        var rules: [String] = []
        var hasRule: [String] = []  // "t"/"f": a NULL rule stays NULL, an empty one stays empty
        for (entry, setKind) in entries {
            let action: TagAuditAction
            let entryRule: String?
            switch entry.outcome {
            case .dropped(let reason):
                action = .dropped
                entryRule = entry.derivedBy.map { "derived by \($0): \(reason)" } ?? reason.description
            case .added:
                action = entry.derivedBy == nil ? .added : .derived
                entryRule = entry.derivedBy ?? rule
            }
            tags.append(entry.tag)
            setKinds.append(setKind.rawValue)
            provenances.append(entry.provenance.rawValue)
            actions.append(action.rawValue)
            rules.append(entryRule ?? "")
            hasRule.append(entryRule == nil ? "f" : "t")
        }
        try await conn.execute(
            """
            INSERT INTO tag_audit_events (subject_kind, subject_id, tag, set_kind, provenance, action, rule)
            SELECT $1, $2, t, k, p, a, CASE WHEN h::boolean THEN r END
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                 WITH ORDINALITY AS e(t, k, p, a, r, h, n)
            ORDER BY n
            """,
            subject.kind, subject.id, tags, setKinds, provenances, actions, rules, hasRule)
    }

    /// Every audit event of `subject`, oldest first.
    public static func events(for subject: TagAuditSubject, on conn: PGConnection) async throws -> [TagAuditRecord] {
        try await conn.query(
            """
            SELECT id, tag, set_kind, provenance, action, rule, at FROM tag_audit_events
            WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id
            """,
            subject.kind,
            subject.id
        ).rows.map { row in
            let setText = try row.decode(String.self, at: 2)
            let actionText = try row.decode(String.self, at: 4)
            guard let setKind = TagAuditSetKind(rawValue: setText), let action = TagAuditAction(rawValue: actionText)
            else {
                throw RepositoryError.invalid("tag audit event has set_kind '\(setText)', action '\(actionText)'")
            }
            return TagAuditRecord(
                id: try row.decode(Int.self, at: 0),
                tag: try row.decode(String.self, at: 1),
                setKind: setKind,
                provenance: try row.decode(String.self, at: 3),
                action: action,
                rule: try row.decode(String?.self, at: 5),
                at: try row.decode(Date.self, at: 6)
            )
        }
    }
}
