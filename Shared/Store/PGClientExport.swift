/// Every user of the store also uses the generic PostgreSQL client it is built on (PGPool, PGConnection,
/// rows and values), so importing Store is enough.
@_exported import PGClient
