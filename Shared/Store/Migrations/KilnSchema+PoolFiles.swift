extension KilnSchema {
    /// Version 15: a suite's packages claim their pool files, and a newer version supersedes the older ones
    /// (issue 11; Debusine's `CollectionItemMatchConstraint` and `CollectionItem.superseded_at`,
    /// `db/models/collections.py`).
    ///
    /// - `collection_item_match_constraints`: every row with the same `(collection_id, constraint_name, key)`
    ///   must hold the same `value`. `collection_item_id` is a bare id, not a foreign key, as in Debusine: a
    ///   claim outlives its item. Debusine enforces the rule with an exclusion constraint, which on `text` needs
    ///   the `btree_gist` extension; Kiln has `CollectionRepository.addItem` lock the collections concerned and
    ///   check before it inserts, so the schema needs no extension (deploy/docs/fidelity.md, "Collections").
    /// - `collection_items.superseded_at`, `superseded_by_id`, `superseded_by_work_request_id`: when, and by
    ///   whom, a newer version of the package was added.
    ///
    /// The active source and binary packages already in suites get their claims, in the suite and its archive, as
    /// if added now (Debusine backfilled its archive claims the same way, `db/migrations/0069_add_archive_
    /// constraints.py`); a clash among them is kept, not refused. Older versions already in a suite are not marked
    /// superseded: that needs Debian version order, which SQL does not have.
    static let poolFiles = Migration(
        version: 15,
        name: "pool-file constraints and superseded items",
        statements: [
            """
            CREATE TABLE collection_item_match_constraints (
                id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                collection_id      bigint NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                collection_item_id bigint NOT NULL,
                constraint_name    text NOT NULL,
                key                text NOT NULL,
                value              text NOT NULL
            )
            """,
            """
            CREATE INDEX collection_item_match_constraints_key_idx
                ON collection_item_match_constraints (collection_id, constraint_name, key)
            """,
            """
            CREATE INDEX collection_item_match_constraints_item_idx
                ON collection_item_match_constraints (collection_item_id)
            """,
            "ALTER TABLE collection_items ADD COLUMN superseded_at timestamptz",
            "ALTER TABLE collection_items ADD COLUMN superseded_by_id bigint REFERENCES users (id) ON DELETE SET NULL",
            """
            ALTER TABLE collection_items ADD COLUMN superseded_by_work_request_id bigint
                REFERENCES work_requests (id) ON DELETE SET NULL
            """,
            """
            INSERT INTO collection_item_match_constraints (collection_id, collection_item_id, constraint_name, key, value)
            SELECT target.id, i.id, 'pool-file',
                   'pool/' || (i.data ->> 'component') || '/'
                       || CASE WHEN source.name LIKE 'lib%' THEN left(source.name, 4) ELSE left(source.name, 1) END
                       || '/' || source.name || '/' || f.path,
                   'sha256:' || f.sha256
              FROM collection_items i
              JOIN collections suite ON suite.id = i.parent_collection_id AND suite.category = 'debian:suite'
              CROSS JOIN LATERAL (
                  SELECT CASE WHEN i.category = 'debian:source-package' THEN i.data ->> 'package'
                              ELSE i.data ->> 'srcpkg_name' END AS name) source
              JOIN artifact_files f ON f.artifact_id = i.artifact_id
              JOIN collections target
                ON target.id = suite.id
                   OR (target.workspace_id = suite.workspace_id AND target.category = 'debian:archive'
                       AND target.name = '_')
             WHERE i.removed_at IS NULL AND i.child_type = 'artifact'
               AND i.category IN ('debian:source-package', 'debian:binary-package')
               AND source.name IS NOT NULL AND (i.data ->> 'component') IS NOT NULL
             ORDER BY i.id, target.id <> suite.id, f.path
            """,
        ]
    )
}
