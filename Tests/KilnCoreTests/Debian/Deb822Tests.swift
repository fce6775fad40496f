import KilnCore
import Testing

/// Control files as python-debian reads them, checked against its output for the same files
/// (`deb822.Dsc(...)` converted by Debusine's `deb822dict_to_dict`).
struct Deb822Tests {
    static let dsc = """
        Format: 3.0 (native)
        Source: kiln-hello
        Binary: kiln-hello
        Architecture: any
        Version: 1.0
        Maintainer: Kiln developers <kiln@example.org>
        Package-List:
         kiln-hello deb misc optional arch=any
        Checksums-Sha256:
         5c44ec126c6bdecddfce3edb3ba5f64d01a5f5174b5ad698c6400f1b7f4ee7fb 2216 kiln-hello_1.0.tar.xz
        Files:
         da7df7823fc06b713e518176885ffea5 2216 kiln-hello_1.0.tar.xz

        """

    @Test("a .dsc becomes Debusine's debian:source-package data, fields as python-debian gives them")
    func sourcePackage() throws {
        let (data, files) = try PackageArtifactData.sourcePackage(dscName: "kiln-hello_1.0.dsc", dscText: Self.dsc)
        #expect(files == ["kiln-hello_1.0.tar.xz"])
        #expect(data["name"] == "kiln-hello")
        #expect(data["version"] == "1.0")
        #expect(data["type"] == "dpkg")
        let fields = try #require(data["dsc_fields"]?.objectValue)
        #expect(fields["Package-List"] == "\n kiln-hello deb misc optional arch=any")
        #expect(fields["Maintainer"] == "Kiln developers <kiln@example.org>")
        #expect(
            fields["Files"]
                == [["md5sum": "da7df7823fc06b713e518176885ffea5", "size": "2216", "name": "kiln-hello_1.0.tar.xz"]])
        #expect(
            fields["Checksums-Sha256"]
                == [
                    [
                        "sha256": "5c44ec126c6bdecddfce3edb3ba5f64d01a5f5174b5ad698c6400f1b7f4ee7fb", "size": "2216",
                        "name": "kiln-hello_1.0.tar.xz",
                    ]
                ])
    }

    @Test("a clear-signed .dsc is read through its signature; dash escapes are undone")
    func signed() throws {
        let signed = """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA512

            Source: hello
            Version: 2.10-3
            Description: x
            - Maintainer: A <a@b>
            Files:
             d41d8cd98f00b204e9800998ecf8427e 0 hello_2.10.orig.tar.gz
            -----BEGIN PGP SIGNATURE-----

            iQIzBAEBCgAdFiEE
            -----END PGP SIGNATURE-----
            """
        let paragraph = try Deb822.parse(signed)
        #expect(paragraph["source"] == "hello")
        #expect(paragraph["Description"] == "x")
        #expect(paragraph["Maintainer"] == "A <a@b>")
        let (_, files) = try PackageArtifactData.sourcePackage(dscName: "hello.dsc", dscText: signed)
        #expect(files == ["hello_2.10.orig.tar.gz"])
    }

    @Test("Debusine's refusals: no Source, no Version, a listed file with a directory, a line that is no field")
    func refusals() {
        #expect(throws: PackageArtifactError.missingField(name: "x.dsc", field: "Source")) {
            try PackageArtifactData.sourcePackage(dscName: "x.dsc", dscText: "Version: 1\n")
        }
        #expect(throws: PackageArtifactError.missingField(name: "x.dsc", field: "Version")) {
            try PackageArtifactData.sourcePackage(dscName: "x.dsc", dscText: "Source: x\n")
        }
        #expect(
            throws: PackageArtifactError.pathComponent(name: "x.dsc", field: "Files", file: "../x.tar.gz")
        ) {
            try PackageArtifactData.sourcePackage(
                dscName: "x.dsc", dscText: "Source: x\nVersion: 1\nFiles:\n 00 1 ../x.tar.gz\n")
        }
        #expect(
            "\(PackageArtifactError.pathComponent(name: "x.dsc", field: "Files", file: "a/b"))"
                == "'x.dsc' has an entry in Files with more than one path component: 'a/b'")
        #expect(throws: Deb822Error.notAField(line: 2, text: "garbage")) { try Deb822.parse("Source: x\ngarbage\n") }
        #expect(throws: Deb822Error.empty) { try Deb822.parse("\n\n") }
    }

    @Test("a .changes becomes debian:upload data with its Files rows of five columns")
    func upload() throws {
        let changes = """
            Format: 1.8
            Source: kiln-hello
            Architecture: amd64
            Version: 1.0
            Checksums-Sha256:
             aa 10 kiln-hello_1.0_amd64.deb
            Files:
             bb 10 misc optional kiln-hello_1.0_amd64.deb
            """
        let (data, files) = try PackageArtifactData.upload(changesName: "k.changes", changesText: changes)
        #expect(files == ["kiln-hello_1.0_amd64.deb"])
        #expect(
            data["changes_fields"]?.objectValue?["Files"]
                == [["md5sum": "bb", "size": "10", "section": "misc", "priority": "optional", "name": "kiln-hello_1.0_amd64.deb"]])
        #expect(throws: PackageArtifactError.missingField(name: "k.changes", field: "Architecture")) {
            try PackageArtifactData.upload(changesName: "k.changes", changesText: "Source: x\nFiles:\n a 1 b c d\n")
        }
    }

    /// Debusine `artifacts/tests/test_local_artifact.py` `BinaryPackageTests::test_create`: a binNMU's
    /// `Source: hello (1.0-1)` gives the source's version; the control members under `./`, sorted.
    @Test("a .deb's control paragraph and members become debian:binary-package data")
    func binaryPackage() throws {
        let control = """
            Package: hello
            Version: 1.0-1+b1
            Architecture: amd64
            Maintainer: Example Maintainer <example@example.org>
            Description: Example description
            Source: hello (1.0-1)

            """
        let data = try PackageArtifactData.binaryPackage(
            debName: "hello_1.0-1+b1_amd64.deb", controlText: control, controlMembers: ["./", "./md5sums", "./control", "x"])
        #expect(data["srcpkg_name"] == "hello" && data["srcpkg_version"] == "1.0-1")
        #expect(data["deb_control_files"] == ["control", "md5sums"])
        #expect(data["deb_fields"]?.objectValue?["Source"] == "hello (1.0-1)")
        #expect(data["deb_fields"]?.objectValue?.count == 6)
        #expect(try ArtifactDataModels.validate(category: "debian:binary-package", data: .object(data)) == ())

        // Without a version in Source, the binary's own; without Source, the package's name.
        let plain = try PackageArtifactData.binaryPackage(
            debName: "libhello_2_all.deb", controlText: "Package: libhello\nVersion: 2\nArchitecture: all\n",
            controlMembers: ["./control"])
        #expect(plain["srcpkg_name"] == "libhello" && plain["srcpkg_version"] == "2")
        #expect(throws: PackageArtifactError.missingField(name: "x.deb", field: "Version")) {
            try PackageArtifactData.binaryPackage(debName: "x.deb", controlText: "Package: x\n", controlMembers: [])
        }
    }
}
