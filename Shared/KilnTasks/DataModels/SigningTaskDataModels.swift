import KilnCore

/// The data models of Debusine 0.16.2's Signing tasks, field by field in pydantic's order (inherited fields first,
/// as pydantic collects them), transcribed from the classes each declaration names.
extension TaskDataModels {
    /// Debusine `signing/tasks/models.py` `SigningNoopData`.
    static let signingNoopData = PydanticModel(
        "SigningNoopData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .optional("result", .enumeration(["", "success", "failure", "temporary failure", "error", "skipped"])),
        ]
    )

    /// Debusine `signing/tasks/models.py` `GenerateKeyData`.
    static let generateKeyData = PydanticModel(
        "GenerateKeyData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("purpose", .enumeration(["uefi", "openpgp", "openpgp-repository"])),
            .optional("storage", .enumeration(["nacl", "pkcs11-static"])),
            .required("description", .string),
            .optional("scope", .nullable(.string)),
            .optional("workspace", .nullable(.string)),
        ],
        modelValidator: { data in
            // `validate_purpose_and_storage`: only `nacl` storage may generate keys.
            let storage = data["storage"]?.stringValue ?? "nacl"
            guard storage != "nacl" else { return nil }
            return "'\(data["purpose"]?.stringValue ?? "")' keys may not be generated in '\(storage)' storage"
        }
    )

    /// Debusine `signing/tasks/models.py` `SignData`.
    static let signData = PydanticModel(
        "SignData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required(
                "purpose",
                .enumeration(["uefi", "openpgp", "openpgp-repository"]),
                validators: [
                    { purpose in
                        purpose.stringValue == "openpgp-repository"
                            ? "Key purpose may not be 'openpgp-repository' here (handled by SignRepositoryIndex task instead)"
                            : nil
                    }
                ]
            ),
            .required("unsigned", .lookupMultiple),
            .required("key", .string),
        ]
    )

    /// Debusine `signing/tasks/models.py` `DebsignData`.
    static let debsignData = PydanticModel(
        "DebsignData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("unsigned", .lookupSingle),
            .required("key", .string),
        ]
    )

    /// Debusine `signing/tasks/models.py` `SignRepositoryIndexData`.
    static let signRepositoryIndexData = PydanticModel(
        "SignRepositoryIndexData",
        [
            .optional("task_configuration", .nullable(.lookupSingle)),
            .required("suite_collection", .lookupSingle),
            .required("unsigned", .lookupSingle),
            .required(
                "mode",
                .enumeration(["attached", "detached", "clear", "debsign"]),
                validators: [
                    { mode in
                        let text = mode.stringValue ?? ""
                        return ["detached", "clear"].contains(text)
                            ? nil : "Signing mode must be 'detached' or 'clear'; got '\(text)'"
                    }
                ]
            ),
            .required("signed_name", .pattern("^[^/]+$")),
        ]
    )
}
