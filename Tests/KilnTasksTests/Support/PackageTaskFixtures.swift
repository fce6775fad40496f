import KilnCore
import KilnTestSupport

/// The task fixture (`TaskFixture`) plus the artifacts the package tasks read that it lacks: a build log of
/// hello 1.0-1 on amd64 (30), an upload of libreoffice for all and amd64 (31), hello's binary 1.0-2 (32),
/// hello's source 1.0-2 (33) and an upload of hello 1.0-1 for source and amd64 (34), which `extends` hello's
/// binary 1.0-1 (2) and source (1); hello's signing input (35), which `relates-to` that binary, and a signing
/// output made from it (36), which `relates-to` the signing input.
enum PackageTaskFixtures {
    static let buildLog = 30
    static let libreofficeUpload = 31
    static let newHelloBinary = 32
    static let newHelloSource = 33
    static let helloUpload = 34
    static let helloSigningInput = 35
    static let helloSigningOutput = 36
    /// A binary package whose `deb_fields` name no `Package` (`DebianBinaryPackage` does not require it).
    static let unnamedBinary = 37

    static let extraArtifacts: [ArtifactRecord] = [
        ArtifactRecord(
            id: unnamedBinary,
            category: "debian:binary-package",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "srcpkg_name": "hello", "srcpkg_version": "1.0-1",
                "deb_fields": ["Version": "1.0-1", "Architecture": "amd64"], "deb_control_files": [],
            ]
        ),
        ArtifactRecord(
            id: buildLog,
            category: "debian:package-build-log",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "source": "hello", "version": "1.0-1", "architecture": "amd64", "filename": "hello_1.0-1_amd64.build",
                "bd_uninstallable": ["suite": "sid"],
            ]
        ),
        ArtifactRecord(
            id: libreofficeUpload,
            category: "debian:upload",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "type": "dpkg",
                "changes_fields": ["Source": "libreoffice", "Version": "4:24.2.0-1", "Architecture": "all amd64"],
            ]
        ),
        ArtifactRecord(
            id: newHelloBinary,
            category: "debian:binary-package",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "srcpkg_name": "hello", "srcpkg_version": "1.0-2",
                "deb_fields": ["Package": "hello", "Version": "1.0-2", "Architecture": "amd64"],
            ]
        ),
        ArtifactRecord(
            id: newHelloSource,
            category: "debian:source-package",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "name": "hello", "version": "1.0-2", "type": "dpkg",
                "dsc_fields": ["Package": "hello", "Version": "1.0-2"],
            ]
        ),
        ArtifactRecord(
            id: helloUpload,
            category: "debian:upload",
            workspaceID: TaskFixture.Workspace.developers,
            data: [
                "type": "dpkg",
                "changes_fields": ["Source": "hello", "Version": "1.0-1", "Architecture": "source amd64"],
            ]
        ),
        ArtifactRecord(
            id: helloSigningInput,
            category: KnownCategories.signingInput,
            workspaceID: TaskFixture.Workspace.developers,
            data: ["binary_package_name": "hello"]
        ),
        ArtifactRecord(
            id: helloSigningOutput,
            category: KnownCategories.signingOutput,
            workspaceID: TaskFixture.Workspace.developers,
            data: ["purpose": "uefi", "fingerprint": "", "results": []]
        ),
    ]

    /// The real resolver over the task fixture and `extraArtifacts`; as `Fixtures.lookups()`, without the
    /// default task configuration unless asked.
    static func lookups(withDefaultConfiguration: Bool = false) -> RecordingLookupResolver {
        var store = TaskFixture.store(defaultConfiguration: withDefaultConfiguration)
        for artifact in extraArtifacts {
            do { try store.addArtifact(artifact) } catch { preconditionFailure("bad package fixture: \(error)") }
        }
        for relation in [
            ArtifactRelation(artifactID: helloUpload, type: .extends, targetID: TaskFixture.Artifact.helloBinary),
            ArtifactRelation(artifactID: helloUpload, type: .extends, targetID: TaskFixture.Artifact.helloSource),
            ArtifactRelation(artifactID: helloSigningInput, type: .relatesTo, targetID: TaskFixture.Artifact.helloBinary),
            ArtifactRelation(artifactID: helloSigningOutput, type: .relatesTo, targetID: helloSigningInput),
        ] {
            do { try store.addRelation(relation) } catch { preconditionFailure("bad package fixture: \(error)") }
        }
        return RecordingLookupResolver(store: store)
    }

    /// The DBTask view of a task, with the given stage resolved against `lookups()`.
    static func task(
        _ name: String,
        _ data: JSONValue,
        type: TaskType = .worker,
        stage: Stage = .pending
    )
        throws -> any DBTask
    {
        try resolvedDBTask(type, name, data, stage: stage, lookups: lookups())
    }
}
