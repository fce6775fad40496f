extension LookupResolver {
    /// Resolves the first segment (Debusine `server/collections/lookup.py` `_lookup_single_first`), which is found
    /// outside any collection: by id (visibility only), or as a collection along a workspace's inheritance chain.
    ///
    /// - Parameter startID: the workspace a `NAME@CATEGORY` search starts from (`startingWorkspaceID`).
    /// - Throws: `LookupFailure.notFound` (`'<first segment>' does not exist or is hidden`) when nothing
    ///   visible matches; `.invalid` for `internal@collections` outside a workflow.
    func resolveFirst(
        _ lookup: StringLookup,
        normalizedFirst: String,
        defaultCategory: String?,
        startID: Int,
        context: LookupContext
    ) throws -> LookupResult {
        // Built only when thrown: a batch's creation check resolves thousands of lookups, and most succeed.
        var notFound: LookupFailure {
            LookupFailure.notFound("\(JSONValue.pythonStringRepr(normalizedFirst)) does not exist or is hidden")
        }
        switch lookup.first {
        case .artifactID(let id):
            // Only visibility counts: the current workspace (and any prefix) plays no role (Debusine test
            // `server/collections/tests/test_lookup.py` `test_specific_artifact_restricts_workspace`).
            guard let artifact = try store.artifact(id: id), try isVisible(workspaceID: artifact.workspaceID, context)
            else { throw notFound }
            return LookupResult(resultType: .artifact, artifact: artifact)
        case .collectionID(let id):
            guard let collection = try store.collection(id: id),
                try isVisible(workspaceID: collection.workspaceID, context)
            else { throw notFound }
            return LookupResult(resultType: .collection, collection: collection)
        case .internalCollection:
            guard let rootID = context.workflowRootID else {
                throw LookupFailure.invalid("internal@collections is only valid in the context of a workflow")
            }
            let name = KnownCategories.workflowInternalCollectionName(rootID: rootID)
            return try collectionResult(
                name: name,
                category: KnownCategories.workflowInternal,
                from: startID,
                context,
                normalizedFirst: normalizedFirst
            )
        case .collection(let name, let category):
            return try collectionResult(
                name: name, category: category, from: startID, context, normalizedFirst: normalizedFirst)
        case .bareName(let name):
            // `resolve` has already refused a bare name without a default category. Debusine writes the category
            // in (`_normalize_lookup_segments`) before reading the segment, so `12` with the default category
            // `artifacts` is artifact 12 and `internal` with `collections` the internal collection.
            guard let defaultCategory else { throw notFound }
            var qualified = lookup
            qualified.first = FirstSegment(parsing: "\(name)@\(defaultCategory)")
            return try resolveFirst(
                qualified, normalizedFirst: normalizedFirst, defaultCategory: nil, startID: startID, context: context)
        case .idOutOfRange:
            throw notFound
        }
    }

    private func collectionResult(
        name: String,
        category: String,
        from startID: Int,
        _ context: LookupContext,
        normalizedFirst: String
    ) throws -> LookupResult {
        guard let collection = try findCollection(name: name, category: category, from: startID, user: context.user)
        else {
            throw LookupFailure.notFound("\(JSONValue.pythonStringRepr(normalizedFirst)) does not exist or is hidden")
        }
        return LookupResult(resultType: .collection, collection: collection)
    }

    /// The workspace a lookup's first segment is searched from: the current one, or the one its options
    /// name. The options are checked in the order written, before the first segment and whatever it is
    /// (an id lookup too), with Debusine's `_process_lookup_options` texts: `Unknown lookup option: 'k'`,
    /// `The 'scope' lookup option requires the 'workspace' one`, and `Invalid or hidden workspace in lookup
    /// options: scope='s' workspace='w'` (the scope given, else the current workspace's), all invalid
    /// (`server/collections/tests/test_lookup.py` `LookupSingleTests.test_lookup_with_unknown_workspace`,
    /// `test_lookup_with_private_workspace`, `test_lookup_in_invalid_scope`,
    /// `test_lookup_with_unknown_option`, `test_lookup_scope_without_workspace`).
    ///
    /// - Throws: `LookupFailure.invalid` as above; `.notFound` when the current workspace is gone.
    func startingWorkspaceID(_ options: LookupOptions?, _ context: LookupContext) throws -> Int {
        guard let options else { return context.workspaceID }
        var start = context.workspaceID
        for option in options.entries {
            switch option.key {
            case "scope":
                guard options["workspace"] != nil else {
                    throw LookupFailure.invalid("The 'scope' lookup option requires the 'workspace' one")
                }
            case "workspace":
                let scope: String
                if let explicit = options["scope"] {
                    scope = explicit
                } else if let current = try store.workspace(id: context.workspaceID) {
                    scope = current.scope
                } else {
                    throw LookupFailure.notFound("Current workspace \(context.workspaceID) does not exist")
                }
                guard let workspace = try store.workspace(scope: scope, name: option.value),
                    workspace.isVisible(to: context.user)
                else {
                    throw LookupFailure.invalid(
                        "Invalid or hidden workspace in lookup options: scope=\(JSONValue.pythonStringRepr(scope)) "
                            + "workspace=\(JSONValue.pythonStringRepr(option.value))"
                    )
                }
                start = workspace.id
            default:
                throw LookupFailure.invalid("Unknown lookup option: \(JSONValue.pythonStringRepr(option.key))")
            }
        }
        return start
    }

    /// Searches `startID` first, then the workspaces it inherits from in order, depth first, each visited
    /// once (so cycles and diamonds are harmless), skipping workspaces the user cannot display together
    /// with what only they would have led to.
    func findCollection(name: String, category: String, from startID: Int, user: String?) throws -> CollectionRecord? {
        var visited: Set<Int> = []
        func search(_ workspaceID: Int) throws -> CollectionRecord? {
            guard visited.insert(workspaceID).inserted, let workspace = try store.workspace(id: workspaceID),
                workspace.isVisible(to: user)
            else { return nil }
            if let found = try store.collection(name: name, category: category, workspaceID: workspaceID) {
                return found
            }
            for parentID in workspace.inheritsFrom {
                if let found = try search(parentID) { return found }
            }
            return nil
        }
        return try search(startID)
    }

    private func isVisible(workspaceID: Int, _ context: LookupContext) throws -> Bool {
        try store.workspace(id: workspaceID)?.isVisible(to: context.user) ?? false
    }
}
