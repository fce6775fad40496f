import KilnCore
import KilnTestSupport
import Testing

/// The input fields that follow artifact relations: Debusine's `UploadArtifactsInput` (extractforsigning's
/// `input.binary_artifacts`) and `UnsignedMultiInput` (assemblesignedsource's `unsigned`), from
/// `tasks/inputs/inputs.py`, checked as `tasks/inputs/tests/test_inputs.py` `UploadArtifactsInputTests` and
/// `UnsignedMultiInputTests` check them, here against the real resolver over the task fixture.
@Suite("Input fields following artifact relations: uploads expanded, unsigned artifacts found")
struct RelatedArtifactInputTests {
    static let hello = TaskFixture.Artifact.helloBinary
    static let helloUpload = TaskFixture.Artifact.helloUpload
    /// hello-doc 1.0-1, Architecture: all.
    static let docBinary = 40
    /// A second upload, which extends hello-doc too.
    static let docUpload = 41
    static let signingInput = 42
    static let docSigningInput = 43
    static let signingOutput = 44

    static let uploadField = InputField(
        "binary_artifacts",
        kind: .uploadArtifacts,
        path: "input.binary_artifacts",
        categories: [KnownCategories.binaryPackage]
    )
    static let unsignedField = InputField("unsigned", kind: .unsignedArtifacts, path: "signed")

    /// The task fixture plus hello-doc, a second upload, two signing inputs and a signing output, related as an
    /// upload and a signing chain are in Debusine: each upload `extends` its binaries (hello's upload also its
    /// source), the signing output `relates-to` the signing inputs it was made from (and, directly, hello's
    /// binary), and each signing input `relates-to` its binary package (hello-doc's also to hello's binary).
    static func lookups() throws -> RecordingLookupResolver {
        var store = TaskFixture.store()
        let workspace = TaskFixture.Workspace.developers
        for record in [
            ArtifactRecord(
                id: docBinary,
                category: KnownCategories.binaryPackage,
                workspaceID: workspace,
                data: [
                    "srcpkg_name": "hello", "srcpkg_version": "1.0-1",
                    "deb_fields": ["Package": "hello-doc", "Version": "1.0-1", "Architecture": "all"],
                ]
            ),
            ArtifactRecord(
                id: docUpload,
                category: KnownCategories.upload,
                workspaceID: workspace,
                data: ["type": "dpkg", "changes_fields": ["Source": "hello", "Version": "1.0-1"]]
            ),
            ArtifactRecord(
                id: signingInput,
                category: KnownCategories.signingInput,
                workspaceID: workspace,
                data: ["binary_package_name": "hello"]
            ),
            ArtifactRecord(
                id: docSigningInput,
                category: KnownCategories.signingInput,
                workspaceID: workspace,
                data: ["binary_package_name": "hello-doc"]
            ),
            ArtifactRecord(
                id: signingOutput,
                category: KnownCategories.signingOutput,
                workspaceID: workspace,
                data: ["purpose": "uefi", "fingerprint": "", "results": []]
            ),
        ] {
            try store.addArtifact(record)
        }
        for relation in [
            ArtifactRelation(artifactID: helloUpload, type: .extends, targetID: hello),
            ArtifactRelation(artifactID: helloUpload, type: .extends, targetID: docBinary),
            ArtifactRelation(artifactID: helloUpload, type: .extends, targetID: TaskFixture.Artifact.helloSource),
            ArtifactRelation(artifactID: docUpload, type: .extends, targetID: docBinary),
            ArtifactRelation(artifactID: signingOutput, type: .relatesTo, targetID: signingInput),
            ArtifactRelation(artifactID: signingOutput, type: .relatesTo, targetID: docSigningInput),
            ArtifactRelation(artifactID: signingOutput, type: .relatesTo, targetID: hello),
            ArtifactRelation(artifactID: signingInput, type: .relatesTo, targetID: hello),
            ArtifactRelation(artifactID: docSigningInput, type: .relatesTo, targetID: docBinary),
            ArtifactRelation(artifactID: docSigningInput, type: .relatesTo, targetID: hello),
        ] {
            try store.addRelation(relation)
        }
        return RecordingLookupResolver(store: store)
    }

    func resolve(_ field: InputField, _ data: JSONValue) throws -> ResolvedInputs {
        var inputs = try ResolvedInputs(fields: [field])
        try inputs.resolve(
            stage: .running,
            with: InputResolutionRequest(
                taskData: data,
                taskName: "ExtractForSigning",
                lookups: try Self.lookups(),
                context: Fixtures.context,
                settings: try InputResolutionSettings()
            )
        )
        return inputs
    }

