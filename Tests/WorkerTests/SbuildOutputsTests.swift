import Foundation
import KilnCore
import KilnTasks
import Testing

@testable import KilnWorker

/// What sbuild's outputs carry besides the packages: dose3's explanation of uninstallable build dependencies
/// (Debusine `tasks/sbuild.py` `_extract_dose3_explanation`, model `DoseDistCheck`; tests
/// `test_extract_dose3_explanation*`) and the build IDs of `-dbgsym` packages (`_extract_build_id_files`).
@Suite("sbuild's build-log explanation and debug symbols")
struct SbuildOutputsTests {
    /// The dose3 section of a real sbuild log (bookworm, a build dependency that does not exist).
    static let missingLog = """
        (I)Dose_applications: Cudf Universe: 63442 packages
        (I)Dose_applications: --checkonly specified, consider all packages as background packages
        (I)Dose_applications: Solving...
        output-version: 1.2
        native-architecture: amd64
        report:
         -
          package: sbuild-build-depends-main-dummy
          version: 0.invalid.0
          architecture: amd64
          status: broken
          reasons:
           -
            missing:
             pkg:
              package: sbuild-build-depends-main-dummy
              version: 0.invalid.0
              architecture: amd64
              unsat-dependency: kiln-no-such-package:amd64 (>= 2)
        \u{20}
        background-packages: 63441
        foreground-packages: 1
        total-packages: 63442
        broken-packages: 1

        +------------------------------------------------------------------------------+
        | Cleanup                                                                      |
        +------------------------------------------------------------------------------+
        Status: given-back
        """

    @Test("a missing build dependency: Debusine's DoseDistCheck dump, hyphenated keys, strings kept, counts as numbers, absent fields null")
    func missingDependency() throws {
        let explanation = try #require(try SbuildDoseExplanation.parse(log: Self.missingLog))
        let expected: JSONValue = [
            "output-version": "1.2", "native-architecture": "amd64", "foreign-architecture": nil, "host-architecture": nil,
            "report": [
                [
                    "package": "sbuild-build-depends-main-dummy", "version": "0.invalid.0", "architecture": "amd64",
                    "essential": nil, "type": nil, "source": nil, "status": "broken", "success": nil,
                    "reasons": [
                        [
                            "missing": [
                                "pkg": [
                                    "package": "sbuild-build-depends-main-dummy", "version": "0.invalid.0",
                                    "architecture": "amd64", "unsat-dependency": "kiln-no-such-package:amd64 (>= 2)",
                                ],
                                "depchains": [],
                            ]
                        ]
                    ],
                ]
            ],
            "total-packages": 63442, "broken-packages": 1, "background-packages": 63441, "foreground-packages": 1,
        ]
        #expect(explanation == expected)
    }

