/// The rules a `debian:upload`'s `changes_fields` obeys (Debusine `artifacts/models.py` `DebianUpload`'s field
/// validators, in their order): `Architecture` and `Files` present; binaries in an upload for binary
/// architectures and in no source-only upload; a source-only upload's `.buildinfo` files for `source` only;
/// exactly one `.dsc` in a source upload, none in a binary-only one.
///
/// Where Debusine's validators fail with a Python error rather than a `ValueError` (an `Architecture` that is
/// not text, a file without a `name`), Kiln refuses the data with its own message (deploy/docs/fidelity.md).
enum UploadChangesRules {
    /// The validators, in Debusine's order.
    static let all: [@Sendable (JSONValue) -> String?] = [
        mandatoryFields, binariesIfBinary, sourceOnlyBuildinfo, dscIfSource,
    ]

    /// `metadata_mandatory_fields`, plus the shapes the other rules read.
    static func mandatoryFields(_ fields: JSONValue) -> String? {
        guard let fields = fields.objectValue else { return nil }
        guard let architecture = fields["Architecture"] else { return "changes_fields must contain Architecture" }
        guard let files = fields["Files"] else { return "changes_fields must contain Files" }
        guard architecture.stringValue != nil else { return "changes_fields Architecture must be a string" }
        // Python iterates an empty text or dictionary as no files, so the later rules speak about those.
        guard files.stringValue == "" || files.objectValue?.isEmpty == true
            || files.arrayValue?.allSatisfy({ $0.objectValue?["name"]?.stringValue != nil }) == true
        else {
            return "changes_fields Files must be a list of files, each with a name"
        }
        return nil
    }

    /// `metadata_contains_debs_if_binary`.
    static func binariesIfBinary(_ fields: JSONValue) -> String? {
        let (architectures, names) = shape(fields)
        let binaries = names.filter { $0.hasSuffix(".deb") || $0.hasSuffix(".udeb") }
        if architectures == ["source"], !binaries.isEmpty {
            return "Unexpected binary packages \(repr(binaries)) found in source-only upload."
        }
        if !architectures.subtracting(["source"]).isEmpty, binaries.isEmpty {
            // Debusine joins a frozenset, whose order Python's string hashing varies; Kiln sorts.
            return "No .debs found in \(repr(names.sorted(by: JSONValue.pythonOrder))) which is expected to contain "
                + "binaries for \(architectures.sorted(by: JSONValue.pythonOrder).joined(separator: ", "))"
        }
        return nil
    }

    /// `metadata_source_only_buildinfo`.
    static func sourceOnlyBuildinfo(_ fields: JSONValue) -> String? {
        let (architectures, names) = shape(fields)
        guard architectures == ["source"] else { return nil }
        let binaryBuildinfo = names.filter { $0.hasSuffix(".buildinfo") && !$0.hasSuffix("_source.buildinfo") }
        guard binaryBuildinfo.isEmpty else {
            return "Unexpected non-source .buildinfo files \(repr(binaryBuildinfo)) found in source-only upload."
        }
        return nil
    }

    /// `metadata_contains_dsc_if_source`.
    static func dscIfSource(_ fields: JSONValue) -> String? {
        let (architectures, names) = shape(fields)
        let sources = names.filter { $0.hasSuffix(".dsc") }
        if architectures.contains("source"), sources.count != 1 {
            return "Expected to find one and only one source package in source upload. Found \(repr(sources))."
        }
        if !architectures.contains("source"), !sources.isEmpty {
            return "Binary uploads cannot contain source packages. Found: \(repr(sources))."
        }
        return nil
    }

    /// The architectures (`Architecture` split on whitespace, as Python's `str.split()`) and the file names.
    private static func shape(_ fields: JSONValue) -> (architectures: Set<String>, names: [String]) {
        let object = fields.objectValue ?? [:]
        let architectures = (object["Architecture"]?.stringValue ?? "").split(whereSeparator: isPythonSpace)
            .map(String.init)
        let names = object["Files"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
        return (Set(architectures), names)
    }

    /// Python's `str.isspace()`, on which `str.split()` splits: Unicode white space and the separators U+001C–U+001F.
    private static func isPythonSpace(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.allSatisfy { (0x1C...0x1F).contains($0.value) }
    }

    /// Python's repr of a list of strings.
    private static func repr(_ names: [String]) -> String { JSONValue.array(names.map(JSONValue.string)).pythonRepr }
}
