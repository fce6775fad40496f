/// What identifies a statement prepared on a session: its text and the types its parameters are sent with.
struct PreparedStatementKey: Hashable, Sendable {
    /// Most statements prepared on one session. Kiln's statements are fixed texts, a few hundred at most;
    /// the bound stops text built at run time (a schema name, a list of ids spliced in by a test) from
    /// filling the session's memory. Past it, statements simply run unprepared.
    static let limit = 512

    var sql: String
    var types: [PGTypeOID]

    /// Plain DML and queries: they are what runs again and again, and what costs planning. Everything else
    /// (`BEGIN`, `COMMIT`, `SET LOCAL`, `LISTEN`, DDL, `DO` blocks) runs unprepared as before.
    static func isPreparable(_ sql: String) -> Bool {
        let keyword = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(keyword)
    }
}
