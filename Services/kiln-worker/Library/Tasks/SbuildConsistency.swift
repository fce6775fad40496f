import Crypto
import FileStore
import Foundation
import KilnCore

/// Debusine's `SbuildValidatorMixin.check_directory_for_consistency_errors` (`tasks/sbuild_validator_mixin.py`),
/// run on sbuild's build folder before anything is uploaded: every file the `.changes` (and a `.dsc`, for a
/// source build) lists exists with the listed SHA-1, SHA-256 and MD5, and no other file is there besides the
/// `.dsc`, `.changes` and `.build` files. Any error makes the run a failure with nothing uploaded but its log.
enum SbuildConsistency {
    /// The errors found in `folder`, sorted (as Debusine writes them to `consistency.log`); empty when consistent.
    ///
    /// - Throws: ``SbuildConsistencyError`` where Debusine's check raises instead of reporting (the run is then
    ///   an error): more than one `.changes` or `.dsc`, a checksum field missing.
    static func errors(in folder: URL) throws -> [String] {
        var errors: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let ignored = [".dsc", ".changes", ".build"]
        var unreferenced = Set(names.filter { name in !ignored.contains { name.hasSuffix($0) } })
        for suffix in [".changes", ".dsc"] {
            // Debusine's `find_file_suffixes`: regular files only, and never more than one.
            let found = names.filter { $0.hasSuffix(suffix) && !SbuildRunner.isSymbolicLink(folder.appendingPathComponent($0)) }
            guard let name = found.first else { continue }
            guard found.count == 1 else {
                throw SbuildConsistencyError.several(suffix: suffix, paths: found.map { folder.appendingPathComponent($0).path })
            }
            let paragraph: Deb822Paragraph
            do {
                let text = SbuildLog.text(of: folder.appendingPathComponent(name))
                paragraph = try Deb822.parse(text)
                // Debusine's `read_dsc` (Source, Version) and `read_changes`, both with `_check_deb822_security`.
                if suffix == ".dsc" {
                    _ = try PackageArtifactData.sourcePackage(dscName: name, dscText: text)
                } else {
                    _ = try PackageArtifactData.listedFiles(paragraph, in: name, fields: ["Files", "Checksums-Sha1", "Checksums-Sha256"])
                }
            } catch {
                errors.append("\(error)")
                continue
            }
            try check(paragraph, named: name, in: folder, errors: &errors, unreferenced: &unreferenced)
        }
        if !unreferenced.isEmpty {
            let paths = unreferenced.sorted().map { JSONValue.string(folder.appendingPathComponent($0).path) }
            errors.append("Files in directory not referenced in .changes or .dsc: \(JSONValue.array(paths).pythonRepr)")
        }
        return errors.sorted()
    }

    /// Each listed file of each checksum field: present, and with that checksum.
    private static func check(
        _ paragraph: Deb822Paragraph, named name: String, in folder: URL, errors: inout [String],
        unreferenced: inout Set<String>
    ) throws {
        let sections: [(algorithm: String, field: String, column: String)] = [
            ("sha1", "Checksums-Sha1", "sha1"), ("sha256", "Checksums-Sha256", "sha256"), ("md5", "Files", "md5sum"),
        ]
        let rows = paragraph.json(multivalued: PackageArtifactData.changesMultivalued).objectValue ?? [:]
        var digests: [String: Checksums] = [:]
        for (algorithm, field, column) in sections {
            guard let entries = rows[field]?.arrayValue else {
                throw SbuildConsistencyError.missingField(file: name, field: field)
            }
            for row in entries.compactMap(\.objectValue) {
                guard let listed = row["name"]?.stringValue else { continue }
                let file = folder.appendingPathComponent(listed)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    errors.append("File in .changes section \(field) does not exist: \(JSONValue.string(listed).pythonRepr)")
                    continue
                }
                if digests[listed] == nil { digests[listed] = try? Checksums(of: file) }
                let expected = row[column]?.stringValue ?? ""
                let actual = digests[listed]?[algorithm] ?? ""
                if expected != actual {
                    errors.append(
                        "\(algorithm) for file \(listed) does not match: expected: \(expected) actual: \(actual). "
                            + "Size expected: \(row["size"]?.stringValue ?? "") actual: \(digests[listed]?.size ?? 0)")
                }
                unreferenced.remove(listed)
            }
        }
    }

    /// A file's MD5, SHA-1 and SHA-256 in lower-case hexadecimal, from one read, and its size.
    struct Checksums {
        let md5: String
        let sha1: String
        let sha256: String
        let size: Int

        init(of file: URL) throws {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            var md5 = Insecure.MD5()
            var sha1 = Insecure.SHA1()
            var sha256 = ContentDigest()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                md5.update(data: chunk)
                sha1.update(data: chunk)
                sha256.update(chunk)
            }
            self.md5 = ContentDigest.hex(md5.finalize())
            self.sha1 = ContentDigest.hex(sha1.finalize())
            self.sha256 = sha256.hex()
            size = sha256.byteCount
        }

        /// The digest named as Debusine names it (`md5`, `sha1`, `sha256`).
        subscript(algorithm: String) -> String {
            switch algorithm {
            case "md5": md5
            case "sha1": sha1
            default: sha256
            }
        }
    }
}

/// Where Debusine's consistency check raises rather than reports.
enum SbuildConsistencyError: Error, Hashable, CustomStringConvertible {
    /// `find_file_suffixes`'s `RuntimeError`.
    case several(suffix: String, paths: [String])
    /// A checksum field Debusine's check reads unconditionally.
    case missingField(file: String, field: String)

    var description: String {
        switch self {
        case .several(let suffix, let paths):
            "More than one \(JSONValue.array([.string(suffix)]).pythonRepr) file: \(JSONValue.array(paths.map(JSONValue.string)).pythonRepr)"
        case .missingField(let file, let field): "\(JSONValue.string(file).pythonRepr) has no \(field) field"
        }
    }
}
