/// The data model of each artifact category (Debusine `artifacts/models.py`
/// `ARTIFACT_DATA_MODELS_BY_CATEGORY`), which Debusine checks whenever an artifact is created through its API
/// (`Artifact.clean`, called by `ArtifactView.post`): an unknown category or data its model refuses creates
/// nothing.
///
/// Checking at creation is what lets the collection managers, lookups and tasks read an artifact's keys
/// (`codename`, `deb_fields`, `srcpkg_name`) without each guarding against their absence.
public enum ArtifactDataModels {
    /// The model of each category Debusine 0.16 knows.
    public static let byCategory: [String: PydanticModel] = [
        KnownCategories.autopkgtest: autopkgtest,
        KnownCategories.binaryPackage: binaryPackage,
        KnownCategories.binaryPackages: binaryPackages,
        KnownCategories.blhc: blhc,
        KnownCategories.debdiff: debdiff,
        KnownCategories.debugSymbols: debugSymbols,
        KnownCategories.lintian: lintian,
        KnownCategories.packageBuildLog: packageBuildLog,
        KnownCategories.piuparts: piuparts,
        KnownCategories.repositoryIndex: repositoryIndex,
        KnownCategories.signingInput: signingInput,
        KnownCategories.signingOutput: signingOutput,
        KnownCategories.sourcePackage: sourcePackage,
        KnownCategories.systemImage: systemImage,
        KnownCategories.systemTarball: systemTarball,
        KnownCategories.test: empty,
        KnownCategories.upload: upload,
        KnownCategories.workRequestDebugLogs: empty,
    ]

    /// Checks an artifact's category and data as Debusine's `Artifact.clean` does.
    ///
    /// - Throws: `ArtifactDataError` with Debusine's text.
    public static func validate(category: String, data: JSONValue) throws(ArtifactDataError) {
        guard case .object = data else { throw .notADictionary }
        guard let model = byCategory[category] else { throw .invalidCategory(category) }
        do {
            try model.validate(data)
        } catch {
            throw .invalidData(error)
        }
    }

    /// An artifact's data as its category's model dumps it (`PydanticModel.dumped`: every field, defaults
    /// included), which is how Debusine saves an input artifact's data in `task_input_fields`
    /// (`tasks/models.py` `BaseTaskInputArtifact.serialize_data`: `data.model_dump()`); data of a category without a
    /// model is returned as it is.
    public static func dumped(category: String, data: [String: JSONValue]) -> [String: JSONValue] {
        byCategory[category]?.dumped(data) ?? data
    }

    // MARK: Models

    /// `EmptyArtifactData`: `debusine:work-request-debug-logs` and `debusine:test` carry no data.
    static let empty = PydanticModel("EmptyArtifactData", [])

    /// `DebianPackageBuildLog`.
    static let packageBuildLog = PydanticModel(
        "DebianPackageBuildLog",
        [
            .required("source", .string),
            .required("version", .string),
            .optional("architecture", .nullable(.string)),
            .required("filename", .string),
            .optional("bd_uninstallable", .nullable(.model(DoseDistCheckModel.model))),
        ])

    /// `DebianUpload`, with its four `changes_fields` validators.
    static let upload = PydanticModel(
        "DebianUpload",
        [
            .required("type", .literal(["dpkg"])),
            .required("changes_fields", .dictionary(key: .string, value: .any), validators: UploadChangesRules.all),
        ])

    /// `DebianSourcePackage`.
    static let sourcePackage = PydanticModel(
        "DebianSourcePackage",
        [
            .required("name", .string),
            .required("version", .string),
            .required("type", .literal(["dpkg"])),
            .required("dsc_fields", .dictionary(key: .string, value: .any)),
        ])

    /// `DebianBinaryPackage`.
    static let binaryPackage = PydanticModel(
        "DebianBinaryPackage",
        [
            .required("srcpkg_name", .string),
            .required("srcpkg_version", .string),
            .required("deb_fields", .dictionary(key: .string, value: .any)),
            .required("deb_control_files", .list(.string)),
        ])

    /// `DebianBinaryPackages`.
    static let binaryPackages = PydanticModel(
        "DebianBinaryPackages",
        [
            .required("srcpkg_name", .string),
            .required("srcpkg_version", .string),
            .required("version", .string),
            .required("architecture", .string),
            .required("packages", .list(.string)),
        ])

    /// `DebianDebugSymbols`: build IDs of 40 lowercase hex digits, none twice.
    static let debugSymbols = PydanticModel(
        "DebianDebugSymbols",
        [
            .required(
                "build_ids", .list(.pattern("^[0-9a-f]{40}$")),
                validators: [
                    { value in
                        var seen: Set<String> = []
                        for id in value.arrayValue?.compactMap(\.stringValue) ?? [] where !seen.insert(id).inserted {
                            return "duplicate build_id \(JSONValue.pythonStringRepr(id)) in build_ids"
                        }
                        return nil
                    }
                ])
        ])

