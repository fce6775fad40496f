@testable import FileStore
import Foundation
import KilnCore
import Testing

@testable import KilnFileStore

/// The pure checks: artifact file paths, digests, range headers, the input artifacts a worker may read.
struct ArtifactFilePathTests {
    @Test("paths that stay inside the artifact are accepted", arguments: ["a", "hello_1.0.dsc", "logs/build.log", "a b/c+d~e"])
    func goodPaths(_ path: String) throws {
        #expect(try ArtifactFilePath.validated(path) == path)
    }

    @Test(
        "paths that could escape or are ambiguous are refused with the rule",
        arguments: [
            ("", "it is empty"), ("/etc/passwd", "it is absolute; paths are relative to the artifact"),
            ("a/../b", "it has a '..' component"), ("./a", "it has a '.' component"),
            ("a//b", "it has an empty component (a trailing or doubled '/')"),
            ("a/", "it has an empty component (a trailing or doubled '/')"),
            ("a\\b", "it contains a control character or a backslash"),
            ("a\u{0}b", "it contains a control character or a backslash"),
        ])
    func badPaths(_ path: String, _ reason: String) {
        #expect(throws: ArtifactFileError.invalidPath(path, reason: reason)) { try ArtifactFilePath.validated(path) }
    }

    @Test("a path longer than the limit is refused")
    func longPath() {
        let path = String(repeating: "a", count: ArtifactFilePath.maximumLength + 1)
        #expect(throws: ArtifactFileError.self) { try ArtifactFilePath.validated(path) }
        #expect(throws: Never.self) { try ArtifactFilePath.validated(String(path.dropFirst())) }
    }

    @Test("digests are 64 lower-case hexadecimal digits")
    func digests() {
        let good = String(repeating: "0a", count: 32)
        #expect(throws: Never.self) { try ArtifactFilePath.validatedDigest(good) }
        for bad in ["", String(good.dropLast()), good.uppercased(), String(good.dropLast()) + "g"] {
            #expect(throws: ArtifactFileError.invalidDigest(bad)) { try ArtifactFilePath.validatedDigest(bad) }
        }
    }

    @Test("streamed SHA-256 equals the known digest of 'abc' and of nothing")
    func contentDigest() {
        var abc = ContentDigest()
        abc.update(Data("a".utf8))
        abc.update(Data("bc".utf8))
        #expect(abc.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(abc.byteCount == 3)
        #expect(ContentDigest().hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(
        "one byte range per request: first-last, open-ended, suffix; anything else is unsatisfiable",
        arguments: [
            ("bytes=0-9", 100, 0...9), ("bytes=90-", 100, 90...99), ("bytes=-10", 100, 90...99),
            ("bytes=50-500", 100, 50...99), ("bytes=-500", 100, 0...99),
        ] as [(String, Int, ClosedRange<Int>)])
    func ranges(_ header: String, _ size: Int, _ expected: ClosedRange<Int>) {
        #expect(ByteRange.parse(header, size: size) == expected)
    }

    @Test("malformed or unsatisfiable ranges", arguments: ["bytes=100-", "bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes=-0", "bytes=a-b"])
    func badRanges(_ header: String) {
        #expect(ByteRange.parse(header, size: 100) == nil)
    }

    @Test("a worker may read the artifacts its input fields resolved to, in any Input* shape")
    func inputArtifacts() {
        let dynamic: JSONValue = [
            "task_input_fields": [
                "input_source_artifact": ["artifact_id": 7, "category": "debian:source-package"],
                "input_binary_artifacts": ["artifacts": [["artifact_id": 9], ["artifact_id": 7]]],
                "environment": ["artifact_id": 3],
                "unresolved": .null,
            ],
            "environment_id": 99,
        ]
        #expect(InputArtifactReferences.artifactIDs(inDynamicData: dynamic).sorted() == [3, 7, 9])
        #expect(InputArtifactReferences.artifactIDs(inDynamicData: .null) == [])
    }

    @Test("API URLs keep any path of the file store's base URL (a proxy at /kiln/)")
    func endpoints() {
        #expect(
            FileStoreClient(baseURL: URL(string: "http://files.example.org:8070")!, token: "t").endpoint("artifact/")
                .absoluteString == "http://files.example.org:8070/api/1.0/artifact/")
        #expect(
            FileStoreClient(baseURL: URL(string: "https://example.org/kiln/")!, token: "t").endpoint("artifact/3/")
                .absoluteString == "https://example.org/kiln/api/1.0/artifact/3/")
    }
}
