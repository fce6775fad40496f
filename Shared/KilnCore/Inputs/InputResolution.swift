/// What resolving input fields needs beyond the fields themselves: the task data, the task's name (the
/// environment variant tried first), where lookups run, and the server settings.
public struct InputResolutionRequest<Resolver: LookupResolving> {
    /// The task data the fields' paths point into (configured task data once configuration is applied).
    public var taskData: JSONValue
    /// The lowercased task name, tried as the environment `variant` first (Debusine `WorkRequest.lookup_environment`
    /// `try_variant`).
    public var taskName: String
    /// The lookup implementation (in-memory for tests, PostgreSQL-backed in services).
    public var lookups: Resolver
    /// The work request's lookup context (creator, workspace, workflow root).
    public var context: LookupContext
    /// Server settings (fallback architecture).
    public var settings: InputResolutionSettings

    /// Lowercases `taskName`, because it is tried as the environment variant and variants are lowercase (Debusine
    /// `WorkRequest.lookup_environment`).
    public init(
        taskData: JSONValue,
        taskName: String,
        lookups: Resolver,
        context: LookupContext,
        settings: InputResolutionSettings
    ) {
        self.taskData = taskData
        self.taskName = taskName.lowercased()
        self.lookups = lookups
        self.context = context
        self.settings = settings
    }
}

extension ResolvedInputs {
    /// Resolves every field whose stage is at or before `stage` (Debusine `tasks/inputs/inputs.py`
    /// `TaskFieldContainer.iter_all_fields`), replacing earlier values.
    ///
    /// Build-architecture fields resolve first, because environment lookups filter on the architecture.
    ///
    /// - Parameter keepingResolved: leave the fields that already have a value as they are (only for values
    ///   resolved from the same task data in the same transaction, which resolving again would reproduce).
    /// - Throws: `TaskInputError.whileResolving(field:…)` naming the field that failed.
    public mutating func resolve<Resolver: LookupResolving>(
        stage: Stage,
        with request: InputResolutionRequest<Resolver>,
        keepingResolved: Bool = false
    ) throws(TaskInputError) {
        let due = fields.filter { $0.stage <= stage && !(keepingResolved && isResolved($0.name)) }
        let ordered = due.filter { $0.kind == .buildArchitecture } + due.filter { $0.kind != .buildArchitecture }
        for field in ordered {
            do {
                let value = try FieldResolver(field: field, request: request, resolved: self).resolve()
                set(value, for: field.name)
            } catch {
                throw .whileResolving(field: field.name, error)
            }
        }
    }
}

/// Resolves one field against a lookup implementation.
private struct FieldResolver<Resolver: LookupResolving> {
    let field: InputField
    let request: InputResolutionRequest<Resolver>
    let resolved: ResolvedInputs

    /// The task-data value at the field's path, the field's default when absent, or nil.
    var raw: JSONValue? { request.taskData.value(atPath: field.path) ?? field.defaultValue }

    func required() throws(TaskInputError) -> JSONValue {
        guard let value = raw else { throw .attributeNotFound(field.path) }
        return value
    }

