/// A worker metadata value that should have been a list of tags but is not.
public struct WorkerMetadataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which metadata held it ("static metadata" or "dynamic metadata").
    public let source: String
    /// The key (`provided_tags`, `required_tags`).
    public let key: String
    /// The offending value.
    public let found: JSONValue

    /// Memberwise.
    public init(source: String, key: String, found: JSONValue) {
        self.source = source
        self.key = key
        self.found = found
    }

    public var description: String {
        "\(source) key '\(key)' must be a list of strings or null, found \(found.typeName) \(found.compactJSON)"
    }
}

/// What the worker-side tag computation needs (Debusine `server/scheduler.py` `get_provided_worker_tags`): the worker's
/// type (a database column), the tags in its static metadata (set by an administrator) and in its dynamic metadata
/// (reported by the worker).
public struct WorkerTagInputs: Hashable, Sendable {
    /// `Worker.worker_type`; becomes `worker:type:<type>` with system provenance.
    public var workerType: WorkerType
    /// Static `provided_tags` (admin provenance).
    public var staticProvidedTags: [String]
    /// Static `required_tags` (admin provenance): the only source of the worker-required set.
    public var staticRequiredTags: [String]
    /// Dynamic `provided_tags` (worker provenance, untrusted).
    public var dynamicProvidedTags: [String]
    /// Dynamic `required_tags`: ignored by Debusine 0.16; kept here so the audit trail shows them being dropped.
    public var dynamicRequiredTags: [String]

    /// Every tag list defaults to empty: the worker type alone still yields its `worker:type:` tag (Debusine
    /// `get_provided_worker_tags`).
    public init(
        workerType: WorkerType, staticProvidedTags: [String] = [], staticRequiredTags: [String] = [],
        dynamicProvidedTags: [String] = [], dynamicRequiredTags: [String] = []
    ) {
        self.workerType = workerType
        self.staticProvidedTags = staticProvidedTags
        self.staticRequiredTags = staticRequiredTags
        self.dynamicProvidedTags = dynamicProvidedTags
        self.dynamicRequiredTags = dynamicRequiredTags
    }

    /// Reads the tag lists out of the workers' metadata objects (a missing or null key is an empty list).
    ///
    /// - Throws: `WorkerMetadataError` when a key holds anything but a list of strings.
    public init(
        workerType: WorkerType, staticMetadata: [String: JSONValue], dynamicMetadata: [String: JSONValue]
    ) throws(WorkerMetadataError) {
        func tags(_ metadata: [String: JSONValue], _ key: String, _ source: String) throws(WorkerMetadataError)
            -> [String]
        {
            guard let value = metadata[key], !value.isNull else { return [] }
            guard let list = value.arrayValue else { throw WorkerMetadataError(source: source, key: key, found: value) }
            var result: [String] = []
            for element in list {
                guard let tag = element.stringValue else {
                    throw WorkerMetadataError(source: source, key: key, found: value)
                }
                result.append(tag)
            }
            return result
        }
        self.init(
            workerType: workerType,
            staticProvidedTags: try tags(staticMetadata, "provided_tags", "static metadata"),
            staticRequiredTags: try tags(staticMetadata, "required_tags", "static metadata"),
            dynamicProvidedTags: try tags(dynamicMetadata, "provided_tags", "dynamic metadata"),
            dynamicRequiredTags: try tags(dynamicMetadata, "required_tags", "dynamic metadata"))
    }
}

/// A worker's provided and required sets from its metadata and type (Debusine `server/scheduler.py`
/// `get_provided_worker_tags`, `get_required_task_tags`).
public enum WorkerTagComputation {
    /// ```
    /// WP = Tagset(worker-provided) + worker: dynamic provided_tags + admin: static provided_tags
    ///      + system: worker:type:<type>
    /// WR = Tagset(worker-required) + admin: static required_tags   (dynamic required_tags are dropped)
    /// ```
    /// A worker's self-reported `worker:type:*` or `worker:class:*` is dropped by the restrictions, and the
    /// drop is in the audit trail.
    public static func compute(
        _ inputs: WorkerTagInputs, providedDerivations: [TagDerivationBatch] = [],
        requiredDerivations: [TagDerivationBatch] = []
    ) -> WorkerTagSets {
        var provided = Tagset(kind: .workerProvided, derivationRules: providedDerivations)
        provided.add(.worker, inputs.dynamicProvidedTags)
        provided.add(.admin, inputs.staticProvidedTags)
        provided.add(.system, [TagOntology.workerType(inputs.workerType)])

        var required = Tagset(kind: .workerRequired, derivationRules: requiredDerivations)
        required.add(.worker, inputs.dynamicRequiredTags)
        required.add(.admin, inputs.staticRequiredTags)

        return WorkerTagSets(provided: provided.finalize(), required: required.finalize())
    }
}
