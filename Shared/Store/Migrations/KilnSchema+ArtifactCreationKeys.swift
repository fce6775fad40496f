extension KilnSchema {
    /// Version 14: `artifacts.creation_key`, the client's `Idempotency-Key` of the request that created the
    /// artifact.
    ///
    /// Creating an artifact is not idempotent: when the answer is lost (the file store restarts, the network
    /// breaks), the client cannot know whether the artifact exists. With the key, the client repeats the request
    /// and the store answers with the artifact the first attempt created, so a worker's result survives an outage
    /// without a twin. Unique where set; artifacts created without a key (Debusine's clients) have none.
    static let artifactCreationKeys = Migration(
        version: 14,
        name: "idempotent artifact creation",
        statements: [
            "ALTER TABLE artifacts ADD COLUMN creation_key text",
            "CREATE UNIQUE INDEX artifacts_creation_key_idx ON artifacts (creation_key) WHERE creation_key IS NOT NULL",
        ]
    )
}
