/// dose-debcheck's report as sbuild runs it, the `bd_uninstallable` of a `debian:package-build-log`
/// (Debusine `artifacts/models.py` `DoseDistCheck` and its parts). dose3 spells its keys with hyphens
/// (`output-version`, `unsat-dependency`), which Debusine's `DoseDistCheckHyphenize` models declare as aliases.
enum DoseDistCheckModel {
    /// `DoseDistCheckBasePkg`'s fields.
    private static let basePackageFields: [PydanticModel.Field] = [
        .required("package", .string),
        .required("version", .string),
        .optional("architecture", .nullable(.string)),
    ]

    private static let depchain = PydanticModel(
        "DoseDistCheckDepchain",
        [.required("depchain", .list(.model(PydanticModel(
            "DoseDistCheckDepchainPkg", basePackageFields + [.optional("depends", .nullable(.string))]))))])

    private static let missing = PydanticModel(
        "DoseDistCheckReasonMissing",
        [
            .required("missing", .model(PydanticModel(
                "DoseDistCheckReasonMissingExt",
                [
                    .required("pkg", .model(PydanticModel(
                        "DoseDistCheckReasonMissingPkg",
                        basePackageFields + [.optional("unsat-dependency", .nullable(.string))]))),
                    .optional("depchains", .list(.model(depchain)), default: []),
                ])))
        ])

    private static let conflictPackage = PydanticModel(
        "DoseDistCheckReasonConflictPkg", basePackageFields + [.optional("unsat-conflict", .nullable(.string))])

    private static let conflict = PydanticModel(
        "DoseDistCheckReasonConflict",
        [
            .required("conflict", .model(PydanticModel(
                "DoseDistCheckReasonConflictExt",
                [
                    .required("pkg1", .model(conflictPackage)),
                    .required("pkg2", .model(conflictPackage)),
                    .optional("depchain1", .list(.model(depchain)), default: []),
                    .optional("depchain2", .list(.model(depchain)), default: []),
                ])))
        ])

    private static let package = PydanticModel(
        "DoseDistCheckPackage",
        basePackageFields + [
            .optional("essential", .nullable(.boolean)),
            .optional("type", .nullable(.string)),
            .optional("source", .nullable(.string)),
            .required("status", .union([.literal(["broken"]), .literal(["ok"])])),
            .optional("success", .nullable(.string)),
            .required("reasons", .list(.union([.model(missing), .model(conflict)]))),
        ])

    /// `DoseDistCheck`.
    static let model = PydanticModel(
        "DoseDistCheck",
        [
            .required("output-version", .string),
            .optional("native-architecture", .nullable(.string)),
            .optional("foreign-architecture", .nullable(.string)),
            .optional("host-architecture", .nullable(.string)),
            .required("report", .list(.model(package))),
            .required("total-packages", .integer),
            .required("broken-packages", .integer),
            .required("background-packages", .integer),
            .required("foreground-packages", .integer),
        ])
}
