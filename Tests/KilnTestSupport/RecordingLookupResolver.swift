import KilnCore

/// The real `LookupResolver` over an `InMemoryLookupStore`, recording every environment lookup it is
/// asked for, so tests can check which architecture, backend, format and variant an executor task asked
/// for while every answer still comes from the real lookup semantics.
public final class RecordingLookupResolver: LookupResolving {
    /// One `lookupEnvironment` call's parameters.
    public struct EnvironmentCall: Hashable, Sendable {
        public let architecture: String
        public let backend: String?
        public let format: String?
        public let taskName: String?
    }

    /// The resolver every call is forwarded to.
    public let resolver: LookupResolver<InMemoryLookupStore>
    /// Every environment lookup, in order (one per call, whatever the variants tried inside).
    public private(set) var environmentCalls: [EnvironmentCall] = []

    public init(store: InMemoryLookupStore) {
        self.resolver = LookupResolver(store: store)
    }

    public func lookupSingle(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> LookupResult {
        try resolver.lookupSingle(lookup, expect: expect, defaultCategory: defaultCategory, context: context)
    }

    public func lookupMultiple(
        _ lookup: JSONValue,
        expect: LookupExpectType,
        defaultCategory: String?,
        context: LookupContext
    ) throws -> [LookupResult] {
        try resolver.lookupMultiple(lookup, expect: expect, defaultCategory: defaultCategory, context: context)
    }

    public func lookupEnvironment(
        _ lookup: JSONValue,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String?,
        context: LookupContext
    ) throws -> LookupResult {
        environmentCalls.append(
            EnvironmentCall(architecture: architecture, backend: backend, format: format, taskName: taskName)
        )
        return try resolver.lookupEnvironment(
            lookup,
            architecture: architecture,
            backend: backend,
            format: format,
            taskName: taskName,
            context: context
        )
    }

    public func reconstructLookup(_ result: LookupResult, context: LookupContext) -> JSONValue {
        resolver.reconstructLookup(result, context: context)
    }

    public func relatedArtifacts(
        of ids: [Int],
        type: ArtifactRelationType,
        category: String
    ) throws -> [ArtifactRecord] {
        try resolver.relatedArtifacts(of: ids, type: type, category: category)
    }

    public func workspace(id: Int) -> WorkspaceRecord? { resolver.workspace(id: id) }
}
