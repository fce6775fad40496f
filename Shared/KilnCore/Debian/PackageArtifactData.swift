/// The data and files of the artifacts `kiln artifact create` derives from Debian files, as Debusine's client
/// does (`debusine/artifacts/local_artifact.py` `SourcePackage.create`, `Upload.create`, `BinaryPackage.create`;
/// `debusine/client/client_utils.py` `prepare_dsc_for_upload`).
public enum PackageArtifactData {
    /// python-debian's multivalued fields of a `.dsc`.
    public static let dscMultivalued: [String: [String]] = [
        "files": ["md5sum", "size", "name"], "checksums-sha1": ["sha1", "size", "name"],
        "checksums-sha256": ["sha256", "size", "name"], "checksums-sha512": ["sha512", "size", "name"],
    ]
    /// python-debian's multivalued fields of a `.changes`.
    public static let changesMultivalued: [String: [String]] = dscMultivalued.merging(
        ["files": ["md5sum", "size", "section", "priority", "name"]]) { $1 }

    /// A `debian:source-package` from a `.dsc`: `name` (Source), `version`, `type: dpkg`, `dsc_fields` (the
    /// whole paragraph), and the files it lists, which must sit beside it.
    ///
    /// - Returns: the data and the file names the `.dsc` lists (without the `.dsc` itself).
    /// - Throws: ``PackageArtifactError`` with Debusine's messages.
    public static func sourcePackage(dscName: String, dscText: String) throws(PackageArtifactError)
        -> (data: [String: JSONValue], files: [String])
    {
        let paragraph: Deb822Paragraph
        do { paragraph = try Deb822.parse(dscText) } catch { throw .unreadable(name: dscName, reason: "\(error)") }
        guard let source = paragraph["Source"] else { throw .missingField(name: dscName, field: "Source") }
        guard let version = paragraph["Version"] else { throw .missingField(name: dscName, field: "Version") }
        let files = try listedFiles(paragraph, in: dscName, fields: ["Files", "Checksums-Sha1", "Checksums-Sha256"])
        return (
            [
                "name": .string(source), "version": .string(version), "type": "dpkg",
                "dsc_fields": paragraph.json(multivalued: dscMultivalued),
            ], files
        )
    }

    /// A `debian:upload` from a `.changes`: `type: dpkg`, `changes_fields`, and the files its
    /// `Checksums-Sha256` lists.
    ///
    /// - Throws: ``PackageArtifactError``: unreadable, or without `Architecture` or `Files`.
    public static func upload(changesName: String, changesText: String) throws(PackageArtifactError)
        -> (data: [String: JSONValue], files: [String])
    {
        let paragraph: Deb822Paragraph
        do { paragraph = try Deb822.parse(changesText) } catch { throw .unreadable(name: changesName, reason: "\(error)") }
        for field in ["Architecture", "Files"] where paragraph[field] == nil {
            throw .missingField(name: changesName, field: field)
        }
        let files = try listedFiles(paragraph, in: changesName, fields: ["Checksums-Sha256", "Files"])
        return (["type": "dpkg", "changes_fields": paragraph.json(multivalued: changesMultivalued)], files)
    }

    /// A `debian:binary-package` from a `.deb` (Debusine's `BinaryPackage.create`): `deb_fields`, its control
    /// paragraph (what `dpkg-deb --field` prints); `deb_control_files`, the members of its control archive under
    /// `./` (what `dpkg-deb --ctrl-tarfile | tar -t` lists, as Python's `tarfile` names them), their leading dots
    /// and slashes stripped, sorted; and the source's name and version: `Source: name (version)` when the binary's
    /// version differs, else `Source` (or `Package`) and `Version`.
    ///
    /// - Throws: ``PackageArtifactError``: an unreadable paragraph, or one without `Package` or `Version`.
    public static func binaryPackage(debName: String, controlText: String, controlMembers: [String])
        throws(PackageArtifactError) -> [String: JSONValue]
    {
        let paragraph: Deb822Paragraph
        do { paragraph = try Deb822.parse(controlText) } catch { throw .unreadable(name: debName, reason: "\(error)") }
        guard let package = paragraph["Package"] else { throw .missingField(name: debName, field: "Package") }
        var name = paragraph["Source"] ?? package
        var version: String
        // `^(.*) \((.*)\)$` (greedy, so the last ` (`): the binary was built from another version of the source.
        let characters = Array(name)
        if characters.last == ")",
            let open = characters.indices.dropLast().last(where: { characters[$0] == " " && characters[$0 + 1] == "(" })
        {
            version = String(characters[(open + 2)..<(characters.count - 1)])
            name = String(characters[..<open])
        } else {
            guard let own = paragraph["Version"] else { throw .missingField(name: debName, field: "Version") }
            version = own
        }
        var fields: [String: JSONValue] = [:]
        for (field, value) in paragraph.fields { fields[field] = .string(value) }
        // Python's `tarfile` names a directory without its trailing slash, so the archive's `./` is `.` and left out.
        let files = controlMembers.map { String($0.reversed().drop { $0 == "/" }.reversed()) }.filter { $0.hasPrefix("./") }
            .map { String($0.drop { $0 == "." || $0 == "/" }) }
            .sorted(by: JSONValue.pythonOrder)
        return [
            "srcpkg_name": .string(name), "srcpkg_version": .string(version), "deb_fields": .object(fields),
            "deb_control_files": .array(files.map(JSONValue.string)),
        ]
    }

    /// The commands whose output `binaryPackage` reads, in order, each with the file its stdout goes to:
    /// `dpkg-deb --field` into `control`, `dpkg-deb --ctrl-tarfile` into `tarball`, then `tar -tf` of it into
    /// `members`. Run one at a time and each checked: a pipe would hide a failing `dpkg-deb` behind `tar`'s status.
    public static func debReadingCommands(deb: String, control: String, tarball: String, members: String)
        -> [(arguments: [String], output: String)]
    {
        [
            (["dpkg-deb", "--field", deb], control),
            (["dpkg-deb", "--ctrl-tarfile", deb], tarball),
            (["tar", "-tf", tarball], members),
        ]
    }

    /// The file names the `fields` list (last column), each a plain name: Debusine's `_check_deb822_security`
    /// refuses any with a path component.
    public static func listedFiles(_ paragraph: Deb822Paragraph, in name: String, fields: [String]) throws(PackageArtifactError)
        -> [String]
    {
        var names: [String] = []
        for field in fields {
            guard let value = paragraph[field] else { continue }
            for line in value.split(separator: "\n") {
                guard let file = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) else {
                    continue
                }
                if file.contains("/") { throw .pathComponent(name: name, field: field, file: file) }
                if !names.contains(file) { names.append(file) }
            }
        }
        return names
    }
}

/// Why a Debian file cannot become an artifact, in Debusine's words.
public enum PackageArtifactError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not a control file.
    case unreadable(name: String, reason: String)
    /// A required field is missing (`'hello.dsc' does not contain Source field`).
    case missingField(name: String, field: String)
    /// A listed file with a directory part.
    case pathComponent(name: String, field: String, file: String)

    public var description: String {
        switch self {
        case .unreadable(let name, let reason): "\(JSONValue.string(name).pythonRepr) cannot be read: \(reason)"
        case .missingField(let name, let field): "\(JSONValue.string(name).pythonRepr) does not contain \(field) field"
        case .pathComponent(let name, let field, let file):
            "\(JSONValue.string(name).pythonRepr) has an entry in \(field) with more than one path component: \(JSONValue.string(file).pythonRepr)"
        }
    }
}
