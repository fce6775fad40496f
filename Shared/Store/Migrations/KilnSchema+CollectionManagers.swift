extension KilnSchema {
    /// Version 12: collection items are added through their category's manager (issue 11), and artifacts can
    /// be related.
    ///
    /// - The one-active-item-per-name index takes Debusine's name, `db_collectionitem_unique_active_name`, so a
    ///   clash reads as it does in Debusine (its tests match that name).
    /// - `artifact_relations` holds Debusine's `ArtifactRelation`: `artifact` extends, relates to or was built
    ///   using `target`, each relation once.
    static let collectionManagers = Migration(
        version: 12,
        name: "collection managers and artifact relations",
        statements: [
            "ALTER INDEX collection_items_active_name_key RENAME TO db_collectionitem_unique_active_name",
            """
            CREATE TABLE artifact_relations (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                artifact_id bigint NOT NULL REFERENCES artifacts (id) ON DELETE RESTRICT,
                target_id   bigint NOT NULL REFERENCES artifacts (id) ON DELETE RESTRICT,
                type        text NOT NULL CHECK (type IN ('extends', 'relates-to', 'built-using')),
                CONSTRAINT artifact_relations_unique_artifact_target_type UNIQUE (artifact_id, target_id, type)
            )
            """,
            "CREATE INDEX artifact_relations_target_idx ON artifact_relations (target_id)",
        ]
    )
}
