extension LookupResolver {
    /// The category an environment lookup's bare first segment gets (`debian` → `debian@debian:environments`).
    public static var environmentDefaultCategory: String { KnownCategories.environments }

    /// An environment lookup the way executor tasks make it (Debusine `db/models/work_requests.py`
    /// `WorkRequest.lookup_environment`): the task's architecture, backend and format are added to a `match:` lookup,
    /// and the variant named after the task is tried before the variant-less one, so a task-specific environment wins
    /// when it exists.
    ///
    /// - Throws: `LookupFailure` (the last not-found if no attempt matches), or the store's own error.
    public func lookupEnvironment(
        _ lookup: JSONValue,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String?,
        context: LookupContext
    ) throws -> LookupResult {
        let parsed = try LookupSingle(parsing: lookup)
        let attempts = try Self.environmentAttempts(
            parsed,
            architecture: architecture,
            backend: backend,
            format: format,
            taskName: taskName
        )
        var lastNotFound: LookupFailure?
        for attempt in attempts {
            do {
                return try resolve(
                    attempt,
                    expect: .artifact,
                    defaultCategory: Self.environmentDefaultCategory,
                    context: context
                )
            } catch let failure as LookupFailure {
                // Only "not found" moves on to the next variant; an invalid lookup stays invalid.
                guard case .notFound = failure else { throw failure }
                lastNotFound = failure
            }
        }
        throw lastNotFound ?? LookupFailure.notFound("'\(parsed.exported.compactJSON)' does not exist or is hidden")
    }

    /// The lookups an executor task tries, in order (Debusine `WorkRequest.lookup_environment`): a lookup made of
    /// a collection and one `match:` segment gets `architecture`, `format` and `backend` where the user did not give them, and, without a
    /// `variant`, one attempt with `variant=<taskName>` then one with `variant=` (no variant), or, when `taskName`
    /// is nil, one attempt as augmented. Any other
    /// lookup (an id, an item name) is used as is.
    ///
    /// - Throws: `LookupFailure.invalid` for a `format` other than tarball/image.
    public static func environmentAttempts(
        _ lookup: LookupSingle,
        architecture: String,
        backend: String?,
        format: String?,
        taskName: String?
    ) throws -> [LookupSingle] {
        // Only `COLLECTION/match:…`, exactly two segments, is extended (`WorkRequest.lookup_environment`:
        // `len(segments) == 2`); a longer lookup is used as written.
        guard case .string(let stringLookup) = lookup, stringLookup.segments.count == 1,
            case .match(let given) = stringLookup.segments[0].query
        else { return [lookup] }
        if let format, EnvironmentFormat(rawValue: format) == nil {
            throw LookupFailure.invalid("Unknown environment format '\(format)': expected tarball or image")
        }
        var filters = given
        func setDefault(_ key: String, _ value: String?) {
            guard let value, !filters.contains(where: { $0.key == key }) else { return }
            filters.append(EnvironmentMatchFilter(key: key, value: value))
        }
        setDefault("architecture", architecture)
        setDefault("format", format)
        setDefault("backend", backend)
        let variants: [String?] =
            if let taskName, !filters.contains(where: { $0.key == "variant" }) { [taskName, ""] } else { [nil] }
        return variants.map { variant in
            var attemptFilters = filters
            if let variant { attemptFilters.append(EnvironmentMatchFilter(key: "variant", value: variant)) }
            let query = SegmentQuery.match(attemptFilters)
            var augmented = stringLookup
            augmented.segments[augmented.segments.count - 1] = LookupSegment(text: query.text, query: query)
            return .string(augmented)
        }
    }
}
