extension KilnSchema {
    /// Version 13: artifacts hold files (issue 12), as Debusine's `File` and `FileInArtifact`
    /// (`debusine/db/models/files.py`, `debusine/db/models/artifacts.py`).
    ///
    /// - `files`: one row per stored content, keyed by its SHA-256. A row exists only once the content is in
    ///   the file store, so "is this content stored?" is one indexed read.
    /// - `artifact_files`: the files an artifact declares (path in the artifact, size, SHA-256), each
    ///   `complete` once its content is stored. Content is shared: two artifacts declaring the same bytes
    ///   point at one `files` row, and neither can change the other's (a path's content is fixed when the
    ///   artifact is created).
    /// - `artifacts.complete`: every declared file is stored. Lookups see complete artifacts only, so an
    ///   artifact whose upload is under way (or was abandoned by a crashed worker) is never an input.
    /// - `tokens.kind = 'user'` with `user_id`: the short-lived credential `kiln` hands the file store on a
    ///   user's behalf.
    /// - `work_requests.progress`: what a running task last said it was doing (reported with the worker's
    ///   heartbeats; `kiln watch` and `kiln show` print it).
    static let artifactFiles = Migration(
        version: 13,
        name: "artifact files and task progress",
        statements: [
            """
            CREATE TABLE files (
                sha256     text PRIMARY KEY CONSTRAINT files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                size       bigint NOT NULL CONSTRAINT files_size_check CHECK (size >= 0),
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE artifact_files (
                artifact_id bigint NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
                path        text NOT NULL,
                sha256      text NOT NULL CONSTRAINT artifact_files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                size        bigint NOT NULL CONSTRAINT artifact_files_size_check CHECK (size >= 0),
                complete    boolean NOT NULL DEFAULT false,
                CONSTRAINT artifact_files_pkey PRIMARY KEY (artifact_id, path)
            )
            """,
            "CREATE INDEX artifact_files_sha256_idx ON artifact_files (sha256)",
            "ALTER TABLE artifacts ADD COLUMN complete boolean NOT NULL DEFAULT true",
            "CREATE INDEX artifacts_incomplete_idx ON artifacts (created_at) WHERE NOT complete",
            "CREATE INDEX artifacts_expire_at_idx ON artifacts (expire_at) WHERE expire_at IS NOT NULL",
            "ALTER TABLE tokens DROP CONSTRAINT tokens_kind_check",
            """
            ALTER TABLE tokens ADD CONSTRAINT tokens_kind_check
                CHECK (kind IN ('worker', 'activation', 'work-request', 'user'))
            """,
            "ALTER TABLE tokens ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE",
            "ALTER TABLE tokens ADD CONSTRAINT tokens_user_kind CHECK (kind <> 'user' OR user_id IS NOT NULL)",
            "ALTER TABLE work_requests ADD COLUMN progress text",
        ]
    )
}
