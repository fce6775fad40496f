extension KilnSchema {
    /// Version 6: an index on `work_requests.supersedes_id`.
    ///
    /// `WorkRequestOperations.loadGraph` walks to the retries that superseded a work request on every result,
    /// cascade, lease expiry, abort and retry; without this index that step scanned the whole table once per
    /// round of the walk. Partial, as `work_requests_parent_idx`: most work requests supersede nothing.
    static let supersedesIndex = Migration(
        version: 6,
        name: "index of superseding retries",
        statements: [
            "CREATE INDEX work_requests_supersedes_idx ON work_requests (supersedes_id) WHERE supersedes_id IS NOT NULL"
        ]
    )
}
