import Crypto
import Foundation
import KilnCore

/// Debusine's `SbuildValidatorMixin.check_directory_for_consistency_errors` (`tasks/sbuild_validator_mixin.py`),
/// run on sbuild's build folder before anything is uploaded: every file the `.changes` (and a `.dsc`, for a
/// source build) lists exists with the listed SHA-1, SHA-256 and MD5, and no other file is there besides the
/// `.dsc`, `.changes` and `.build` files. Any error makes the run a failure with nothing uploaded but its log.
enum SbuildConsistency {
    /// The errors found in `folder`, sorted (as Debusine writes them to `consistency.log`); empty when consistent.
    static func errors(in folder: URL) -> [String] {
        var errors: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let ignored = [".dsc", ".changes", ".build"]
        var unreferenced = Set(names.filter { name in !ignored.contains { name.hasSuffix($0) } })
        for suffix in [".changes", ".dsc"] {
            // Debusine's `find_file_suffixes`: the first such regular file, by name.
            guard
                let name = names.first(where: { name in
                    name.hasSuffix(suffix) && !SbuildRunner.isSymbolicLink(folder.appendingPathComponent(name))
                })
            else { continue }
            let paragraph: Deb822Paragraph
            do {
                paragraph = try Deb822.parse(
                    String(decoding: try Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self))
            } catch {
                errors.append("\(name): \(error)")
                continue
            }
            check(paragraph, in: folder, errors: &errors, unreferenced: &unreferenced)
        }
        if !unreferenced.isEmpty {
            let paths = unreferenced.sorted().map { JSONValue.string(folder.appendingPathComponent($0).path) }
            errors.append("Files in directory not referenced in .changes or .dsc: \(JSONValue.array(paths).pythonRepr)")
        }
        return errors.sorted()
    }

    /// Each listed file of each checksum field: present, and with that checksum.
    private static func check(
        _ paragraph: Deb822Paragraph, in folder: URL, errors: inout [String], unreferenced: inout Set<String>
    ) {
        let sections: [(algorithm: String, field: String, column: String)] = [
            ("sha1", "Checksums-Sha1", "sha1"), ("sha256", "Checksums-Sha256", "sha256"), ("md5", "Files", "md5sum"),
        ]
        let rows = paragraph.json(multivalued: PackageArtifactData.changesMultivalued)
        for (algorithm, field, column) in sections {
            for row in rows.objectValue?[field]?.arrayValue ?? [] {
                guard let name = row.objectValue?["name"]?.stringValue, !name.contains("/") else { continue }
                let file = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    errors.append("File in .changes section \(field) does not exist: \(JSONValue.string(name).pythonRepr)")
                    continue
                }
                let expected = row.objectValue?[column]?.stringValue ?? ""
                let actual = (try? digest(of: file, algorithm: algorithm)) ?? ""
                if expected != actual {
                    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
                    errors.append(
                        "\(algorithm) for file \(name) does not match: expected: \(expected) actual: \(actual). "
                            + "Size expected: \(row.objectValue?["size"]?.stringValue ?? "") actual: \(size)")
                }
                unreferenced.remove(name)
            }
        }
    }

    /// The file's digest in lower-case hexadecimal, read 1 MiB at a time.
    static func digest(of file: URL, algorithm: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        func run<H: HashFunction>(_ hasher: inout H) throws -> String {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
        switch algorithm {
        case "sha1":
            var hasher = Insecure.SHA1()
            return try run(&hasher)
        case "md5":
            var hasher = Insecure.MD5()
            return try run(&hasher)
        default:
            var hasher = SHA256()
            return try run(&hasher)
        }
    }
}
