import KilnCore
import Testing

/// Debusine's client checks a new artifact's files per category (`artifacts/local_artifact.py`; tests
/// `artifacts/tests/test_local_artifact.py`); the texts are its `ValueError`s.
@Suite("files an uploaded artifact may have, per category")
struct ArtifactFileRulesTests {
    func violation(_ category: String, _ names: [String], data: [String: JSONValue] = [:]) -> String? {
        ArtifactFileRules.violation(category: category, names: names, data: data)
    }

    @Test("a build log is one .build file")
    func packageBuildLog() {
        #expect(violation("debian:package-build-log", ["hello_1_amd64.build"]) == nil)
        #expect(violation("debian:package-build-log", ["a.build", "b.build"]) == "Expected number of files: 1 Actual: 2")
        #expect(
            violation("debian:package-build-log", ["log.txt"])
                == #"Valid file suffixes: ['.build']. Invalid filename: "log.txt""#)
    }

    @Test("binary packages: .deb or .udeb, one for debian:binary-package, at least one for debian:binary-packages")
    func binaries() {
        #expect(violation("debian:binary-package", ["hello_1_amd64.deb"]) == nil)
        #expect(violation("debian:binary-package", ["d-i_1_amd64.udeb"]) == nil)
        #expect(violation("debian:binary-package", ["a.deb", "b.deb"]) == "Must have exactly one file")
        #expect(violation("debian:binary-package", []) == "Must have exactly one file")
        // The suffix rule runs first and names the first file, in order, that breaks it.
        #expect(
            violation("debian:binary-packages", ["a.deb", "notes.txt", "b.tar"])
                == #"Valid file suffixes: ['.deb', '.udeb']. Invalid filename: "notes.txt""#)
        #expect(violation("debian:binary-packages", []) == "Must have at least one file")
    }

    @Test("lintian: analysis.json and lintian.txt, nothing else")
    func lintian() {
        #expect(violation("debian:lintian", ["lintian.txt", "analysis.json"]) == nil)
        #expect(violation("debian:lintian", ["analysis.json"]) == "Files required: ['analysis.json', 'lintian.txt']")
        #expect(
            violation("debian:lintian", ["analysis.json", "lintian.txt", "x"])
                == "Files required: ['analysis.json', 'lintian.txt']")
    }

    @Test("environments: one .tar.xz tarball; one .tar.xz or .qcow2 image")
    func environments() {
        #expect(violation("debian:system-tarball", ["sid.tar.xz"]) == nil)
        #expect(violation("debian:system-tarball", []) == "DebianSystemTarballArtifact does not contain exactly one file")
        #expect(violation("debian:system-tarball", ["sid.tar.gz"]) == "Invalid file name: 'sid.tar.gz'. Expected .tar.xz")
        #expect(violation("debian:system-image", ["sid.qcow2"]) == nil)
        #expect(
            violation("debian:system-image", ["a.qcow2", "b.qcow2"])
                == "DebianSystemImageArtifact does not contain exactly one file")
        #expect(violation("debian:system-image", ["sid.img"]) == "Invalid file name: 'sid.img'. Expected .tar.xz or qcow2")
    }

    @Test("signing input needs a file; debug symbols one file per build ID; other categories take any files")
    func others() {
        #expect(violation("debusine:signing-input", []) == "Expected at least one file")
        #expect(violation("debusine:signing-input", ["a"]) == nil)
        let id = String(repeating: "a", count: 40)
        let other = String(repeating: "b", count: 40)
        #expect(violation("debian:debug-symbols", [id], data: ["build_ids": [.string(id)]]) == nil)
        #expect(
            violation("debian:debug-symbols", ["x.debug"], data: ["build_ids": [.string(id), .string(other)]])
                == "build_ids vs files mismatch:\nmissing file for build_id '\(id)'\nmissing file for build_id '\(other)'\n"
                + "file 'x.debug' has no matching build_id")
        #expect(violation("debusine:test", []) == nil)
        #expect(violation("debian:autopkgtest", ["log", "summary"]) == nil)
    }
}
