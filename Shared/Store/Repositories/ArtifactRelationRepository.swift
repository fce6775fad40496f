import KilnCore

/// Relations between artifacts (Debusine's `ArtifactRelation`, `db/models/artifacts.py`): a binary package
/// `built-using` its source, debug symbols that `relates-to` their binary, an artifact that `extends` another.
public enum ArtifactRelationRepository {
    /// Records that `artifactID` has relation `type` to `targetID`; recording it again changes nothing.
    ///
    /// - Returns: the relation, and whether it was new.
    /// - Throws: `RepositoryError.notFound` for a missing artifact; `.invalid` for a relation of an artifact
    ///   to itself.
    @discardableResult
    public static func relate(
        _ artifactID: Int,
        _ type: ArtifactRelationType,
        to targetID: Int,
        on conn: PGConnection
    ) async throws -> (relation: ArtifactRelation, created: Bool) {
        guard artifactID != targetID else {
            throw RepositoryError.invalid("artifact \(artifactID) cannot have a relation to itself")
        }
        for id in [artifactID, targetID] where try await ArtifactRepository.find(id: id, on: conn) == nil {
            throw RepositoryError.notFound(kind: "artifact", key: String(id))
        }
        let relation = ArtifactRelation(artifactID: artifactID, type: type, targetID: targetID)
        let inserted = try await conn.execute(
            """
            INSERT INTO artifact_relations (artifact_id, target_id, type) VALUES ($1, $2, $3)
            ON CONFLICT ON CONSTRAINT artifact_relations_unique_artifact_target_type DO NOTHING
            """,
            artifactID,
            targetID,
            type.rawValue
        )
        return (relation, inserted == 1)
    }

    /// The artifacts of `category` that `artifactID` has a `type` relation to, in id order, complete or not (as
    /// Debusine's `Artifact.objects.filter(targeted_by__artifact=…, targeted_by__type=…)`).
    public static func targets(
        of artifactID: Int, type: ArtifactRelationType, category: String, on conn: PGConnection
    ) async throws -> [ArtifactRecord] {
        try await conn.query(
            """
            SELECT a.id, a.category, a.workspace_id, a.data, a.created_by_work_request_id
              FROM artifact_relations r JOIN artifacts a ON a.id = r.target_id
             WHERE r.artifact_id = $1 AND r.type = $2 AND a.category = $3
             ORDER BY a.id
            """,
            artifactID,
            type.rawValue,
            category
        ).rows.map(ArtifactRepository.artifact(from:))
    }

    /// Every relation from or to `artifactID`, outgoing first, each in id order.
    public static func relations(of artifactID: Int, on conn: PGConnection) async throws -> [ArtifactRelation] {
        try await conn.query(
            """
            SELECT artifact_id, type, target_id FROM artifact_relations
             WHERE artifact_id = $1 OR target_id = $1 ORDER BY artifact_id <> $1, id
            """,
            artifactID
        ).rows.map { row in
            let typeText = try row.decode(String.self, at: 1)
            guard let type = ArtifactRelationType(rawValue: typeText) else {
                throw PGError.unexpectedResult(status: "bad row", message: "artifact relation type '\(typeText)'")
            }
            return ArtifactRelation(
                artifactID: try row.decode(Int.self, at: 0), type: type, targetID: try row.decode(Int.self, at: 2))
        }
    }
}