    @Test("a conflict with its dependency chains; booleans read as pydantic reads them")
    func conflict() throws {
        let log = """
            (I)Dose_applications: Solving...
            output-version: 1.2
            native-architecture: amd64
            report:
             -
              package: sbuild-build-depends-main-dummy
              version: 0.invalid.0
              essential: no
              status: broken
              reasons:
               -
                conflict:
                 pkg1:
                  package: libfoo-dev
                  version: 1.0
                  architecture: amd64
                  unsat-conflict: libbar-dev
                 pkg2:
                  package: libbar-dev
                  version: 2.0
                  architecture: amd64
                 depchain1:
                  -
                   depchain:
                    -
                     package: sbuild-build-depends-main-dummy
                     version: 0.invalid.0
                     architecture: amd64
                     depends: libfoo-dev
            background-packages: 10
            foreground-packages: 1
            total-packages: 11
            broken-packages: 1
            """
        let explanation = try #require(try SbuildDoseExplanation.parse(log: log))
        let package = try #require(explanation.objectValue?["report"]?.arrayValue?.first?.objectValue)
        #expect(package["essential"] == .bool(false))
        #expect(package["architecture"] == .null)
        let conflict = try #require(package["reasons"]?.arrayValue?.first?.objectValue?["conflict"]?.objectValue)
        #expect(conflict["pkg1"] == ["package": "libfoo-dev", "version": "1.0", "architecture": "amd64", "unsat-conflict": "libbar-dev"])
        #expect(conflict["pkg2"]?.objectValue?["unsat-conflict"] == .null)
        #expect(
            conflict["depchain1"] == [
                ["depchain": [["package": "sbuild-build-depends-main-dummy", "version": "0.invalid.0", "architecture": "amd64", "depends": "libfoo-dev"]]]
            ])
        #expect(conflict["depchain2"] == [])
    }

    @Test("no explanation without dose3 output, when output-version does not follow, or when the output does not fit the model")
    func noExplanation() throws {
        #expect(try SbuildDoseExplanation.parse(log: "Status: failed\n") == nil)
        #expect(try SbuildDoseExplanation.parse(log: "(I)Dose_applications: Solving...\nsomething else\n") == nil)
        let unknownKey = Self.missingLog.replacingOccurrences(of: "native-architecture: amd64", with: "native-architecture: amd64\nflavour: vanilla")
        #expect(try SbuildDoseExplanation.parse(log: unknownKey) == nil, "extra keys are forbidden")
        let badStatus = Self.missingLog.replacingOccurrences(of: "status: broken", with: "status: sad")
        #expect(try SbuildDoseExplanation.parse(log: badStatus) == nil)
        let badCount = Self.missingLog.replacingOccurrences(of: "total-packages: 63442", with: "total-packages: many")
        #expect(try SbuildDoseExplanation.parse(log: badCount) == nil)
        let noCounts = Self.missingLog.replacingOccurrences(of: "broken-packages: 1\n", with: "")
        #expect(try SbuildDoseExplanation.parse(log: noCounts) == nil)
        // Not YAML at all: an error, as Debusine's `yaml.load` raises.
        let broken = Self.missingLog.replacingOccurrences(of: "native-architecture: amd64", with: "native-architecture: [amd64")
        #expect(throws: (any Error).self) { try SbuildDoseExplanation.parse(log: broken) }
    }

    @Test("a log that is not valid UTF-8 is still read (Debusine `test_extract_dose3_invalid_utf8`); an empty list of reasons is a list")
    func invalidUTF8() throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "kiln-log-\(UUID().uuidString).build")
        defer { try? FileManager.default.removeItem(at: file) }
        var bytes = Data("There is no ".utf8) + Data([0xB2]) + Data(" in\n".utf8)
        bytes += Data(
            """
            (I)Dose_applications: Solving...
            output-version: 1.2
            native-architecture: amd64
            report:
             -
              package: foo
              version: 1.2-3
              status: broken
              reasons: []
            background-packages: 1
            foreground-packages: 2
            total-packages: 3
            broken-packages: 4
            +------------------------------------------------------------------------------+
            Status: failed

            """.utf8)
        try bytes.write(to: file)
        let text = SbuildLog.text(of: file)
        #expect(SbuildLog.status(in: text) == "failed")
        let explanation = try #require(try SbuildDoseExplanation.parse(log: text))
        #expect(explanation.objectValue?["report"]?.arrayValue?.first?.objectValue?["reasons"] == [])
        #expect(explanation.objectValue?["broken-packages"] == 4)
    }

    @Test("build IDs: XX/<38 hex digits>.debug under .build-id, regular files only, in the package's order; anything else there is refused")
    func buildIDs() throws {
        let first = "./usr/lib/debug/.build-id/ab/" + String(repeating: "0", count: 37) + "1.debug"
        let second = "./usr/lib/debug/.build-id/0f/" + String(repeating: "e", count: 38) + ".debug"
        let listing = """
            drwxr-xr-x root/root         0 2026-12-05 10:00 ./usr/lib/debug/.build-id/ab/
            -rw-r--r-- root/root      4096 2026-12-05 10:00 \(first)
            -rw-r--r-- root/root      2048 2026-12-05 10:00 \(second)
            lrwxrwxrwx root/root         0 2026-12-05 10:00 ./usr/share/doc/x-dbgsym -> x
            -rw-r--r-- root/root       100 2026-12-05 10:00 ./usr/share/doc/readme
            """
        let members = try DebugSymbolsExtraction.buildIDMembers(listing: listing, package: "x-dbgsym_1_amd64.deb")
        #expect(members.map(\.buildID) == ["ab" + String(repeating: "0", count: 37) + "1", "0f" + String(repeating: "e", count: 38)])
        #expect(members.map(\.path) == [first, second])
        #expect(DebugSymbolsExtraction.buildID(of: "./usr/lib/debug/.build-id/AB/" + String(repeating: "0", count: 38) + ".debug") == nil)
        #expect(DebugSymbolsExtraction.buildID(of: "./usr/lib/debug/.build-id/ab/short.debug") == nil)
        #expect {
            try DebugSymbolsExtraction.buildIDMembers(
                listing: "-rw-r--r-- root/root 1 2026-12-05 10:00 ./usr/lib/debug/.build-id/ab/x.debug", package: "x-dbgsym_1_amd64.deb")
        } throws: { error in
            "\(error)" == "x-dbgsym_1_amd64.deb: malformed .build-id path './usr/lib/debug/.build-id/ab/x.debug'; expected ./usr/lib/debug/.build-id/<XX>/<YYYY>.debug"
        }
    }

    /// A build folder as sbuild leaves it: the log (and its link), a .changes listing a .deb and a .buildinfo.
    static func buildFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kiln-consistency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("package bytes".utf8).write(to: folder.appending(path: "hello_1.0_amd64.deb"))
        try Data("buildinfo bytes".utf8).write(to: folder.appending(path: "hello_1.0_amd64.buildinfo"))
        try Data("log".utf8).write(to: folder.appending(path: "hello_1.0_amd64-2026-12-05T10:00:00Z.build"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appending(path: "hello_1.0_amd64.build").path, withDestinationPath: "hello_1.0_amd64-2026-12-05T10:00:00Z.build")
        var sections: [String: [String]] = [:]
        for name in ["hello_1.0_amd64.deb", "hello_1.0_amd64.buildinfo"] {
            let file = folder.appending(path: name)
            let size = try Data(contentsOf: file).count
            sections["Checksums-Sha1", default: []].append(" \(try SbuildConsistency.Checksums(of: file)["sha1"]) \(size) \(name)")
            sections["Checksums-Sha256", default: []].append(" \(try SbuildConsistency.Checksums(of: file)["sha256"]) \(size) \(name)")
            sections["Files", default: []].append(" \(try SbuildConsistency.Checksums(of: file)["md5"]) \(size) misc optional \(name)")
        }
        let changes = "Format: 1.8\nSource: hello\nArchitecture: amd64\n"
            + ["Checksums-Sha1", "Checksums-Sha256", "Files"].map { "\($0):\n" + sections[$0]!.joined(separator: "\n") + "\n" }.joined()
        try Data(changes.utf8).write(to: folder.appending(path: "hello_1.0_amd64.changes"))
        return folder
    }

    @Test("sbuild's folder is consistent when the .changes lists every file with its checksums (Debusine `SbuildValidatorMixin`)")
    func consistentFolder() throws {
        let folder = try Self.buildFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try SbuildConsistency.errors(in: folder) == [])
    }

    @Test("a missing, altered or unlisted file is named in Debusine's words, sorted")
    func inconsistentFolder() throws {
        let folder = try Self.buildFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appending(path: "hello_1.0_amd64.buildinfo"))
        let deb = folder.appending(path: "hello_1.0_amd64.deb")
        let sha256 = try SbuildConsistency.Checksums(of: deb)["sha256"]
        try Data("other bytes!!".utf8).write(to: deb)
        try Data("stray".utf8).write(to: folder.appending(path: "stray.txt"))
        let errors = try SbuildConsistency.errors(in: folder)
        #expect(errors.count == 7, "\(errors)")
        #expect(errors == errors.sorted())
        #expect(errors.contains("File in .changes section Checksums-Sha256 does not exist: 'hello_1.0_amd64.buildinfo'"))
        #expect(errors.contains("File in .changes section Files does not exist: 'hello_1.0_amd64.buildinfo'"))
        #expect(
            errors.contains(
                "sha256 for file hello_1.0_amd64.deb does not match: expected: \(sha256) actual: "
                    + "\(try SbuildConsistency.Checksums(of: deb)["sha256"]). Size expected: 13 actual: 13"))
        #expect(errors.contains("Files in directory not referenced in .changes or .dsc: ['\(folder.appending(path: "stray.txt").path)']"))
    }

    @Test("two .changes, a listed path with a directory, a missing checksum field: Debusine's refusals")
    func refusedFolders() throws {
        let folder = try Self.buildFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let changes = folder.appending(path: "hello_1.0_amd64.changes")
        let text = try String(contentsOf: changes, encoding: .utf8)
        try Data(text.utf8).write(to: folder.appending(path: "other_1.0_amd64.changes"))
        #expect {
            try SbuildConsistency.errors(in: folder)
        } throws: { error in
            "\(error)" == "More than one ['.changes'] file: ['\(changes.path)', '\(folder.appending(path: "other_1.0_amd64.changes").path)']"
        }
        try FileManager.default.removeItem(at: folder.appending(path: "other_1.0_amd64.changes"))

        var escaping = text  // the first listing of the .deb is in Checksums-Sha1
        escaping.replaceSubrange(try #require(text.range(of: " hello_1.0_amd64.deb\n")), with: " ../hello_1.0_amd64.deb\n")
        try Data(escaping.utf8).write(to: changes)
        let errors = try SbuildConsistency.errors(in: folder)
        #expect(errors.contains("'hello_1.0_amd64.changes' has an entry in Checksums-Sha1 with more than one path component: '../hello_1.0_amd64.deb'"), "\(errors)")

        let withoutSha1 = text.components(separatedBy: "Checksums-Sha256:")[1]
        try Data(("Format: 1.8\nSource: hello\nChecksums-Sha256:" + withoutSha1).utf8).write(to: changes)
        #expect {
            try SbuildConsistency.errors(in: folder)
        } throws: { error in
            "\(error)" == "'hello_1.0_amd64.changes' has no Checksums-Sha1 field"
        }
    }

    @Test("binNMU arguments as Debusine's `test_cmdline_binnmu`: timestamp in RFC 5322, maintainer given or binnmu_maintainer")
    func binNMUArguments() throws {
        func task(_ binnmu: JSONValue) throws -> SbuildTask {
            try SbuildTask.make(
                taskData: [
                    "input": ["source_artifact": 1], "environment": "debian/match:codename=sid",
                    "build_components": ["any"], "binnmu": binnmu,
                ],
                dynamicData: ["task_input_fields": ["debusine_fqdn": "debusine.example.com"]])
        }
        #expect(
            try SbuildRunner.binNMUArguments(task(["changelog": "Rebuild for 64bit time_t", "suffix": "+b1"])) == [
                "--make-binNMU=Rebuild for 64bit time_t", "--append-to-version=+b1", "--binNMU=0",
                "--maintainer=Debusine <noreply@debusine.example.com>",
            ])
        #expect(
            try SbuildRunner.binNMUArguments(
                task([
                    "changelog": "Rebuild for 64bit time_t", "suffix": "+b1", "timestamp": "2024-05-01T12:00:00Z",
                    "maintainer": "Foo Bar <foo@debian.org>",
                ])) == [
                    "--make-binNMU=Rebuild for 64bit time_t", "--append-to-version=+b1", "--binNMU=0",
                    "--binNMU-timestamp=Wed, 01 May 2024 12:00:00 +0000", "--maintainer=Foo Bar <foo@debian.org>",
                ])
        #expect {
            try task(["changelog": "x", "suffix": "+b1", "timestamp": "soon"])
        } throws: { error in
            "\(error)".contains("binnmu.timestamp") && "\(error)".contains("Input should be a valid datetime")
        }
    }

    @Test("a binary's -dbgsym package is NAME-dbgsym_REST.deb or .ddeb beside it")
    func matchingDbgsym() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kiln-dbgsym-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["hello_1.0_amd64.deb", "hello-dbgsym_1.0_amd64.deb", "tool_2_amd64.deb", "tool-dbgsym_2_amd64.ddeb", "lone_1_all.deb"] {
            _ = FileManager.default.createFile(atPath: folder.appending(path: name).path, contents: Data())
        }
        #expect(DebugSymbolsExtraction.matchingDbgsym(of: folder.appending(path: "hello_1.0_amd64.deb"))?.lastPathComponent == "hello-dbgsym_1.0_amd64.deb")
        #expect(DebugSymbolsExtraction.matchingDbgsym(of: folder.appending(path: "tool_2_amd64.deb"))?.lastPathComponent == "tool-dbgsym_2_amd64.ddeb")
        #expect(DebugSymbolsExtraction.matchingDbgsym(of: folder.appending(path: "lone_1_all.deb")) == nil)
        #expect(DebugSymbolsExtraction.matchingDbgsym(of: folder.appending(path: "hello-dbgsym_1.0_amd64.deb")) == nil)
    }
}