    func uploads(_ lookup: JSONValue) throws -> InputArtifactMultiple {
        try resolve(Self.uploadField, ["input": ["binary_artifacts": lookup]]).multiple("binary_artifacts")
    }

    @Test("an empty lookup resolves to nothing (`test_empty`)")
    func emptyUploads() throws {
        let value = try uploads([])
        #expect(value.artifacts.isEmpty && value.label == "input.binary_artifacts" && value.lookup == [])
    }

    @Test("binary packages without uploads are kept as looked up (`test_no_uploads`)")
    func noUploads() throws {
        #expect(try uploads([.int(Self.docBinary), .int(Self.hello)]).artifactIDs == [Self.docBinary, Self.hello])
    }

    @Test(
        "an upload is replaced by the binary packages it extends, after the other results, by id (`test_expand_uploads`)"
    )
    func expandUploads() throws {
        let value = try uploads([.int(Self.helloUpload), .int(Self.docBinary)])
        // The source the upload also extends is no binary package: left out.
        #expect(value.artifactIDs == [Self.docBinary, Self.hello, Self.docBinary])
        #expect(value.artifacts.allSatisfy { $0.category == KnownCategories.binaryPackage })
        #expect(value.lookup == [.int(Self.helloUpload), .int(Self.docBinary)])
    }

    @Test("a binary extended by two of the uploads is listed once per upload, as Debusine's join lists it")
    func sharedBinaryOfTwoUploads() throws {
        #expect(
            try uploads([.int(Self.helloUpload), .int(Self.docUpload)]).artifactIDs == [
                Self.hello, Self.docBinary, Self.docBinary,
            ]
        )
    }

    @Test("any other category is refused, naming the element and both valid categories")
    func otherCategoryRefused() throws {
        let error = try #require(throws: TaskInputError.self) {
            try uploads([.int(Self.helloUpload), .int(TaskFixture.Artifact.lintianReport)])
        }
        #expect(
            error.description
                == "input.binary_artifacts[1]: unexpected artifact category: 'debian:lintian'. Valid categories: "
                + "['debian:binary-package', 'debian:upload']"
        )
    }

    @Test("the expanded binaries are saved and restored as a multiple input, and their ids are downloadable inputs")
    func expandedValueRoundTrips() throws {
        let inputs = try resolve(Self.uploadField, ["input": ["binary_artifacts": [.int(Self.helloUpload)]]])
        let dynamic = try inputs.saving(into: [:])
        let restored = try ResolvedInputs.restoring(fields: [Self.uploadField], from: dynamic)
        #expect(try restored.multiple("binary_artifacts") == inputs.multiple("binary_artifacts"))
        #expect(InputArtifactReferences.artifactIDs(inDynamicData: dynamic) == [Self.hello, Self.docBinary])
    }

    @Test(
        "unsigned: the signing inputs the signed artifacts relate to, then their binaries, sorted by id (`test_unsigned`)"
    )
    func unsigned() throws {
        let value = try resolve(Self.unsignedField, ["signed": [.int(Self.signingOutput)]]).multiple("unsigned")
        // hello's binary is listed once per signing input relating to it (two), as Debusine's join lists it, and
        // not for the signing output's own relation to it.
        #expect(
            value.artifactIDs == [Self.hello, Self.hello, Self.docBinary, Self.signingInput, Self.docSigningInput])
        #expect(value.label == "signed" && value.lookup == [.int(Self.signingOutput)])
    }

    @Test("unsigned: signed artifacts with no signing input give nothing, whatever their category (`test_empty`)")
    func unsignedWithoutSigningInputs() throws {
        #expect(try resolve(Self.unsignedField, ["signed": []]).multiple("unsigned").artifacts.isEmpty)
        #expect(try resolve(Self.unsignedField, ["signed": [.int(Self.hello)]]).multiple("unsigned").artifacts.isEmpty)
    }

    @Test("a signing input alone yields its binary only through a signed artifact, not when looked up itself")
    func signingInputLookedUpItself() throws {
        // Debusine follows relates-to from the looked-up artifacts to signing inputs: a signing input relates to
        // none, so it yields nothing.
        #expect(
            try resolve(Self.unsignedField, ["signed": [.int(Self.signingInput)]]).multiple("unsigned").artifacts
                .isEmpty
        )
    }
}
