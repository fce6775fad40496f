/// One line of a restrictions table: tags matching `pattern` survive only when added by a provenance in
/// `allowed` (Debusine `utils/tag_utils.py` `ProvenanceRestrictions`).
///
/// Rules are data, not code, so that `kiln explain` and the tag audit can say exactly which rule dropped a
/// tag and what it would have taken to keep it.
public struct TagRestrictionRule: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What a rule applies to.
    public enum Pattern: Hashable, Sendable, Codable {
        /// Exactly this tag.
        case exact(String)
        /// Every tag starting with this prefix (an ontology such as `worker:class:`).
        case prefix(String)
    }

    /// The tags the rule guards.
    public let pattern: Pattern
    /// The provenances that may add those tags.
    public let allowed: Set<TagProvenance>

    /// Memberwise; `prefix(_:allowed:)` and `exact(_:allowed:)` read better at call sites.
    public init(_ pattern: Pattern, allowed: Set<TagProvenance>) {
        self.pattern = pattern
        self.allowed = allowed
    }

    /// A prefix rule (`worker:class:` ← admin).
    public static func prefix(_ prefix: String, allowed: Set<TagProvenance>) -> TagRestrictionRule {
        TagRestrictionRule(.prefix(prefix), allowed: allowed)
    }

    /// An exact-tag rule.
    public static func exact(_ tag: String, allowed: Set<TagProvenance>) -> TagRestrictionRule {
        TagRestrictionRule(.exact(tag), allowed: allowed)
    }

    /// `true` when the rule guards `tag`.
    public func applies(to tag: String) -> Bool {
        switch pattern {
        case .exact(let exact): tag == exact
        case .prefix(let prefix): tag.hasPrefix(prefix)
        }
    }

    public var description: String {
        let who = allowed.sorted().map(\.rawValue).joined(separator: ", ")
        let allowList = who.isEmpty ? "no provenance" : who
        return switch pattern {
        case .exact(let tag): "exact rule '\(tag)' allows only \(allowList)"
        case .prefix(let prefix): "prefix rule '\(prefix)*' allows only \(allowList)"
        }
    }
}

/// Why a proposed tag did not enter a set.
public enum TagDropReason: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The set takes nothing from that provenance at all (e.g. a worker's own `required_tags`).
    case provenanceNotAccepted(set: String, accepted: [TagProvenance])
    /// A restriction rule guards the tag and the provenance is not on its allow-list.
    case restricted(TagRestrictionRule)

    public var description: String {
        switch self {
        case .provenanceNotAccepted(let set, let accepted):
            "the \(set) set accepts only \(accepted.map(\.rawValue).joined(separator: ", "))"
        case .restricted(let rule): rule.description
        }
    }
}

/// The restrictions table of one tag set (Debusine `worker/tags.py`, `tasks/tags.py` `restrictions_when_provided`,
/// `restrictions_when_required`): which provenances the set accepts at all, and which tags only some of them may add.
///
/// Security model: widening where code runs means adding provided tags or removing required ones; removing
/// is impossible, so only the provided sets carry rules. One static table per set kind, below.
public struct ProvenanceRestrictions: Hashable, Sendable {
    /// A short name used in audit messages ("worker-provided").
    public let name: String
    /// Provenances whose tags the set takes at all; anything else is dropped and audited.
    public let acceptedProvenances: Set<TagProvenance>
    /// The rules, checked in order; the first one that refuses a tag is the one reported.
    public let rules: [TagRestrictionRule]

    /// Memberwise; the built-in tables are the `TagSetKind` ones (Debusine `server/tags.py` `make_task_provided_tagset`
    /// and the three others).
    public init(name: String, acceptedProvenances: Set<TagProvenance>, rules: [TagRestrictionRule]) {
        self.name = name
        self.acceptedProvenances = acceptedProvenances
        self.rules = rules
    }

    /// Why `provenance` may not add `tag`, or `nil` when it may.
    ///
    /// As Debusine's `ProvenanceRestrictions.filter_set`: a tag survives iff every exact rule for it and every prefix
    /// rule it starts with lists the provenance.
    public func rejection(of tag: String, from provenance: TagProvenance) -> TagDropReason? {
        guard acceptedProvenances.contains(provenance) else {
            return .provenanceNotAccepted(set: name, accepted: acceptedProvenances.sorted())
        }
        if let rule = rules.first(where: { $0.applies(to: tag) && !$0.allowed.contains(provenance) }) {
            return .restricted(rule)
        }
        return nil
    }

    /// Worker-provided (WP): the worker's dynamic metadata, the admin's static metadata and the server's
    /// facts; a worker cannot claim an admin class, and only the server names the worker type.
    public static let workerProvided = ProvenanceRestrictions(
        name: TagSetKind.workerProvided.rawValue,
        acceptedProvenances: [.worker, .admin, .system],
        rules: [
            .prefix(TagOntology.workerClassPrefix, allowed: [.admin]),
            .prefix(TagOntology.workerTypePrefix, allowed: [.system]),
        ])

    /// Worker-required (WR): static metadata only. A worker's own dynamic `required_tags` are ignored
    /// (Debusine 0.16 `server/scheduler.py` `get_required_task_tags`; its `tasks/tags.py` `ProvenanceRequired.ADMIN`
    /// member even has the string value "system").
    public static let workerRequired = ProvenanceRestrictions(
        name: TagSetKind.workerRequired.rawValue, acceptedProvenances: [.admin], rules: [])

    /// Task-provided (TP): facts about the work request are system-only, so neither task data nor a
    /// workspace's configuration can forge a scope, workspace, group or source package.
    public static let taskProvided = ProvenanceRestrictions(
        name: TagSetKind.taskProvided.rawValue,
        acceptedProvenances: [.user, .system, .workspace],
        rules: [
            .prefix(TagOntology.taskGroupPrefix, allowed: [.system]),
            .prefix(TagOntology.taskScopePrefix, allowed: [.system]),
            .prefix(TagOntology.taskWorkspacePrefix, allowed: [.system]),
            .prefix(TagOntology.taskSourcePackagePrefix, allowed: [.system]),
        ])

    /// Task-required (TR): adding required tags only narrows where a task runs, so no rules. Debusine 0.16 code
    /// has only the `system` and `workspace` provenances here (the docs also list `user`); we follow the code.
    public static let taskRequired = ProvenanceRestrictions(
        name: TagSetKind.taskRequired.rawValue, acceptedProvenances: [.system, .workspace], rules: [])
}
