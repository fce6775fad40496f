import KilnCore

/// The data models of Debusine 0.16.2's Worker tasks, field by field in pydantic's order (inherited fields first,
/// as pydantic collects them), transcribed from the classes each declaration names.
extension TaskDataModels {
    /// Debusine `tasks/models.py` `NoopData`.
    static let noopData = PydanticModel(
        "NoopData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .optional("environment", .nullable(.lookupSingle)),
            .optional("build_architecture", .nullable(.string)),
            .optional("result", .enumeration(["", "success", "failure", "temporary failure", "error", "skipped"])),
        ]
    )

    /// Debusine `tasks/models.py` `ExtraDebusineRepository`.
    static let extraDebusineRepository = PydanticModel(
        "ExtraDebusineRepository",
        [
            .optional("components", .nullable(.list(.pattern("^(\\w|-)+$")))),
            .optional("architectures", .nullable(.list(.pattern("^(\\w|-)+$")))),
            .required("suite", .lookupSingle),
        ]
    )

    /// Debusine `tasks/models.py` `ExtraExternalRepository`.
    static let extraExternalRepository = PydanticModel(
        "ExtraExternalRepository",
        [
            .optional("components", .nullable(.list(.pattern("^(\\w|-)+$")))),
            .optional("architectures", .nullable(.list(.pattern("^(\\w|-)+$")))),
            .required("url", .hostedURL),
            .required("suite", .pattern("^(\\w|[./ -])+$")),
            .optional("signing_key", .nullable(.string)),
        ],
        modelValidatorName: "flat_repository",
        modelValidator: flatRepositoryHasNoComponents
    )

    /// Debusine `tasks/models.py` `AutopkgtestInput`.
    static let autopkgtestInput = PydanticModel(
        "AutopkgtestInput",
        [
            .required("source_artifact", .lookupSingle),
            .required("binary_artifacts", .lookupMultiple),
            .optional("context_artifacts", .lookupMultiple),
        ]
    )

    /// Debusine `tasks/models.py` `AutopkgtestFailOn`.
    static let autopkgtestFailOn = PydanticModel(
        "AutopkgtestFailOn",
        [
            .optional("failed_test", .boolean),
            .optional("flaky_test", .boolean),
            .optional("skipped_test", .boolean),
        ]
    )

    /// Debusine `tasks/models.py` `AutopkgtestTimeout`.
    static let autopkgtestTimeout = PydanticModel(
        "AutopkgtestTimeout",
        [
            .optional("global", .nullable(.boundedInteger(min: 0, max: nil))),
            .optional("factor", .nullable(.boundedInteger(min: 0, max: nil))),
            .optional("short", .nullable(.boundedInteger(min: 0, max: nil))),
            .optional("install", .nullable(.boundedInteger(min: 0, max: nil))),
            .optional("test", .nullable(.boundedInteger(min: 0, max: nil))),
            .optional("copy", .nullable(.boundedInteger(min: 0, max: nil))),
        ]
    )

    /// Debusine `tasks/models.py` `AutopkgtestData`.
    static let autopkgtestData = PydanticModel(
        "AutopkgtestData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional(
                "extra_repositories",
                .nullable(.list(.union([.model(extraDebusineRepository), .model(extraExternalRepository)])))
            ),
            .optional("build_architecture", .nullable(.string)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .required("input", .model(autopkgtestInput)),
            .optional("include_tests", .list(.string)),
            .optional("exclude_tests", .list(.string)),
            .optional("debug_level", .boundedInteger(min: 0, max: 3)),
            .optional("use_packages_from_base_repository", .boolean),
            .optional("pin_packages", .dictionary(key: .string, value: .list(.string))),
            .optional("extra_environment", .dictionary(key: .string, value: .string)),
            .optional("needs_internet", .enumeration(["run", "try", "skip"])),
            .optional("fail_on", .model(autopkgtestFailOn)),
            .optional("timeout", .nullable(.model(autopkgtestTimeout))),
        ]
    )

    /// Debusine `tasks/models.py` `LintianInput`.
    static let lintianInput = PydanticModel(
        "LintianInput",
        [
            .optional("source_artifact", .nullable(.lookupSingle)),
            .optional("binary_artifacts", .lookupMultiple),
        ],
        modelValidator: { input in
            let source = input["source_artifact"] ?? .null
            guard source.isNull, isEmptyLookupMultiple(input["binary_artifacts"]) else { return nil }
            return "One of source_artifact or binary_artifacts must be set"
        }
    )

    /// Debusine `tasks/models.py` `LintianOutput`.
    static let lintianOutput = PydanticModel(
        "LintianOutput",
        [
            .optional("source_analysis", .boolean),
            .optional("binary_all_analysis", .boolean),
            .optional("binary_any_analysis", .boolean),
        ]
    )

    /// Debusine `tasks/models.py` `LintianData`.
    static let lintianData = PydanticModel(
        "LintianData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .optional("environment", .nullable(.lookupSingle)),
            .optional("build_architecture", .nullable(.string)),
            .required("input", .model(lintianInput)),
            .optional("output", .model(lintianOutput)),
            .optional("target_distribution", .string),
            .optional("include_tags", .list(.string)),
            .optional("exclude_tags", .list(.string)),
            .optional(
                "fail_on_severity",
                .enumeration(["error", "warning", "info", "pedantic", "experimental", "overridden", "none"])
            ),
        ]
    )

    /// Debusine `tasks/models.py` `BlhcInput`.
    static let blhcInput = PydanticModel(
        "BlhcInput",
        [
            .required("artifact", .lookupSingle)
        ]
    )

    /// Debusine `tasks/models.py` `BlhcData`.
    static let blhcData = PydanticModel(
        "BlhcData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .required("build_architecture", .string),
            .required("input", .model(blhcInput)),
            .optional(
                "extra_flags",
                .list(
                    .enumeration(["--all", "--bindnow", "--buildd", "--color", "--debian", "--line-numbers", "--pie"])
                )
            ),
        ]
    )

    /// Debusine `tasks/models.py` `DebDiffInput`.
    static let debDiffInput = PydanticModel(
        "DebDiffInput",
        [
            .optional("source_artifacts", .nullable(.boundedList(.lookupSingle, min: 2, max: 2))),
            .optional("binary_artifacts", .nullable(.boundedList(.lookupMultiple, min: 2, max: 2))),
        ],
        modelValidator: { input in
            let source = input["source_artifacts"] ?? .null
            let binary = input["binary_artifacts"] ?? .null
            return source.isNull == binary.isNull
                ? "Exactly one of source_artifacts or binary_artifacts must be set" : nil
        }
    )

    /// Debusine `tasks/models.py` `DebDiffData`.
    static let debDiffData = PydanticModel(
        "DebDiffData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .required("build_architecture", .string),
            .required("input", .model(debDiffInput)),
            .optional(
                "extra_flags",
                .list(
                    .enumeration([
                        "--dirs", "--nocontrol", "--wdiff-source-control", "--show-moved", "--diffstat",
                        "--apply-patches", "--ignore-space",
                    ])
                )
            ),
        ]
    )

    /// Debusine `tasks/models.py` `PiupartsDataInput`.
    static let piupartsDataInput = PydanticModel(
        "PiupartsDataInput",
        [
            .required("binary_artifacts", .lookupMultiple)
        ]
    )

    /// Debusine `tasks/models.py` `PiupartsData`.
    static let piupartsData = PydanticModel(
        "PiupartsData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional(
                "extra_repositories",
                .nullable(.list(.union([.model(extraDebusineRepository), .model(extraExternalRepository)])))
            ),
            .optional("build_architecture", .nullable(.string)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .required("input", .model(piupartsDataInput)),
            .required("base_tgz", .lookupSingle),
        ]
    )

    /// Debusine `tasks/models.py` `SbuildInput`.
    static let sbuildInput = PydanticModel(
        "SbuildInput",
        [
            .required("source_artifact", .lookupSingle),
            .optional("extra_binary_artifacts", .lookupMultiple),
        ]
    )

    /// Debusine `tasks/models.py` `SbuildBinNMU`.
    static let sbuildBinNMU = PydanticModel(
        "SbuildBinNMU",
        [
            .required("changelog", .string),
            .required("suffix", .string),
            .optional("timestamp", .nullable(.datetime)),
            .optional("maintainer", .nullable(.nameEmail)),
        ]
    )

    /// Debusine `tasks/models.py` `SbuildData`.
    static let sbuildData = PydanticModel(
        "SbuildData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional(
                "extra_repositories",
                .nullable(.list(.union([.model(extraDebusineRepository), .model(extraExternalRepository)])))
            ),
            // Required in Debusine; Kiln falls back to KILN_FALLBACK_ARCHITECTURE (deploy/docs/fidelity.md).
            .optional("build_architecture", .nullable(.string)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .required("input", .model(sbuildInput)),
            .optional("build_components", .list(.enumeration(["any", "all", "source"]))),
            .optional("binnmu", .nullable(.model(sbuildBinNMU))),
            .optional("build_profiles", .nullable(.list(.string))),
            .optional("build_dep_resolver", .nullable(.enumeration(["apt", "aptitude", "aspcud", "xapt"]))),
            .optional("aspcud_criteria", .nullable(.string)),
            .optional("resolve_alternatives", .boolean),
        ],
        modelValidator: { data in
            // `check_binnmu_against_components`; `build_components` defaults to `["any"]`.
            guard !(data["binnmu"] ?? .null).isNull,
                data["build_components"]?.arrayValue?.contains(.string("all")) == true
            else { return nil }
            return "Cannot build architecture-independent packages in a binNMU"
        }
    )

    /// Debusine `tasks/models.py` `MmDebstrapBootstrapOptions`.
    static let mmDebstrapBootstrapOptions = PydanticModel(
        "MmDebstrapBootstrapOptions",
        [
            .required("architecture", .string),
            .optional(
                "variant",
                .nullable(
                    .enumeration([
                        "buildd", "minbase", "-", "apt", "custom", "debootstrap", "essential", "extract", "important",
                        "required", "standard",
                    ])
                )
            ),
            .optional("extra_packages", .list(.string)),
            .optional("use_signed_by", .boolean),
            .optional("gpgv_command", .nullable(.enumeration(["gpgv", "gpgv-sq"]))),
        ]
    )

    /// Debusine `tasks/models.py` `SystemBootstrapRepositoryKeyring`.
    static let systemBootstrapRepositoryKeyring = PydanticModel(
        "SystemBootstrapRepositoryKeyring",
        [
            .required("url", .url, validators: [keyringURLUnderKeyrings]),
            .optional("sha256sum", .string),
            .optional("install", .boolean),
        ]
    )

    /// Debusine `tasks/models.py` `SystemBootstrapRepository`.
    static let systemBootstrapRepository = PydanticModel(
        "SystemBootstrapRepository",
        [
            .required("mirror", .string),
            .required("suite", .string),
            .optional(
                "types",
                .boundedList(.enumeration(["deb", "deb-src"]), min: 1, max: nil),
                validators: [uniqueItems(enumClass: "SystemBootstrapRepositoryType")]
            ),
            .optional("components", .nullable(.list(.string)), validators: [uniqueItems(enumClass: nil)]),
            .optional("check_signature_with", .enumeration(["system", "external", "no-check"])),
            .optional("keyring_package", .nullable(.string)),
            .optional("keyring", .nullable(.model(systemBootstrapRepositoryKeyring))),
        ],
        modelValidator: { repository in
            guard repository["check_signature_with"]?.stringValue == "external", (repository["keyring"] ?? .null).isNull
            else { return nil }
            return "repository requires 'keyring': 'check_signature_with' is set to 'external'"
        }
    )

    /// Debusine `tasks/models.py` `MmDebstrapData`.
    static let mmDebstrapData = PydanticModel(
        "MmDebstrapData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("bootstrap_options", .model(mmDebstrapBootstrapOptions)),
            .required("bootstrap_repositories", .boundedList(.model(systemBootstrapRepository), min: 1, max: nil)),
            .optional("customization_script", .nullable(.string)),
        ]
    )

    /// Debusine `tasks/models.py` `DebootstrapBootstrapOptions`.
    static let debootstrapBootstrapOptions = PydanticModel(
        "DebootstrapBootstrapOptions",
        [
            .required("architecture", .string),
            .optional("variant", .nullable(.enumeration(["buildd", "minbase"]))),
            .optional("extra_packages", .list(.string)),
            .optional("use_signed_by", .boolean),
            .optional("gpgv_command", .nullable(.enumeration(["gpgv", "gpgv-sq"]))),
        ]
    )

    /// Debusine `tasks/models.py` `Partition`.
    static let partition = PydanticModel(
        "Partition",
        [
            .required("size", .integer),
            .required("filesystem", .string),
            .optional("mountpoint", .string),
        ]
    )

    /// Debusine `tasks/models.py` `DiskImage`.
    static let diskImage = PydanticModel(
        "DiskImage",
        [
            .required("format", .enumeration(["raw", "qcow2"])),
            .optional("filename", .string),
            .optional("kernel_package", .nullable(.string)),
            .optional("bootloader", .nullable(.string)),
            .required("partitions", .boundedList(.model(partition), min: 1, max: nil)),
        ]
    )

    /// Debusine `tasks/models.py` `SystemImageBuildData`.
    static let systemImageBuildData = PydanticModel(
        "SystemImageBuildData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("bootstrap_options", .model(debootstrapBootstrapOptions)),
            .required("bootstrap_repositories", .boundedList(.model(systemBootstrapRepository), min: 1, max: nil)),
            .optional("customization_script", .nullable(.string)),
            .required("disk_image", .model(diskImage)),
        ]
    )

    /// Debusine `tasks/models.py` `ExtractForSigningInput`.
    static let extractForSigningInput = PydanticModel(
        "ExtractForSigningInput",
        [
            .required("template_artifact", .lookupSingle),
            .required("binary_artifacts", .lookupMultiple),
        ]
    )

    /// Debusine `tasks/models.py` `ExtractForSigningData`.
    static let extractForSigningData = PydanticModel(
        "ExtractForSigningData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType, validators: [backendIsAuto(task: "ExtractForSigning")]),
            .required("environment", .lookupSingle),
            .optional("build_architecture", .nullable(.string)),
            .required("input", .model(extractForSigningInput)),
        ]
    )

    /// Debusine `tasks/models.py` `AssembleSignedSourceData`.
    static let assembleSignedSourceData = PydanticModel(
        "AssembleSignedSourceData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType, validators: [backendIsAuto(task: "AssembleSignedSource")]),
            .required("environment", .lookupSingle),
            .optional("build_architecture", .nullable(.string)),
            .required("template", .lookupSingle),
            .required("signed", .lookupMultiple),
        ]
    )

    /// Debusine `tasks/models.py` `MakeSourcePackageUploadInput`.
    static let makeSourcePackageUploadInput = PydanticModel(
        "MakeSourcePackageUploadInput",
        [
            .required("source_artifact", .lookupSingle)
        ]
    )

    /// Debusine `tasks/models.py` `MakeSourcePackageUploadData`.
    static let makeSourcePackageUploadData = PydanticModel(
        "MakeSourcePackageUploadData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .required("environment", .lookupSingle),
            .optional("build_architecture", .nullable(.string)),
            .required("input", .model(makeSourcePackageUploadInput)),
            .optional("since_version", .nullable(.string)),
            .optional("target_distribution", .nullable(.string)),
        ]
    )

    /// Debusine `tasks/models.py` `MergeUploadsInput`.
    static let mergeUploadsInput = PydanticModel(
        "MergeUploadsInput",
        [
            .required("uploads", .lookupMultiple)
        ]
    )

    /// Debusine `tasks/models.py` `MergeUploadsData`.
    static let mergeUploadsData = PydanticModel(
        "MergeUploadsData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("backend", backendType),
            .optional("environment", .nullable(.lookupSingle)),
            .required("input", .model(mergeUploadsInput)),
        ]
    )
}
