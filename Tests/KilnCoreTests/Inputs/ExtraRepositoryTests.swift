import KilnCore
import Testing

/// Debusine `tasks/tests/test_models.py` `ExtraExternalRepositoryTests`, and the union with
/// `ExtraDebusineRepository` (`tasks/models.py` `ExtraRepository`).
@Suite("Extra repositories (Debusine ExtraRepository)")
struct ExtraRepositoryTests {
    static func external(_ json: JSONValue) throws -> ExternalRepository { try ExternalRepository(json: json) }

    static func refusal(_ json: JSONValue) -> String {
        do {
            _ = try ExtraRepository.read(json, field: "extra_repositories[0]")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("valid sources: a suite with components, a flat source with a key, an empty components list read as none")
    func valid() throws {
        _ = try Self.external(
            ["url": "http://deb.debian.org/debian", "suite": "bookworm", "components": ["main", "non-free-firmware"]])
        let flat = try Self.external(["url": "http://example.com/repo", "suite": "./", "signing_key": "PUBLIC KEY"])
        #expect(flat.signingKey == "PUBLIC KEY" && flat.components == nil)
        #expect(try Self.external(["url": "http://example.com/repo", "suite": "./", "components": []]).components == nil)
    }

    @Test("refused: a file: URL, an unreasonable suite or component, components for a flat repository, none for a suite")
    func refused() {
        #expect(
            Self.refusal(["url": "file:/etc/passwd", "suite": "bookworm", "components": ["main"]])
                .contains("Input should be a valid URL, empty host"))
        #expect(
            Self.refusal(["url": "http://example.com:99999/", "suite": "bookworm", "components": ["main"]])
                .contains("Input should be a valid URL, invalid port number"))
        #expect(
            Self.refusal(["url": "http://example.com/", "suite": "b@d_suite", "components": ["main"]])
                .contains("String should match pattern"))
        #expect(
            Self.refusal(["url": "http://example.com/", "suite": "flat/", "components": ["main"]])
                .contains("Components cannot be specified for a flat repository (where the suite ends with /)"))
        #expect(
            Self.refusal(["url": "http://example.com/", "suite": "bookworm"]).contains("Components must be specified"))
        #expect(
            Self.refusal(["url": "http://example.com/", "suite": "bookworm", "components": ["foo/bar"]])
                .contains("extra_repositories[0].components[0]"))
        #expect(Self.refusal(["suite": "sid@debian:suite", "signing_key": "K"]).contains("signing_key"))
        #expect(Self.refusal(["components": ["main"]]).contains("extra_repositories[0].suite"))
    }

    @Test("an object without url is a Debusine-hosted suite, by lookup")
    func union() throws {
        #expect(
            try ExtraRepository.read(["suite": 12, "architectures": ["amd64"]], field: "x")
                == .debusine(suite: 12, components: nil, architectures: ["amd64"]))
        guard case .external(let repository) = try ExtraRepository.read(
            ["url": "https://example.org/repo", "suite": "sid", "components": ["main"]], field: "x")
        else {
            Issue.record("an object with url is external")
            return
        }
        #expect(repository.url == "https://example.org/repo")
        #expect(repository.serves(architecture: "arm64"))
    }

    @Test("deb822 sources: flat, with components, with an inline key (test_as_deb822_source_*), or a key file")
    func deb822() throws {
        #expect(
            try Self.external(["url": "http://example.com/", "suite": "flat/"]).deb822Source()
                == "Types: deb\nURIs: http://example.com/\nSuites: flat/\n")
        let signed = try Self.external([
            "url": "http://example.com/", "suite": "bookworm", "components": ["foo", "bar"],
            "signing_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nABCDEFGHI\n-----END PGP PUBLIC KEY BLOCK-----",
        ])
        #expect(
            signed.deb822Source() == """
                Types: deb
                URIs: http://example.com/
                Suites: bookworm
                Components: foo bar
                Signed-By:
                 -----BEGIN PGP PUBLIC KEY BLOCK-----
                 .
                 ABCDEFGHI
                 -----END PGP PUBLIC KEY BLOCK-----

                """)
        #expect(signed.deb822Source(signedByFile: "/etc/apt/keyrings/k.asc").hasSuffix("Signed-By: /etc/apt/keyrings/k.asc\n"))
        // An armoured key ends with a line break: Python's `splitlines()` makes no empty line of it.
        var terminated = signed
        terminated.signingKey = (signed.signingKey ?? "") + "\r\n"
        #expect(terminated.deb822Source() == signed.deb822Source())
    }

    /// Debusine stores dynamic data with `exclude_unset=True` (`WorkRequest.compute_dynamic_data`); the saved input
    /// field keeps every key (`ExtraRepositoriesSerializer`).
    @Test("dynamic data keeps only the keys a repository was given; the saved field keeps all; a bare host gets its / only for special schemes")
    func dumps() throws {
        let given = try Self.external(["url": "http://example.com/", "suite": "bookworm", "components": ["main"]])
        #expect(given.dynamicDataJSON == ["url": "http://example.com/", "suite": "bookworm", "components": ["main"]])
        #expect(
            given.json == [
                "url": "http://example.com/", "suite": "bookworm", "components": ["main"], "architectures": nil,
                "signing_key": nil,
            ])
        #expect(try Self.external(given.json) == given)
        #expect(try Self.external(["url": "https://example.org", "suite": "./"]).url == "https://example.org/")
        #expect(try Self.external(["url": "tor+http://example.onion", "suite": "./"]).url == "tor+http://example.onion")
    }
}
