import FileStore
import Foundation
import KilnCore
import KilnTestSupport
import Store
import Testing

/// `kiln artifact create --upload`, `show`, `download` and `kiln log` against a real file store.
@Suite("kiln artifact files (real CLI, file store and servers)", .serialized)
struct FileStoreCLITests {
    func kiln(_ world: FileStoreWorld, _ arguments: [String]) async throws -> ExecutableRun {
        try await ExecutableRun.run(
            "kiln",
            arguments: arguments,
            environment: [
                "KILN_POSTGRES_URL": world.database.serviceURL, "KILN_FILE_STORE_URL": world.baseURL.absoluteString,
                "USER": "alice",
            ]
        )
    }

    @Test(
        "a .dsc upload derives Debusine's source-package data and takes the files it lists; show and download give them back"
    )
    func sourcePackage() async throws {
        try await FileStoreWorld.with { world in
            let tarball = try world.file(String(repeating: "source tree ", count: 1000), name: "hello_1.0.tar.xz")
            let folder = tarball.deletingLastPathComponent()
            let dsc = """
                Format: 3.0 (native)
                Source: hello
                Version: 1.0
                Checksums-Sha256:
                 \(FileStoreWorld.sha256(String(repeating: "source tree ", count: 1000))) 12000 hello_1.0.tar.xz
                Files:
                 00000000000000000000000000000000 12000 hello_1.0.tar.xz

                """
            try Data(dsc.utf8).write(to: folder.appending(path: "hello_1.0.dsc"))

            let created = try await kiln(
                world,
                [
                    "artifact", "create", "debian:source-package", "--workspace", "debian/System", "--upload",
                    folder.appending(path: "hello_1.0.dsc").path, "--json",
                ]
            )
            #expect(created.status == 0, "\(created)")
            #expect(created.stderr.contains("uploaded hello_1.0.tar.xz (12000 bytes"))
            let json = try #require(
                try JSONDecoder().decode(JSONValue.self, from: Data(created.stdout.utf8)).objectValue
            )
            let id = try #require(json["id"]?.intValue)
            #expect(json["complete"] == true)
            let data = try #require(json["data"]?.objectValue)
            #expect(data["name"] == "hello")
            #expect(data["version"] == "1.0")
            #expect(data["dsc_fields"]?.objectValue?["Format"] == "3.0 (native)")

            let shown = try await kiln(world, ["artifact", "show", String(id)])
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("hello_1.0.tar.xz  12000 bytes"))
            #expect(shown.stdout.contains("Complete:"))

            let target = FileManager.default.temporaryDirectory.appending(path: "kiln-dl-\(TestServers.uniqueSuffix())")
            let downloaded = try await kiln(world, ["artifact", "download", String(id), target.path])
            #expect(downloaded.status == 0, "\(downloaded)")
            #expect(try Data(contentsOf: target.appending(path: "hello_1.0.tar.xz")) == Data(contentsOf: tarball))
            #expect(try String(contentsOf: target.appending(path: "hello_1.0.dsc"), encoding: .utf8) == dsc)
            #expect(try await world.lookupSees(id))

