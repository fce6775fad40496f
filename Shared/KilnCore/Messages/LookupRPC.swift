/// The lookup-resolver's RPC (`kiln lookup`): a request on the `lookup-resolver.rpc` queue with
/// `reply_to = amq.rabbitmq.reply-to`, answered with `LookupReply`.
public struct LookupRequest: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The lookup as it would be written in task data.
    public var lookup: JSONValue
    /// What the results must be (`artifact`, `collection`, …), checked as for a task input field (Debusine
    /// `client/models.py` `LookupChildType`).
    public var expectType: LookupExpectType
    /// The category assumed when the first segment is a bare `NAME` without `@category` (Debusine `lookup_single`
    /// `default_category`).
    public var defaultCategory: String?
    /// `scope/workspace` the lookup runs from.
    public var workspace: String
    /// The user the lookup runs as (nil = anonymous).
    public var user: String?
    /// The workflow whose internal collection `internal@collections` lookups read (Debusine
    /// `server/collections/lookup.py` `_lookup_single_first`), if any.
    public var workflowRootID: Int?
    /// Resolve as a multiple lookup (lists and dictionaries), even if `lookup` is a string.
    public var multiple: Bool

    /// Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(
        lookup: JSONValue, expectType: LookupExpectType, defaultCategory: String? = nil, workspace: String,
        user: String? = nil, workflowRootID: Int? = nil, multiple: Bool = false
    ) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.lookup = lookup
        self.expectType = expectType
        self.defaultCategory = defaultCategory
        self.workspace = workspace
        self.user = user
        self.workflowRootID = workflowRootID
        self.multiple = multiple
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case lookup
        case expectType = "expect_type"
        case defaultCategory = "default_category"
        case workspace, user
        case workflowRootID = "workflow_root_id"
        case multiple
    }
}

/// The answer to a `LookupRequest`: results, or the failure with its class (`not-found` or `invalid` for the
/// lookup itself, `refused` for a request refused before any lookup, `unavailable` when the database is not
/// there).
public struct LookupReply: VersionedMessage, Hashable {
    /// The schema version the producer wrote; `MessageCodec.decode` refuses any other.
    public var schemaVersion: Int
    /// The resolved items; empty on failure.
    public var results: [LookupResult]
    /// `not-found`, `invalid`, `refused` or `unavailable` when the lookup failed.
    public var errorKind: String?
    /// The failure's message, naming the lookup segment that failed.
    public var errorMessage: String?

    /// A successful reply. Stamps the current `MessageCodec.schemaVersion`, so producers cannot forget it.
    public init(results: [LookupResult]) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.results = results
    }

    /// A failed reply, keeping the failure's class so the client can tell "not found" from "invalid".
    public init(failure: LookupFailure) {
        self.schemaVersion = MessageCodec.schemaVersion
        self.results = []
        switch failure {
        case .notFound(let message): (errorKind, errorMessage) = ("not-found", message)
        case .invalid(let message): (errorKind, errorMessage) = ("invalid", message)
        }
    }

    /// The failure, if the lookup failed.
    public var failure: LookupFailure? {
        switch errorKind {
        case "not-found": .notFound(errorMessage ?? "")
        case "invalid": .invalid(errorMessage ?? "")
        default: nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case results
        case errorKind = "error_kind"
        case errorMessage = "error_message"
    }
}

extension LookupReply {
    /// The reply when the request itself is refused before anything is looked up (a workspace or workflow root
    /// that does not exist, or that the user may not see): Debusine's API answers these with a 400 or a 403, not
    /// with a lookup error, so they get a kind of their own (`refused`), printed as they are.
    public static func refused(_ message: String) -> LookupReply {
        var reply = LookupReply(results: [])
        reply.errorKind = "refused"
        reply.errorMessage = message
        return reply
    }

    /// The reply when the database could not be reached: neither "not found" nor "invalid", so it gets a
    /// kind of its own (`unavailable`) that a client reports as "try again".
    public static func unavailable(_ reason: String) -> LookupReply {
        var reply = LookupReply(results: [])
        reply.errorKind = "unavailable"
        reply.errorMessage = "lookup service unavailable: \(reason)"
        return reply
    }
}
