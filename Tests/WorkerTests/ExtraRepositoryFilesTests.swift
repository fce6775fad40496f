import Foundation
import KilnCore
import Testing

@testable import KilnWorker

/// Debusine `tasks/tests/test_task.py` `ExtraRepositoryMixin` tests and the tools' options
/// (`test_sbuild.py` / `test_autopkgtest.py` `test_cmdline_extra_repository*`).
@Suite("Extra repositories on the worker")
struct ExtraRepositoryFilesTests {
    static let key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nABC\n-----END PGP PUBLIC KEY BLOCK-----"

    static func repositories() throws -> [ExternalRepository] {
        [
            try ExternalRepository(json: [
                "url": "http://example.com/", "suite": "bookworm", "components": ["main"], "signing_key": .string(key),
            ]),
            try ExternalRepository(json: [
                "url": "http://example.net/", "suite": "flat/", "architectures": ["arm64"],
            ]),
        ]
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kiln-extra-repos-\(UUID().uuidString)")
    }

    @Test("one deb822 file per repository serving the build architecture, the key inline")
    func inlineKeys() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try ExtraRepositoryFiles.write(
            try Self.repositories(), architecture: "amd64", codename: "bookworm", into: folder)
        #expect(files.sources.map(\.lastPathComponent) == ["extra_repository_0.sources"] && files.keys.isEmpty)
        let text = try String(contentsOf: files.sources[0], encoding: .utf8)
        #expect(text.hasPrefix("Types: deb\nURIs: http://example.com/\nSuites: bookworm\nComponents: main\nSigned-By:\n -----BEGIN"))
        #expect(
            files.autopkgtestArguments == ["--copy=\(files.sources[0].path):/etc/apt/sources.list.d/extra_repository_0.sources"])
        #expect(
            files.sbuildArguments == [
                "--pre-build-commands=cat \(files.sources[0].path) | %SBUILD_CHROOT_EXEC sh -c "
                    + "'cat > /etc/apt/sources.list.d/extra_repository_0.sources'"
            ])
    }

    @Test("for a release whose APT reads no inline key (bullseye), the key goes to /etc/apt/keyrings")
    func keyFiles() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try ExtraRepositoryFiles.write(
            try Self.repositories(), architecture: "arm64", codename: "bullseye", into: folder)
        #expect(files.sources.count == 2 && files.keys.map(\.lastPathComponent) == ["extra_apt_key_0.asc"])
        #expect(try String(contentsOf: files.keys[0], encoding: .utf8) == Self.key + "\n")
        #expect(
            try String(contentsOf: files.sources[0], encoding: .utf8)
                .contains("Signed-By: /etc/apt/keyrings/extra_apt_key_0.asc\n"))
        #expect(
            files.sbuildArguments.last
                == "--pre-build-commands=cat \(files.keys[0].path) | %SBUILD_CHROOT_EXEC sh -c "
                + "'mkdir -p /etc/apt/keyrings && cat > /etc/apt/keyrings/extra_apt_key_0.asc'")
        #expect(files.autopkgtestArguments.last == "--copy=\(files.keys[0].path):/etc/apt/keyrings/extra_apt_key_0.asc")
    }

    @Test("no repositories: no files, no options")
    func none() throws {
        let folder = Self.folder()
        #expect(try ExtraRepositoryFiles.write(nil, architecture: "amd64", codename: "sid", into: folder) == ExtraRepositoryFiles())
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