            // A file the .dsc does not list is refused, naming it; a missing listed file too.
            let stray = try world.file("stray", name: "notes.txt")
            let refused = try await kiln(
                world,
                [
                    "artifact", "create", "debian:source-package", "--workspace", "debian/System", "--upload",
                    folder.appending(path: "hello_1.0.dsc").path, "--upload", stray.path,
                ]
            )
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("Files in the package and listed in the .dsc must match: ['notes.txt']"))
            try FileManager.default.removeItem(at: tarball)
            let missing = try await kiln(
                world,
                [
                    "artifact", "create", "debian:source-package", "--workspace", "debian/System", "--upload",
                    folder.appending(path: "hello_1.0.dsc").path,
                ]
            )
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("hello_1.0.dsc lists hello_1.0.tar.xz, which is not beside it"))

            // The data is checked first (Debusine's client builds the data model before the files)…
            let badData = try await kiln(
                world,
                [
                    "artifact", "create", "debian:package-build-log", "--workspace", "debian/System", "--upload",
                    stray.path, "--data", "{}",
                ])
            #expect(badData.status == 1 && badData.stderr.contains("invalid artifact data: 3 validation errors"), "\(badData)")
            // … then the client's file rules per category (`PackageBuildLog`: one `.build` file), before anything
            // is sent.
            let log = try await kiln(
                world,
                [
                    "artifact", "create", "debian:package-build-log", "--workspace", "debian/System", "--upload",
                    stray.path, "--data", #"{"source": "hello", "version": "1.0", "filename": "notes.txt"}"#,
                ]
            )
            #expect(log.status == 1, "\(log)")
            #expect(
                log.stderr == #"kiln: Cannot create artifact: Valid file suffixes: ['.build']. Invalid filename: "notes.txt""#
                    + "\n", "\(log)")
        }
    }

    @Test(
        "a .deb upload derives Debusine's binary-package data with dpkg-deb (`BinaryPackage.create`); a file that is no package is named"
    )
    func binaryPackage() async throws {
        try await FileStoreWorld.with { world in
            // A real package, built as any Debian package is: a tree with DEBIAN/control, then `dpkg-deb --build`.
            let tree = FileManager.default.temporaryDirectory.appending(path: "kiln-deb-\(TestServers.uniqueSuffix())")
            defer { try? FileManager.default.removeItem(at: tree) }
            try FileManager.default.createDirectory(at: tree.appending(path: "pkg/DEBIAN"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: tree.appending(path: "pkg/usr/share/doc/hello"), withIntermediateDirectories: true)
            try Data("hello\n".utf8).write(to: tree.appending(path: "pkg/usr/share/doc/hello/README"))
            try Data(
                """
                Package: hello
                Version: 1.0-1+b1
                Architecture: amd64
                Maintainer: Example Maintainer <example@example.org>
                Source: hello (1.0-1)
                Description: Example description

                """.utf8
            ).write(to: tree.appending(path: "pkg/DEBIAN/control"))
            let deb = tree.appending(path: "hello_1.0-1+b1_amd64.deb")
            let built = try await ExecutableRun.runSystem(
                ["dpkg-deb", "--root-owner-group", "--build", "pkg", deb.lastPathComponent], in: tree)
            try #require(built.status == 0, "\(built)")

            let created = try await kiln(
                world,
                ["artifact", "create", "debian:binary-package", "--workspace", "debian/System", "--upload", deb.path, "--json"]
            )
            #expect(created.status == 0, "\(created)")
            let json = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(created.stdout.utf8)).objectValue)
            let data = try #require(json["data"]?.objectValue)
            #expect(data["srcpkg_name"] == "hello" && data["srcpkg_version"] == "1.0-1", "\(data)")
            #expect(data["deb_control_files"] == ["control"])
            #expect(data["deb_fields"]?.objectValue?["Version"] == "1.0-1+b1")
            #expect(json["complete"] == true)

            let notADeb = try world.file("not a package", name: "broken_1_amd64.deb")
            let refused = try await kiln(
                world, ["artifact", "create", "debian:binary-package", "--workspace", "debian/System", "--upload", notADeb.path])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.hasPrefix("kiln: cannot read broken_1_amd64.deb as a Debian package: "), "\(refused)")
            // With every key in --data the package is not read, as `debusine artifact create` never reads it.
            let given = try await kiln(
                world,
                [
                    "artifact", "create", "debian:binary-package", "--workspace", "debian/System", "--upload", notADeb.path,
                    "--data",
                    #"{"srcpkg_name": "b", "srcpkg_version": "1", "deb_fields": {}, "deb_control_files": []}"#, "--json",
                ])
            #expect(given.status == 0, "\(given)")
        }
    }

    @Test("kiln log prints a work request's build log; a file store that is not there is named")
    func logAndUnreachable() async throws {
        try await FileStoreWorld.with { world in
            let (token, workRequest) = try await world.runningWorker(inputs: [])
            _ = try await world.client(token: token).uploadArtifact(
                category: KnownCategories.packageBuildLog,
                data: ArtifactDataSamples.data(KnownCategories.packageBuildLog, ["source": "hello"]),
                files: [
                    "hello_1.0_amd64.build": try world.file(
                        "dpkg-buildpackage: info: source package hello\nStatus: successful\n"
                    )
                ],
                workRequest: workRequest
            )
            let log = try await kiln(world, ["log", String(workRequest)])
            #expect(log.status == 0, "\(log)")
            #expect(log.stdout.contains("Status: successful"))
            let shown = try await kiln(world, ["show", String(workRequest)])
            #expect(shown.stdout.contains("debian:package-build-log"))

            let nothing = try await kiln(world, ["log", String(workRequest + 1000)])
            #expect(nothing.status == 1)
            let unreachable = try await ExecutableRun.run(
                "kiln",
                arguments: ["artifact", "download", "1", "/tmp"],
                environment: [
                    "KILN_POSTGRES_URL": world.database.serviceURL, "KILN_FILE_STORE_URL": "http://127.0.0.1:9",
                    "USER": "alice",
                ]
            )
            #expect(unreachable.status != 0)
            #expect(unreachable.stderr.contains("cannot reach the file store at http://127.0.0.1:9"))
        }
    }
}
