import KilnCore

/// The data models of Debusine 0.16.2's Server tasks, field by field in pydantic's order (inherited fields first,
/// as pydantic collects them), transcribed from the classes each declaration names.
extension TaskDataModels {
    /// Debusine `server/tasks/models.py` `ServerNoopData`.
    static let serverNoopData = PydanticModel(
        "ServerNoopData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("exception", .boolean),
            .optional("result", .enumeration(["", "success", "failure", "temporary failure", "error", "skipped"])),
        ]
    )

    /// Debusine `server/tasks/models.py` `APTMirrorFilter`.
    static let aptMirrorFilter = PydanticModel(
        "APTMirrorFilter",
        [
            .optional("binary_name", .nullable(.regex)),
            .optional("priority", .nullable(.string)),
            .optional("section", .nullable(.string)),
            .optional("source_name", .nullable(.regex)),
            .optional("ignore_unauthorized", .boolean),
        ]
    )

    /// Debusine `server/tasks/models.py` `APTMirrorData`.
    static let aptMirrorData = PydanticModel(
        "APTMirrorData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("collection", .lookupSingle),
            .required("url", .url),
            .required("suite", .string),
            .optional("components", .nullable(.list(.string))),
            .optional("architectures", .nullable(.list(.string))),
            .optional("signing_key", .nullable(.string)),
            .optional("filters", .nullable(.list(.model(aptMirrorFilter)))),
            .optional("authentication", .nullable(.string)),
        ],
        modelValidator: { data in
            let flat = data["suite"]?.stringValue?.hasSuffix("/") == true
            let components = !(data["components"] ?? .null).isNull
            if flat, components { return #"Flat repositories (where suite ends with "/") must not have components"# }
            if !flat, !components {
                return #"Non-flat repositories (where suite does not end with "/") must have components"#
            }
            return nil
        }
    )

    /// Debusine `server/tasks/models.py` `PackageUploadInput`.
    static let packageUploadInput = PydanticModel(
        "PackageUploadInput",
        [
            .required("upload", .lookupSingle)
        ]
    )

    /// Debusine `server/tasks/models.py` `PackageUploadData`.
    static let packageUploadData = PydanticModel(
        "PackageUploadData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("input", .model(packageUploadInput)),
            .required("target", .url),
            .optional("delayed_days", .nullable(.integer)),
        ]
    )

    /// Debusine `server/tasks/models.py` `CopyCollectionItemsCopies`.
    static let copyCollectionItemsCopies = PydanticModel(
        "CopyCollectionItemsCopies",
        [
            .required("source_items", .lookupMultiple),
            .required("target_collection", .lookupSingle),
            .optional("move", .boolean),
            .optional("unembargo", .boolean),
            .optional("replace", .boolean),
            .optional("name_template", .nullable(.string)),
            .optional("variables", .nullable(.dictionary(key: .string, value: .any))),
        ]
    )

    /// Debusine `server/tasks/models.py` `CopyCollectionItemsData`.
    static let copyCollectionItemsData = PydanticModel(
        "CopyCollectionItemsData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("copies", .boundedList(.model(copyCollectionItemsCopies), min: 1, max: nil)),
        ]
    )

    /// Debusine `server/tasks/models.py` `CreateChildWorkspaceData`.
    static let createChildWorkspaceData = PydanticModel(
        "CreateChildWorkspaceData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("prefix", .pythonPattern("^[A-Za-z][A-Za-z0-9+._-]*$")),
            .required("suffix", .pattern("^[A-Za-z0-9+._-]+$")),
            .optional("public", .boolean),
            .optional("owner_group", .nullable(.string)),
            .optional("workflow_template_names", .list(.string)),
            .optional("expiration_delay", .nullable(.integer)),
        ]
    )

    /// Debusine `server/tasks/models.py` `GenerateSuiteIndexesData`.
    static let generateSuiteIndexesData = PydanticModel(
        "GenerateSuiteIndexesData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("suite_collection", .lookupSingle),
            .required("generate_at", .datetime),
        ]
    )
}