    func resolve() throws(TaskInputError) -> InputFieldValue {
        switch field.kind {
        case .single:
            let lookup = try SingleLookup(json: try required(), field: field.path)
            return .artifact(try artifact(lookup, label: field.path))
        case .databaseArtifact:
            let lookup = try SingleLookup(json: try required(), field: field.path)
            let result = try lookingUpNamingField {
                try request.lookups.lookupSingle(lookup.json, expect: .artifact, defaultCategory: nil, context: request.context)
            }
            return .artifact(try inputArtifact(from: result, lookup: lookup, label: field.path, allowed: field.categories))
        case .optionalSingle:
            guard let value = raw, !value.isNull else { return .artifact(nil) }
            return .artifact(try artifact(try SingleLookup(json: value, field: field.path), label: field.path))
        case .singleList:
            // Every element is labelled with the bare field path, as Debusine's `SingleInputList.resolve`
            // does (`test_inputs.py` `SingleInputListTests::test_multiple_results`).
            return .artifactList(
                try list(of: raw) { element, path throws(TaskInputError) in
                    try artifact(try SingleLookup(json: element, field: path, isElement: true), label: field.path)
                }
            )
        case .multiple:
            return .multiple(try multiple(try required(), errorKey: field.path))
        case .uploadArtifacts:
            return .multiple(try uploadArtifacts(try required()))
        case .unsignedArtifacts:
            return .multiple(try unsignedArtifacts(try required()))
        case .multipleList:
            // Stored labels are the bare path; category errors name `path[i][j]` (Debusine's
            // `MultiInputList.resolve`, `MultiInputListTests::test_with_categories`).
            return .multipleList(
                try list(of: raw) { element, path throws(TaskInputError) in
                    try multiple(element, errorKey: path)
                }
            )
        case .environment(let options):
            let lookup = try SingleLookup(json: try required(), field: field.path)
            return .artifact(try environment(lookup, options: options))
        case .optionalEnvironment(let options):
            guard let value = raw, !value.isNull else { return .artifact(nil) }
            return .artifact(try environment(try SingleLookup(json: value, field: field.path), options: options))
        case .suiteArchive:
            return try suiteArchive(try SingleLookup(json: try required(), field: field.path))
        case .buildArchitecture:
            return .string(try buildArchitecture())
        case .taskConfigurationCollection:
            return .collection(try taskConfiguration())
        case .collectionItemCopies:
            return .collectionItemCopies(try collectionItemCopies(try required()))
        case .collection(let category):
            return .collection(
                try collection(try SingleLookup(json: try required(), field: field.path), category: category)
            )
        case .serverFQDN:
            return .string(request.settings.fqdn)
        case .extraRepositories:
            return .extraRepositories(try extraRepositories())
        }
    }

    /// Runs a lookup, turning its failure into a `TaskInputError` that keeps the failure class.
    func lookingUp<T>(_ body: () throws -> T) throws(TaskInputError) -> T {
        do {
            return try body()
        } catch let failure as LookupFailure {
            throw .lookup(failure)
        } catch let error as TaskInputError {
            throw error
        } catch {
            throw .lookup(.invalid("\(error)"))
        }
    }

    /// The elements of a list field, each through `element`; none when the field is absent or null, as Debusine's
    /// `FieldResolver.get_field_collection` (`tasks/inputs/resolver.py`) answers for `SingleInputList` and
    /// `MultiInputList` (a debdiff's unused `source_artifacts: null`).
    func list<T>(
        of value: JSONValue?,
        _ element: (JSONValue, String) throws(TaskInputError) -> T
    )
        throws(TaskInputError) -> [T]
    {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else {
            throw .wrongType(field: field.path, found: value, expected: TaskInputError.PythonType.list)
        }
        var results: [T] = []
        for (index, item) in elements.enumerated() { results.append(try element(item, "\(field.path)[\(index)]")) }
        return results
    }

    func checkCategory(_ category: String, label: String, allowed: Set<String>) throws(TaskInputError) {
        guard allowed.isEmpty || allowed.contains(category) else {
            throw .unexpectedCategory(label: label, category: category, allowed: allowed)
        }
    }

    func artifact(_ lookup: SingleLookup, label: String) throws(TaskInputError) -> InputArtifactSingle {
        let result = try lookingUp {
            try request.lookups.lookupSingle(
                lookup.json,
                expect: .artifact,
                defaultCategory: nil,
                context: request.context
            )
        }
        return try inputArtifact(from: result, lookup: lookup, label: label, allowed: field.categories)
    }

    func inputArtifact(
        from result: LookupResult,
        lookup: SingleLookup,
        label: String,
        allowed: Set<String>
    )
        throws(TaskInputError) -> InputArtifactSingle
    {
        guard let record = result.artifact else { throw .notAnArtifact(label: label) }
        try checkCategory(record.category, label: label, allowed: allowed)
        do {
            return InputArtifactSingle(
                label: label,
                lookup: lookup,
                artifact: try BaseTaskInputArtifact(artifact: record)
            )
        } catch {
            throw .model(error)
        }
    }

