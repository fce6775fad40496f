import KilnCore

/// Debusine 0.16.2's task data models (`tasks/models.py`, `server/tasks/models.py`, `signing/tasks/models.py`) as
/// `PydanticModel`s, so task data a model refuses is reported with the `ValidationError` text Debusine's API gives
/// (`Cannot create work request: Task data: {…} Error: 1 validation error for SbuildData …`).
///
/// Each task names its model as `dataModel` and checks it before it reads its data (`ExternalTask.validateData`,
/// the server tasks' `init(taskData:)`); the reading then builds the typed value. `TaskDataModelsTests` holds the
/// models to the texts Debusine's own models give for the same data (`deploy/fidelity/task-data-cases.py`).
public enum TaskDataModels {
    /// `BackendType`, the executor backends (`tasks/models.py`).
    static let backendType = PydanticType.enumeration(ExecutorBackend.allCases.map(\.rawValue))

    /// `ExtraExternalRepository.flat_repository`, on the validated fields (an empty `components` list counts as
    /// none: `convert_empty_components_to_none`).
    static let flatRepositoryHasNoComponents: @Sendable ([String: JSONValue]) -> String? = { repository in
        ExternalRepository.flatRepositoryProblem(
            suite: repository["suite"]?.stringValue ?? "",
            hasComponents: repository["components"]?.arrayValue?.isEmpty == false
        )
    }

    /// Whether a `LookupMultiple` field is empty (absent, an empty list): Python's `bool(lookup)`.
    static func isEmptyLookupMultiple(_ value: JSONValue?) -> Bool {
        guard let value, !value.isNull else { return true }
        return value.arrayValue?.isEmpty == true
    }

    /// `require_unique`: `[…] contains duplicate items`, the list printed as Python prints the validated value
    /// (enumeration members as `<SystemBootstrapRepositoryType.DEB: 'deb'>`).
    static func uniqueItems(enumClass: String?) -> @Sendable (JSONValue) -> String? {
        { list in
            // Python's set compares strings by code point; Swift's by canonical equivalence, so compare the JSON text.
            guard let items = list.arrayValue, Set(items.map { Array($0.compactJSON.utf8) }).count != items.count
            else { return nil }
            guard let enumClass else { return "\(list.pythonRepr) contains duplicate items" }
            let members = items.map { item in
                let value = item.stringValue ?? ""
                let member = value.uppercased().replacingOccurrences(of: "-", with: "_")
                return "<\(enumClass).\(member): \(JSONValue.pythonStringRepr(value))>"
            }
            return "[\(members.joined(separator: ", "))] contains duplicate items"
        }
    }

    /// `SystemBootstrapRepositoryKeyring.validate_url`: a `file:` keyring must lie under one of the system keyring
    /// folders, its path read as pydantic's URL parsing leaves it (`PydanticURL.filePath`; Kiln cannot follow
    /// symbolic links as Debusine's `Path.resolve` does: the file is on the worker).
    static let keyringURLUnderKeyrings: @Sendable (JSONValue) -> String? = { url in
        guard let path = url.stringValue.flatMap(PydanticURL.filePath) else { return nil }
        let folders = ["/usr/share/keyrings", "/usr/local/share/keyrings"]
        guard !folders.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { return nil }
        return "file:// URLs for keyrings must be under /usr/share/keyrings/ or /usr/local/share/keyrings/"
    }

    /// `ExtractForSigningData.backend_is_auto`, `AssembleSignedSourceData.backend_is_auto`.
    static func backendIsAuto(task: String) -> @Sendable (JSONValue) -> String? {
        { backend in
            let name = backend.stringValue ?? ""
            return name == "auto" ? nil : #"\#(task) only accepts backend "auto", not "\#(name)""#
        }
    }
}
