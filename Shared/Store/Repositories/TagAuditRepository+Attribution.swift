import KilnCore

extension TagAuditRepository {
    /// Names the task-configuration entries behind a work request's workspace-provenance tags, after
    /// `markPendingConfigured` wrote the trail: a kept tag gets `rule` = the entries that contributed it; a
    /// dropped one keeps the restriction that dropped it and gains "; proposed by …". Must run in the
    /// transaction that wrote the trail, so the two are never seen apart.
    ///
    /// - Parameter contributors: for each set, tag → who proposed it (e.g. "task configuration 12:
    ///   Worker:sbuild:libreoffice:").
    public static func attributeWorkspaceTags(
        workRequestID: Int, contributors: [TagAuditSetKind: [String: String]], on conn: PGConnection
    ) async throws {
        let subject = TagAuditSubject.workRequest(workRequestID)
        for (setKind, tags) in contributors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (tag, contributor) in tags.sorted(by: { $0.key < $1.key }) {
                try await conn.execute(
                    """
                    UPDATE tag_audit_events
                       SET rule = CASE WHEN action = 'dropped' THEN coalesce(rule || '; ', '') || 'proposed by ' || $5
                                       ELSE coalesce(rule, $5) END
                     WHERE subject_kind = $1 AND subject_id = $2 AND set_kind = $3 AND tag = $4
                       AND provenance = 'workspace'
                    """, subject.kind, subject.id, setKind.rawValue, tag, contributor)
            }
        }
    }
}
