/// A pydantic 2 model with `extra="forbid"`, as Debusine's artifact data models are declared
/// (`artifacts/models.py` `BaseArtifactDataModel`): its fields in declaration order, each with its type and
/// whether it has a default, its `field_validator`s and its `model_validator`.
///
/// Validating reports what pydantic reports, in its order: each field's failures in declaration order (a
/// missing required field is `Field required` with the whole input), then each unknown key
/// (`Extra inputs are not permitted`); a field's validators run only once its type validated, and the model's
/// validator only once every field did.
public struct PydanticModel: Sendable {
    /// One field.
    public struct Field: Sendable {
        /// The key in JSON: the field's name, or its alias (dose3's hyphenated names).
        public var key: String
        /// The field's type.
        public var type: PydanticType
        /// Whether the field may be left out (it has a default).
        public var hasDefault: Bool
        /// The value a left-out field takes (`None` unless declared otherwise), which `model_dump()` writes.
        public var defaultValue: JSONValue
        /// `field_validator`s in declaration order: each answers the `ValueError` text it raises, or `nil`.
        public var validators: [@Sendable (JSONValue) -> String?]

        /// A field that must be given.
        public static func required(
            _ key: String,
            _ type: PydanticType,
            validators: [@Sendable (JSONValue) -> String?] = []
        ) -> Field {
            Field(key: key, type: type, hasDefault: false, defaultValue: .null, validators: validators)
        }

        /// A field with a default (`= None` unless `default` says otherwise, such as `= []`).
        public static func optional(
            _ key: String,
            _ type: PydanticType,
            default defaultValue: JSONValue = .null,
            validators: [@Sendable (JSONValue) -> String?] = []
        ) -> Field {
            Field(key: key, type: type, hasDefault: true, defaultValue: defaultValue, validators: validators)
        }
    }

    /// The model's class name, which pydantic's messages carry.
    public let name: String
    /// The fields, in declaration order (inherited ones first, as Python's class hierarchy gives them).
    public let fields: [Field]
    /// The `model_validator(mode="after")`, given the validated object: the `ValueError` text, or `nil`.
    public let modelValidator: (@Sendable ([String: JSONValue]) -> String?)?
    /// The `model_validator`'s function name: pydantic tags a union member that has one
    /// `function-after[name(), Model]`.
    public let modelValidatorName: String?
    /// Whether keys the model does not declare are kept (`extra="allow"`) rather than refused (`extra="forbid"`,
    /// the default of Debusine's models).
    public let allowsExtra: Bool
    /// Every field's key, kept so a validation does not rebuild the set.
    private let knownKeys: Set<String>

    /// A model.
    public init(
        _ name: String,
        _ fields: [Field],
        allowsExtra: Bool = false,
        modelValidatorName: String? = nil,
        modelValidator: (@Sendable ([String: JSONValue]) -> String?)? = nil
    ) {
        self.name = name
        self.fields = fields
        self.allowsExtra = allowsExtra
        self.modelValidatorName = modelValidatorName
        self.modelValidator = modelValidator
        self.knownKeys = Set(fields.map(\.key))
    }

    /// The same fields under another class name (a subclass that adds nothing, or adds `fields`).
    public func subclass(_ name: String, adding fields: [Field] = []) -> PydanticModel {
        PydanticModel(
            name,
            self.fields + fields,
            allowsExtra: allowsExtra,
            modelValidatorName: modelValidatorName,
            modelValidator: modelValidator
        )
    }

    /// The keys of `members` the model does not declare, in the order pydantic reports them.
    func extraKeys(of members: [String: JSONValue]) -> [String] {
        members.keys.filter { !knownKeys.contains($0) }.sorted(by: JSONValue.pythonOrder)
    }

    /// Validates `value` as this model.
    ///
    /// - Throws: every failure, as pydantic's `ValidationError` for this model.
    public func validate(_ value: JSONValue) throws(PydanticValidationError) {
        let failures = failures(of: value, at: [])
        guard failures.isEmpty else { throw PydanticValidationError(model: name, failures: failures) }
    }

    /// Validates task data as this model (a task's `dataModel`).
    ///
    /// - Throws: `TaskDataError.model` with every failure.
    public func validateTaskData(_ value: JSONValue) throws(TaskDataError) {
        do { try validate(value) } catch { throw .model(error) }
    }

    /// What pydantic's `model_dump()` writes for data this model accepted: every field, a left-out one with its
    /// default, each value as its type dumps it (`PydanticType.dumped`), so a `debian:system-tarball` without a
    /// `variant` is dumped with `"variant": null` (Debusine `tasks/models.py` `BaseTaskInputArtifact.serialize_data`,
    /// which saves an input artifact's data so in `task_input_fields`).
    ///
    /// Keys are written as the data holds them, which for dose3's hyphenated keys is what Debusine writes too: its
    /// `BaseArtifactDataModel.model_dump` dumps by alias. Keys the model does not know (data that reached the
    /// database without being checked) are kept as they are.
    public func dumped(_ members: [String: JSONValue]) -> [String: JSONValue] {
        var dumped = members
        for field in fields {
            if let given = members[field.key] {
                dumped[field.key] = field.type.dumped(given)
            } else if field.hasDefault {
                dumped[field.key] = field.defaultValue
            }
        }
        return dumped
    }

    /// Whether `members` certainly validate, known without building any failure (`PydanticType.quicklyAccepts`):
    /// no unknown key, every required field given, every given field quickly accepted, no validator to run.
    func quicklyAccepts(_ members: [String: JSONValue]) -> Bool {
        guard modelValidator == nil, allowsExtra || members.keys.allSatisfy(knownKeys.contains) else { return false }
        return fields.allSatisfy { field in
            guard let given = members[field.key] else { return field.hasDefault }
            return field.validators.isEmpty && field.type.quicklyAccepts(given)
        }
    }

    /// The failures of `value` as this model at `location`.
    func failures(of value: JSONValue, at location: [String]) -> [PydanticValidationError.Failure] {
        guard let members = value.objectValue else {
            return [
                PydanticValidationError.Failure(
                    location: PydanticType.render(location),
                    message: "Input should be a valid dictionary or instance of \(name)",
                    type: "model_type",
                    input: value
                )
            ]
        }
        var failures: [PydanticValidationError.Failure] = []
        for field in fields {
            guard let given = members[field.key] else {
                if !field.hasDefault {
                    failures.append(
                        PydanticValidationError.Failure(
                            location: PydanticType.render(location + [field.key]),
                            message: "Field required",
                            type: "missing",
                            input: value
                        )
                    )
                }
                continue
            }
            // Most values of a valid document need no failure built (nor their location).
            if field.validators.isEmpty, field.type.quicklyAccepts(given) { continue }
            let fieldLocation = location + [field.key]
            let typeFailures = field.type.failures(of: given, at: fieldLocation)
            failures += typeFailures
            guard typeFailures.isEmpty else { continue }
            if let problem = field.validators.lazy.compactMap({ $0(given) }).first {
                failures.append(.valueError(PydanticType.render(fieldLocation), problem, input: given))
            }
        }
        for key in allowsExtra ? [] : extraKeys(of: members) {
            failures.append(
                PydanticValidationError.Failure(
                    location: PydanticType.render(location + [key]),
                    message: "Extra inputs are not permitted",
                    type: "extra_forbidden",
                    input: members[key]!
                )
            )
        }
        if failures.isEmpty, let modelValidator, let problem = modelValidator(members) {
            failures.append(.valueError(PydanticType.render(location), problem, input: value))
        }
        return failures
    }
}