    /// Resolves a multiple lookup into a value labelled with the field path; `errorKey[i]` names the `i`th
    /// result in a category error.
    func multiple(_ lookup: JSONValue, errorKey: String) throws(TaskInputError) -> InputArtifactMultiple {
        let (artifacts, normalised) = try lookedUpArtifacts(lookup, errorKey: errorKey) {
            category,
            label throws(TaskInputError) in
            try checkCategory(category, label: label, allowed: field.categories)
        }
        return InputArtifactMultiple(label: field.path, lookup: normalised, artifacts: artifacts)
    }

    /// Debusine's `UploadArtifactsInput.resolve`: each upload found is replaced by the binary packages it `extends`,
    /// appended (by id) after the other results, whose categories are checked against the field's and
    /// `debian:upload`; the binaries themselves are not checked.
    func uploadArtifacts(_ lookup: JSONValue) throws(TaskInputError) -> InputArtifactMultiple {
        let allowed = field.categories.union([KnownCategories.upload])
        let (found, normalised) = try lookedUpArtifacts(lookup, errorKey: field.path) {
            category,
            label throws(TaskInputError) in
            if category != KnownCategories.upload { try checkCategory(category, label: label, allowed: allowed) }
        }
        let uploadIDs = found.filter { $0.category == KnownCategories.upload }.compactMap(\.artifactID)
        var artifacts = found.filter { $0.category != KnownCategories.upload }
        if !uploadIDs.isEmpty {
            artifacts += try inputArtifacts(try related(uploadIDs, .extends, KnownCategories.binaryPackage))
        }
        return InputArtifactMultiple(label: field.path, lookup: normalised, artifacts: artifacts)
    }