    /// `DebianSystemTarball`.
    static let systemTarball = PydanticModel(
        "DebianSystemTarball",
        [
            .required("filename", .string),
            .required("vendor", .string),
            .required("codename", .string),
            .required("mirror", .url),
            .required("components", .list(.string)),
            .optional("variant", .nullable(.string)),
            .required("pkglist", .dictionary(key: .string, value: .string)),
            .required("architecture", .string),
            .required("with_dev", .boolean),
            .required("with_init", .boolean),
        ])

    /// `DebianSystemImage`: a tarball's fields and the image's.
    static let systemImage = systemTarball.subclass(
        "DebianSystemImage",
        adding: [
            .required("image_format", .literal(["raw", "qcow2"])),
            .required("filesystem", .string),
            .required("size", .integer),
            .required("boot_mechanism", .literal(["efi", "bios"])),
        ])

    /// `DebianLintian` and its `DebianLintianSummary`.
    static let lintian = PydanticModel(
        "DebianLintian",
        [
            .optional("architecture", .nullable(.string)),
            .required(
                "summary",
                .model(PydanticModel(
                    "DebianLintianSummary",
                    [
                        .required(
                            "tags_count_by_severity",
                            .dictionary(
                                key: .enumeration([
                                    "error", "warning", "info", "pedantic", "experimental", "overridden",
                                    "classification",
                                ]), value: .integer)),
                        .required("package_filename", .dictionary(key: .string, value: .string)),
                        .required("tags_found", .list(.string)),
                        .required("overridden_tags_found", .list(.string)),
                        .required("lintian_version", .string),
                        .required("distribution", .string),
                    ]))),
        ])

    /// `DebianAutopkgtest`, its results and its source.
    static let autopkgtest = PydanticModel(
        "DebianAutopkgtest",
        [
            .required(
                "results",
                .dictionary(
                    key: .string,
                    value: .model(PydanticModel(
                        "DebianAutopkgtestResult",
                        [
                            .required("status", .enumeration(["PASS", "FAIL", "FLAKY", "SKIP"])),
                            .optional("details", .nullable(.string)),
                        ])))),
            .required("cmdline", .string),
            .required(
                "source_package",
                .model(PydanticModel(
                    "DebianAutopkgtestSource",
                    [.required("name", .string), .required("version", .string), .required("url", .url)]))),
            .required("architecture", .string),
            .required("distribution", .string),
        ])

    /// `DebianPiuparts`.
    static let piuparts = PydanticModel(
        "DebianPiuparts",
        [
            .required("piuparts_version", .string),
            .required("binary_packages", .dictionary(key: .string, value: .string)),
            .required("architecture", .string),
            .required("distribution", .string),
        ])

    /// `DebusineSigningInput`.
    static let signingInput = PydanticModel(
        "DebusineSigningInput",
        [
            .optional("trusted_certs", .nullable(.list(.string))),
            .optional("binary_package_name", .nullable(.string)),
        ])

    /// `DebusineSigningOutput`; each result names its output file or its error, not both
    /// (`SigningResult.check_exactly_one_result`).
    static let signingOutput = PydanticModel(
        "DebusineSigningOutput",
        [
            .required("purpose", .enumeration(["uefi", "openpgp", "openpgp-repository"])),
            .required("fingerprint", .string),
            .required(
                "results",
                .list(.model(PydanticModel(
                    "SigningResult",
                    [
                        .required("file", .string),
                        .optional("output_file", .nullable(.string)),
                        .optional("error_message", .nullable(.string)),
                    ],
                    modelValidator: { result in
                        let hasOutput = !(result["output_file"]?.isNull ?? true)
                        let hasError = !(result["error_message"]?.isNull ?? true)
                        return hasOutput == hasError ? "Exactly one of output_file and error_message must be set" : nil
                    })))),
            .optional("binary_package_name", .nullable(.string)),
        ])

    /// `DebianBlhc`.
    static let blhc = PydanticModel(
        "DebianBlhc",
        [
            .optional("source", .nullable(.string)),
            .optional("version", .nullable(.string)),
            .optional("architecture", .nullable(.string)),
        ])

    /// `DebDiff`.
    static let debdiff = PydanticModel(
        "DebDiff",
        [.required("original", .string), .required("new", .string), .optional("label", .nullable(.string))])

    /// `DebianRepositoryIndex`.
    static let repositoryIndex = PydanticModel("DebianRepositoryIndex", [.optional("path", .nullable(.string))])
}

/// Why an artifact cannot be created with its category and data, in Debusine's words (`Artifact.clean`).
public enum ArtifactDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category is not one Debusine knows.
    case invalidCategory(String)
    /// The data is not a JSON object.
    case notADictionary
    /// The category's model refuses the data.
    case invalidData(PydanticValidationError)

    /// The field Debusine's `ValidationError` names: `category` or `data`.
    public var field: String {
        switch self {
        case .invalidCategory: "category"
        case .notADictionary, .invalidData: "data"
        }
    }

    public var description: String {
        switch self {
        case .invalidCategory(let category): "\(category): invalid artifact category"
        case .notADictionary: "data must be a dictionary"
        case .invalidData(let error): "invalid artifact data: \(error)"
        }
    }
}
