/// A result column's name and type.
public struct PGColumn: Sendable, Hashable {
    /// The column name (or alias) as the server reports it.
    public var name: String
    /// The column's type OID (`PGType`).
    public var typeOID: PGTypeOID

    /// Creates a column description.
    public init(name: String, typeOID: PGTypeOID) {
        self.name = name
        self.typeOID = typeOID
    }
}

/// One result row: text values copied out of libpq, decoded on demand into Swift types.
///
/// ```swift
/// let row = try await conn.query("SELECT id, tags FROM workers WHERE name = $1", name).rows[0]
/// let id = try row.decode(Int.self, named: "id")
/// let tags = try row.decode([String].self, at: 1)
/// ```
public struct PGRow: Sendable {
    /// The result's columns (shared by all rows of one result).
    public let columns: [PGColumn]
    /// The raw text values; `nil` is SQL NULL.
    public let values: [String?]

    /// Creates a row from its columns and raw text values.
    public init(columns: [PGColumn], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// Decodes column `index` (0-based).
    ///
    /// - Throws: `PGError.columnIndexOutOfRange`, or `PGError.decoding` naming the column and value.
    public func decode<Value: PGDecodable>(_ type: Value.Type, at index: Int) throws -> Value {
        guard values.indices.contains(index) else {
            throw PGError.columnIndexOutOfRange(index: index, count: values.count)
        }
        return try Value.decode(pgText: values[index], column: columns[index])
    }

    /// Decodes the first column called `name`.
    ///
    /// - Throws: `PGError.columnNotFound` listing the row's columns, or `PGError.decoding`.
    public func decode<Value: PGDecodable>(_ type: Value.Type, named name: String) throws -> Value {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            throw PGError.columnNotFound(name: name, available: columns.map(\.name))
        }
        return try decode(type, at: index)
    }
}

/// What one statement returned.
public struct PGQueryResult: Sendable {
    /// The result columns (empty for commands without a result set).
    public let columns: [PGColumn]
    /// The rows, in server order.
    public let rows: [PGRow]
    /// Rows inserted, updated, deleted or selected, as the command tag says (0 when it says nothing).
    public let affectedRows: Int

    /// Creates a result.
    public init(columns: [PGColumn], rows: [PGRow], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The first row, or `nil` when there is none.
    public var first: PGRow? { rows.first }
}
