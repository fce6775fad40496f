/// The rules Debusine's client checks on the files of a new artifact, per category (`artifacts/local_artifact.py`:
/// the `files` validators of each `LocalArtifact` class, run when `debusine artifact create --upload` builds one):
/// a build log is one `.build` file, a binary package one `.deb` or `.udeb`, a system tarball one `.tar.xz`,
/// a lintian report `analysis.json` and `lintian.txt`, debug symbols one file per build ID, and so on.
///
/// Kiln checks them when files are uploaded (`kiln artifact create --upload`); an artifact created without files
/// is not checked, as Debusine's own test playground creates them (deploy/docs/fidelity.md, "Artifact files").
/// The `.dsc` and `.changes` of source packages and uploads are read, and checked, where their data is derived
/// (`UploadPlan`).
public enum ArtifactFileRules {
    /// The first rule `names` (the artifact's file paths, in the order given) break, worded as Debusine's
    /// `ValueError`; nil when they fit. `data` is the artifact's data (debug symbols' `build_ids`).
    public static func violation(category: String, names: [String], data: [String: JSONValue]) -> String? {
        switch category {
        case KnownCategories.packageBuildLog:
            return count(names, exactly: 1) ?? suffixes(names, [".build"])
        case KnownCategories.binaryPackage:
            return suffixes(names, [".deb", ".udeb"]) ?? (names.count == 1 ? nil : "Must have exactly one file")
        case KnownCategories.binaryPackages:
            return suffixes(names, [".deb", ".udeb"]) ?? (names.isEmpty ? "Must have at least one file" : nil)
        case KnownCategories.lintian:
            let required = ["analysis.json", "lintian.txt"]
            return Set(names) == Set(required)
                ? nil : "Files required: \(JSONValue.array(required.map(JSONValue.string)).pythonRepr)"
        case KnownCategories.systemTarball:
            guard names.count == 1, let name = names.first else {
                return "DebianSystemTarballArtifact does not contain exactly one file"
            }
            return name.hasSuffix(".tar.xz") ? nil : "Invalid file name: '\(name)'. Expected .tar.xz"
        case KnownCategories.systemImage:
            guard names.count == 1, let name = names.first else {
                return "DebianSystemImageArtifact does not contain exactly one file"
            }
            return name.hasSuffix(".tar.xz") || name.hasSuffix(".qcow2")
                ? nil : "Invalid file name: '\(name)'. Expected .tar.xz or qcow2"
        case KnownCategories.signingInput:
            return names.isEmpty ? "Expected at least one file" : nil
        case KnownCategories.debugSymbols:
            let buildIDs = data["build_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let errors =
                buildIDs.filter { !names.contains($0) }.map { "missing file for build_id \(JSONValue.pythonStringRepr($0))" }
                + names.filter { !buildIDs.contains($0) }.map { "file \(JSONValue.pythonStringRepr($0)) has no matching build_id" }
            return errors.isEmpty ? nil : "build_ids vs files mismatch:\n" + errors.joined(separator: "\n")
        default:
            return nil
        }
    }

    /// `LocalArtifact._validate_files_length`.
    private static func count(_ names: [String], exactly number: Int) -> String? {
        names.count == number ? nil : "Expected number of files: \(number) Actual: \(names.count)"
    }

    /// `LocalArtifact._validate_files_end_in`: the first file, in order, that ends in none of `allowed`.
    private static func suffixes(_ names: [String], _ allowed: [String]) -> String? {
        guard let name = names.first(where: { name in !allowed.contains { name.hasSuffix($0) } }) else { return nil }
        return "Valid file suffixes: \(JSONValue.array(allowed.map(JSONValue.string)).pythonRepr). Invalid filename: \"\(name)\""
    }
}