    /// Debusine's `UnsignedMultiInput.resolve`: the signing inputs the looked-up signed artifacts `relates-to`, then
    /// the binary packages those `relates-to`, all sorted by id; the signed artifacts' categories are not checked.
    func unsignedArtifacts(_ lookup: JSONValue) throws(TaskInputError) -> InputArtifactMultiple {
        let (signed, normalised) = try lookedUpArtifacts(lookup, errorKey: field.path) { _, _ throws(TaskInputError) in
        }
        let signingInputs = try related(Set(signed.compactMap(\.artifactID)), .relatesTo, KnownCategories.signingInput)
        let binaries = try related(Set(signingInputs.map(\.id)), .relatesTo, KnownCategories.binaryPackage)
        // A stable sort, as Python's `list.sort`: a target reached by two relations stays listed twice.
        let unsigned = (signingInputs + binaries).enumerated()
            .sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }.map(\.element)
        return InputArtifactMultiple(label: field.path, lookup: normalised, artifacts: try inputArtifacts(unsigned))
    }

    /// Runs a multiple artifact lookup and returns every result as an input artifact, with the lookup in its
    /// normalised form (Debusine `DBFieldResolver.lookup_multiple_artifacts`), then calls `check` with each one's
    /// category and label (`errorKey[i]`), as Debusine's fields check categories after the lookup.
    func lookedUpArtifacts(
        _ lookup: JSONValue,
        errorKey: String,
        check: (_ category: String, _ label: String) throws(TaskInputError) -> Void
    ) throws(TaskInputError) -> (artifacts: [BaseTaskInputArtifact], normalised: JSONValue) {
        guard lookup.objectValue != nil || lookup.arrayValue != nil else {
            throw .invalidValue(
                field: errorKey,
                value: lookup,
                reason: LookupMultiple.wrongTypeMessage
            )
        }
        let results = try lookingUp {
            try request.lookups.lookupMultiple(
                lookup,
                expect: .artifact,
                defaultCategory: nil,
                context: request.context
            )
        }
        var records: [ArtifactRecord] = []
        for (index, result) in results.enumerated() {
            guard let record = result.artifact else { throw .notAnArtifact(label: "\(errorKey)[\(index)]") }
            records.append(record)
        }
        let artifacts = try inputArtifacts(records)
        for (index, record) in records.enumerated() { try check(record.category, "\(errorKey)[\(index)]") }
        let normalised = try lookingUp { try LookupMultiple(parsing: lookup).modelDump }
        return (artifacts, normalised)
    }

    /// The artifacts of `category` that `ids` have a `type` relation to (`FieldResolver.find_related_artifacts`).
    func related(
        _ ids: some Collection<Int>,
        _ type: ArtifactRelationType,
        _ category: String
    ) throws(TaskInputError) -> [ArtifactRecord] {
        try lookingUp { try request.lookups.relatedArtifacts(of: ids.sorted(), type: type, category: category) }
    }

    /// The input-artifact form of each record.
    func inputArtifacts(_ records: [ArtifactRecord]) throws(TaskInputError) -> [BaseTaskInputArtifact] {
        do {
            return try records.map { record throws(InputModelError) in try BaseTaskInputArtifact(artifact: record) }
        } catch {
            throw .model(error)
        }
    }

    func environment(
        _ lookup: SingleLookup,
        options: EnvironmentFieldOptions
    ) throws(TaskInputError)
        -> InputArtifactSingle
    {
        let architecture = try resolved.string(options.architectureField)
        var backend: ExecutorBackend?
        if let path = options.backendPath, let value = request.taskData.value(atPath: path), !value.isNull {
            guard let name = value.stringValue else {
                throw .wrongType(field: path, found: value, expected: TaskInputError.PythonType.string)
            }
            backend = try ExecutorBackend(name: name, field: path).effective
        } else if options.backendPath != nil {
            backend = ExecutorBackend.auto.effective
        }
        let result = try lookingUp {
            try request.lookups.lookupEnvironment(
                lookup.json,
                architecture: architecture,
                backend: backend?.rawValue,
                format: options.format?.rawValue ?? backend?.imageFormat,
                taskName: options.triesTaskVariant ? request.taskName : nil,
                context: request.context
            )
        }
        // Debusine's `check_category` checks only the categories a field declares: an `EnvironmentInput()` without
        // any (blhc, debdiff, extractforsigning, …) takes whatever the lookup found.
        return try inputArtifact(from: result, lookup: lookup, label: field.path, allowed: field.categories)
    }

    func collectionInput(
        _ result: LookupResult,
        lookup: SingleLookup,
        label: String,
        expectedCategory: String?
    )
        throws(TaskInputError) -> InputCollectionSingle
    {
        guard let collection = result.collection else { throw .notACollection(label: label) }
        if let expectedCategory, collection.category != expectedCategory {
            throw .unexpectedCollectionCategory(label: label, category: collection.category, expected: expectedCategory)
        }
        guard let workspace = request.lookups.workspace(id: collection.workspaceID) else {
            throw .unknownWorkspace(id: collection.workspaceID)
        }
        do {
            return try InputCollectionSingle(label: label, lookup: lookup, collection: collection, workspace: workspace)
        } catch {
            throw .model(error)
        }
    }

    /// Debusine's `CollectionInputBase._resolve_collection`: a failed lookup names the field, the workspace and the
    /// category; a found collection of another category is refused.
    func collection(
        _ lookup: SingleLookup, category: String?, fieldName: String? = nil
    ) throws(TaskInputError) -> InputCollectionSingle {
        let name = fieldName ?? field.path
        let result = try lookingUpNamingField(name, category: category) {
            try request.lookups.lookupSingle(
                lookup.json, expect: .collection, defaultCategory: category, context: request.context)
        }
        return try collectionInput(result, lookup: lookup, label: name, expectedCategory: category)
    }

    /// Debusine's `CopyCollectionItemsCopiesInput.resolve`: for each copy, every source item the lookup finds (any type
    /// but a collection, saved by reference with the lookup element that found it), then the target collection.
    func collectionItemCopies(_ value: JSONValue) throws(TaskInputError) -> [InputCollectionItemCopies] {
        guard let copies = value.arrayValue else {
            throw .wrongType(field: field.path, found: value, expected: TaskInputError.PythonType.list)
        }
        var resolved: [InputCollectionItemCopies] = []
        for (index, copy) in copies.enumerated() {
            let label = "\(field.path)[\(index)]"
            let sourceField = "\(label).source_items"
            let members = copy.objectValue ?? [:]
            let sources = try lookingUpNamingField(sourceField) { try LookupMultiple(parsing: members["source_items"] ?? .null) }
            // The whole lookup first (any failure names the field), then the results, as Debusine does.
            var found: [(lookup: JSONValue, result: LookupResult)] = []
            for element in sources.elements {
                let results = try lookingUpNamingField(sourceField) {
                    try request.lookups.lookupMultiple(
                        .array([element.exported]), expect: .any, defaultCategory: nil, context: request.context)
                }
                found += results.map { (element.modelDump, $0) }
            }
            var sourceItems: [InputLookupResult] = []
            for (lookup, result) in found {
                guard result.resultType != .collection else {
                    throw .cannotCopyCollections(field: sourceField, workspace: workspaceDescription)
                }
                sourceItems.append(InputLookupResult(label: sourceField, lookup: lookup, result: result))
            }
            let target = try SingleLookup(json: members["target_collection"] ?? .null, field: "\(label).target_collection")
            resolved.append(
                InputCollectionItemCopies(
                    label: label, sourceItems: sourceItems,
                    targetCollection: try collection(target, category: nil, fieldName: "\(label).target_collection"),
                    // The flags as the model read them: pydantic's lax booleans (`1`, `"yes"`, …), false when absent.
                    move: members["move"].flatMap(PydanticLaxBool.parse) ?? false,
                    unembargo: members["unembargo"].flatMap(PydanticLaxBool.parse) ?? false,
                    replace: members["replace"].flatMap(PydanticLaxBool.parse) ?? false,
                    nameTemplate: members["name_template"]?.stringValue,
                    variables: members["variables"]?.objectValue))
        }
        return resolved
    }

    /// Runs a lookup whose failure is reported as Debusine's `db/tasks/inputs.py` fields report it: `Lookup for field
    /// 'F' in scope/workspace [with category 'C'] failed: …` (`name` defaults to the field's path).
    func lookingUpNamingField<T>(
        _ name: String? = nil, category: String? = nil, _ body: () throws -> T
    ) throws(TaskInputError) -> T {
        let name = name ?? field.path
        do {
            return try body()
        } catch let failure as LookupFailure {
            throw .fieldLookupFailed(field: name, workspace: workspaceDescription, category: category, failure)
        } catch {
            throw .fieldLookupFailed(field: name, workspace: workspaceDescription, category: category, .invalid("\(error)"))
        }
    }

    /// Debusine's `DBFieldResolver.resolve_suitearchiveinput`: the suite is looked up with no default
    /// category (a bare `NAME` does not resolve) and then checked to be a `debian:suite`.
    func suiteArchive(_ lookup: SingleLookup) throws(TaskInputError) -> InputFieldValue {
        let suiteResult = try lookingUp {
            try request.lookups.lookupSingle(
                lookup.json,
                expect: .collection,
                defaultCategory: nil,
                context: request.context
            )
        }
        let suite = try collectionInput(
            suiteResult,
            lookup: lookup,
            label: field.path,
            expectedCategory: KnownCategories.suite
        )
        // The archive is the singleton `_@debian:archive` of the suite's own workspace, if there is one.
        let archiveLookup = SingleLookup.string("_@\(KnownCategories.archive)")
        var archiveContext = request.context
        archiveContext.workspaceID = suiteResult.collection?.workspaceID ?? request.context.workspaceID
        let archiveResult: LookupResult
        do {
            archiveResult = try request.lookups.lookupSingle(
                archiveLookup.json,
                expect: .collection,
                defaultCategory: nil,
                context: archiveContext
            )
        } catch LookupFailure.notFound {
            return .suiteArchive(suite: suite, archive: nil)
        } catch let failure as LookupFailure {
            throw .lookup(failure)
        } catch {
            throw .lookup(.invalid("\(error)"))
        }
        let archive = try collectionInput(
            archiveResult,
            lookup: archiveLookup,
            label: field.path,
            expectedCategory: KnownCategories.archive
        )
        return .suiteArchive(suite: suite, archive: archive)
    }

    /// Debusine's `DBFieldResolver.resolve_extrarepositoriesinput`: nil without task data; external repositories
    /// as given; a Debusine-hosted suite (`_resolve_extra_repository`) looked up as a collection, which must be a
    /// `debian:suite`, its components taken from the suite's data when not given, and left out while it has no
    /// active `InRelease` index (`_suite_has_active_indexes`).
    func extraRepositories() throws(TaskInputError) -> [ExternalRepository]? {
        let repositories: [ExtraRepository]?
        do {
            repositories = try ExtraRepository.readList(raw, field: field.path)
        } catch {
            throw .invalidValue(field: field.path, value: raw ?? .null, reason: error.description)
        }
        guard let repositories else { return nil }
        var resolved: [ExternalRepository] = []
        for repository in repositories {
            switch repository {
            case .external(let external):
                resolved.append(external)
            case .debusine(let suite, let components, _):
                let result = try lookingUp {
                    try request.lookups.lookupSingle(
                        suite,
                        expect: .collection,
                        defaultCategory: nil,
                        context: request.context
                    )
                }
                guard let collection = result.collection else { throw .notACollection(label: field.path) }
                guard collection.category == KnownCategories.suite else {
                    throw .unexpectedCollectionCategory(
                        label: field.path,
                        category: collection.category,
                        expected: KnownCategories.suite
                    )
                }
                if components == nil, collection.data["components"] == nil {
                    throw .componentsNotSet(suite: suite.stringValue ?? suite.compactJSON)
                }
                do {
                    _ = try lookingUp {
                        try request.lookups.lookupSingle(
                            .string("\(collection.id)@collections/index:InRelease"),
                            expect: .artifact,
                            defaultCategory: nil,
                            context: request.context
                        )
                    }
                } catch .lookup(.notFound) {
                    // Without an index nothing serves the suite: Debusine leaves it out.
                    continue
                }
                throw .unservedSuite(suite: suite.stringValue ?? suite.compactJSON)
            }
        }
        return resolved
    }

    func buildArchitecture() throws(TaskInputError) -> String {
        // The task data's value if non-empty, else the SERVER fallback; a worker's architecture is never
        // consulted (Debusine `tasks/inputs/inputs.py` `BuildArchitectureInput`): the task then requires
        // `worker:build-arch:<arch>` instead.
        guard let value = raw, !value.isNull else { return request.settings.fallbackArchitecture }
        guard let text = value.stringValue else {
            throw .wrongType(field: field.path, found: value, expected: TaskInputError.PythonType.string)
        }
        return text.isEmpty ? request.settings.fallbackArchitecture : text
    }

    /// Debusine's `TaskConfigurationCollection.resolve` (`debusine/db/tasks/inputs.py`): an explicit
    /// `null` means no configuration (`test_lookup_none`); the default applies only when the key is absent
    /// (`test_model_default`, `test_model_explicit_none`); any failure of the DEFAULT lookup means none
    /// (`test_failed_default`); a custom lookup's failure is wrapped with the field and workspace
    /// (`test_failed_custom`); a collection of another category is taken as found.
    func taskConfiguration() throws(TaskInputError) -> InputCollectionSingle? {
        guard let value = raw, !value.isNull else { return nil }
        let lookup = try SingleLookup(json: value, field: field.path)
        let isDefault = lookup == .string(InputField.defaultTaskConfigurationLookup)
        let result: LookupResult
        do {
            // No category in the message: Debusine's `TaskConfigurationCollection` words its own.
            result = try lookingUpNamingField {
                try request.lookups.lookupSingle(
                    lookup.json,
                    expect: .collection,
                    defaultCategory: KnownCategories.taskConfiguration,
                    context: request.context
                )
            }
        } catch {
            if isDefault { return nil }
            throw error
        }
        // No category check: Debusine's `DBInputCollectionSingle.from_collection` takes any collection found
        // (`5@collections` naming a suite configures nothing, and `task_configuration` records 5).
        return try collectionInput(result, lookup: lookup, label: field.path, expectedCategory: nil)
    }

    /// The work request's workspace as Debusine's `Workspace.__str__` writes it (`scope/name`), or its id
    /// when the resolver does not know it.
    var workspaceDescription: String {
        guard let workspace = request.lookups.workspace(id: request.context.workspaceID) else {
            return "workspace \(request.context.workspaceID)"
        }
        return "\(workspace.scope)/\(workspace.name)"
    }
}
