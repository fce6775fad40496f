import Foundation
import KilnCore

/// The records task, input-field and pipeline tests run against, written through `LookupFixtureSink` so the
/// real `LookupResolver` answers over an `InMemoryLookupStore` now and a PostgreSQL store later.
///
/// - Workspaces: `debian/developers` (1) inheriting the public `debian/base` (2).
/// - Artifacts: source `hello 1.0-1` (1), binary `hello_1.0-1_amd64` (2), sid tarballs amd64 (3) and arm64
///   (4), a `debian:lintian` report (5) of a category inputs usually refuse, a `debian:upload` of hello (6),
///   source `libreoffice` (7), bookworm tarballs without variant (20 amd64, 21 arm64) and with variant
///   `sbuild` (22 amd64, 23 arm64), sid VM images (24 amd64, 25 arm64).
/// - Collections: `sid@debian:suite` (10, in base, holding hello's source and binary), `_@debian:archive`
///   (11, in base), `default@debusine:task-configuration` (12, in developers), `debian@debian:environments`
///   (13, in base), `experimental@debusine:task-configuration` (14) and `broken@debusine:task-configuration`
///   (15), both in developers.
///
/// The default configuration holds, for sbuild: a global entry using template `common`, a context entry
/// for `sid`, a subject entry for `hello`, and a subject entry for `libreoffice` requiring
/// `worker:class:large` (worked example 2 of deploy/docs/tags.md). `experimental` overrides `build_architecture` to
/// arm64 and tries to provide `task:scope:acme` next to `pool:experimental`. `broken` empties sbuild's
/// `build_components` (invalid configured data) and holds a corrupt lintian entry.
public enum TaskFixture {
    /// Workspace ids.
    public enum Workspace {
        public static let developers = 1
        public static let base = 2
    }

    /// Artifact ids.
    public enum Artifact {
        public static let helloSource = 1
        public static let helloBinary = 2
        public static let sidAmd64Tarball = 3
        public static let sidArm64Tarball = 4
        public static let lintianReport = 5
        public static let helloUpload = 6
        public static let libreofficeSource = 7
        public static let bookwormAmd64Tarball = 20
        public static let bookwormArm64Tarball = 21
        public static let bookwormAmd64SbuildTarball = 22
        public static let bookwormArm64SbuildTarball = 23
        public static let sidAmd64Image = 24
        public static let sidArm64Image = 25
    }

    /// Collection ids.
    public enum Collection {
        public static let sidSuite = 10
        public static let archive = 11
        public static let defaultConfiguration = 12
        public static let environments = 13
        public static let experimentalConfiguration = 14
        public static let brokenConfiguration = 15
    }

    /// Configuration item ids.
    public enum ConfigurationItem {
        public static let sbuildGlobal = 300
        public static let sbuildSid = 301
        public static let sbuildHello = 302
        public static let commonTemplate = 303
        public static let sbuildLibreoffice = 304
        public static let experimentalSbuild = 310
        public static let brokenSbuild = 320
        public static let corruptLintian = 321
    }

    /// Lookups run as alice from `debian/developers`.
    public static let context = LookupContext(workspaceID: Workspace.developers, user: "alice")

    /// Worked example 1 of deploy/docs/tags.md: workspace `debian/developers`, creator in the scope-level group
    /// `Debian`.
    public static let developersWorkRequest = WorkRequestTagContext(
        scope: "debian",
        workspace: "developers",
        creatorGroups: [.init(scope: "debian", name: "Debian")]
    )

    /// Writes the fixture.
    ///
    /// - Parameters:
    ///   - defaultConfiguration: whether `default@debusine:task-configuration` exists.
    ///   - archive: whether base holds `_@debian:archive`.
    ///   - removedArtifacts: artifacts (and the collection items holding them) left out, as if deleted.
    public static func populate(
        _ sink: inout some LookupFixtureSink,
        defaultConfiguration: Bool = true,
        archive: Bool = true,
        removedArtifacts: Set<Int> = []
    ) throws {
        for workspace in workspaces { try sink.addWorkspace(workspace) }
        for artifact in artifacts where !removedArtifacts.contains(artifact.id) { try sink.addArtifact(artifact) }
        for collection in collections {
            if collection.id == Collection.archive && !archive { continue }
            if collection.id == Collection.defaultConfiguration && !defaultConfiguration { continue }
            try sink.addCollection(collection)
        }
        for item in items {
            if item.parentCollectionID == Collection.defaultConfiguration && !defaultConfiguration { continue }
            if let artifactID = item.artifactID, removedArtifacts.contains(artifactID) { continue }
            try sink.addItem(item)
        }
    }

    /// The fixture in a fresh in-memory store. The data is constant, so a failure is a bug in this file.
    public static func store(
        defaultConfiguration: Bool = true,
        archive: Bool = true,
        removedArtifacts: Set<Int> = []
    ) -> InMemoryLookupStore {
        var store = InMemoryLookupStore()
        do {
            try populate(
                &store,
                defaultConfiguration: defaultConfiguration,
                archive: archive,
                removedArtifacts: removedArtifacts
            )
        } catch {
            preconditionFailure("TaskFixture is inconsistent: \(error)")
        }
        return store
    }

    /// The real resolver over `store(…)`, recording environment lookups.
    public static func lookups(
        defaultConfiguration: Bool = true,
        archive: Bool = true,
        removedArtifacts: Set<Int> = []
    ) -> RecordingLookupResolver {
        RecordingLookupResolver(
            store: store(
                defaultConfiguration: defaultConfiguration,
                archive: archive,
                removedArtifacts: removedArtifacts
            )
        )
    }

    // MARK: Records

    static let workspaces: [WorkspaceRecord] = [
        WorkspaceRecord(id: Workspace.developers, scope: "debian", name: "developers", inheritsFrom: [Workspace.base]),
        WorkspaceRecord(id: Workspace.base, scope: "debian", name: "base"),
    ]

    static let artifacts: [ArtifactRecord] = [
        source(Artifact.helloSource, "hello", "1.0-1"),
        ArtifactRecord(
            id: Artifact.helloBinary,
            category: KnownCategories.binaryPackage,
            workspaceID: Workspace.developers,
            data: [
                "srcpkg_name": "hello", "srcpkg_version": "1.0-1",
                "deb_fields": ["Package": "hello", "Version": "1.0-1", "Architecture": "amd64"],
            ]
        ),
        environment(Artifact.sidAmd64Tarball, KnownCategories.systemTarball, "sid", "amd64"),
        environment(Artifact.sidArm64Tarball, KnownCategories.systemTarball, "sid", "arm64"),
        ArtifactRecord(id: Artifact.lintianReport, category: "debian:lintian", workspaceID: Workspace.developers),
        ArtifactRecord(
            id: Artifact.helloUpload,
            category: "debian:upload",
            workspaceID: Workspace.developers,
            data: ["type": "dpkg", "changes_fields": ["Source": "hello", "Version": "1.0-1"]]
        ),
        source(Artifact.libreofficeSource, "libreoffice", "4:24.2.0-1"),
        environment(Artifact.bookwormAmd64Tarball, KnownCategories.systemTarball, "bookworm", "amd64"),
        environment(Artifact.bookwormArm64Tarball, KnownCategories.systemTarball, "bookworm", "arm64"),
        environment(Artifact.bookwormAmd64SbuildTarball, KnownCategories.systemTarball, "bookworm", "amd64"),
        environment(Artifact.bookwormArm64SbuildTarball, KnownCategories.systemTarball, "bookworm", "arm64"),
        environment(Artifact.sidAmd64Image, KnownCategories.systemImage, "sid", "amd64"),
        environment(Artifact.sidArm64Image, KnownCategories.systemImage, "sid", "arm64"),
    ]

    static let collections: [CollectionRecord] = [
        CollectionRecord(
            id: Collection.sidSuite,
            name: "sid",
            category: KnownCategories.suite,
            workspaceID: Workspace.base
        ),
        CollectionRecord(id: Collection.archive, name: "_", category: "debian:archive", workspaceID: Workspace.base),
        CollectionRecord(
            id: Collection.defaultConfiguration,
            name: "default",
            category: KnownCategories.taskConfiguration,
            workspaceID: Workspace.developers,
            data: ["git_commit": "abc123"]
        ),
        CollectionRecord(
            id: Collection.environments,
            name: "debian",
            category: KnownCategories.environments,
            workspaceID: Workspace.base
        ),
        CollectionRecord(
            id: Collection.experimentalConfiguration,
            name: "experimental",
            category: KnownCategories.taskConfiguration,
            workspaceID: Workspace.developers
        ),
        CollectionRecord(
            id: Collection.brokenConfiguration,
            name: "broken",
            category: KnownCategories.taskConfiguration,
            workspaceID: Workspace.developers
        ),
    ]

    static let items: [CollectionItemRecord] = [
        // sid@debian:suite: hello's source and its amd64 binary.
        CollectionItemRecord(
            id: 100,
            parentCollectionID: Collection.sidSuite,
            name: "hello_1.0-1",
            childType: .artifact,
            category: KnownCategories.sourcePackage,
            data: ["package": "hello", "version": "1.0-1", "component": "main", "section": "devel"],
            artifactID: Artifact.helloSource,
            createdAt: seconds(100)
        ),
        CollectionItemRecord(
            id: 101,
            parentCollectionID: Collection.sidSuite,
            name: "hello_1.0-1_amd64",
            childType: .artifact,
            category: KnownCategories.binaryPackage,
            data: [
                "srcpkg_name": "hello", "srcpkg_version": "1.0-1", "package": "hello", "version": "1.0-1",
                "architecture": "amd64", "component": "main", "section": "devel", "priority": "optional",
            ],
            artifactID: Artifact.helloBinary,
            createdAt: seconds(101)
        ),
        // debian@debian:environments: sid without variant (tarballs for unshare, images for incus-vm);
        // bookworm tarballs without variant and with variant sbuild.
        environmentItem(200, Artifact.sidAmd64Tarball, "tarball", "sid", "amd64", variant: nil, backend: "unshare"),
        environmentItem(201, Artifact.sidArm64Tarball, "tarball", "sid", "arm64", variant: nil, backend: "unshare"),
        environmentItem(202, Artifact.sidAmd64Image, "image", "sid", "amd64", variant: nil, backend: "incus-vm"),
        environmentItem(203, Artifact.sidArm64Image, "image", "sid", "arm64", variant: nil, backend: "incus-vm"),
        environmentItem(
            204,
            Artifact.bookwormAmd64Tarball,
            "tarball",
            "bookworm",
            "amd64",
            variant: nil,
            backend: "unshare"
        ),
        environmentItem(
            205,
            Artifact.bookwormArm64Tarball,
            "tarball",
            "bookworm",
            "arm64",
            variant: nil,
            backend: "unshare"
        ),
        environmentItem(
            206,
            Artifact.bookwormAmd64SbuildTarball,
            "tarball",
            "bookworm",
            "amd64",
            variant: "sbuild",
            backend: "unshare"
        ),
        environmentItem(
            207,
            Artifact.bookwormArm64SbuildTarball,
            "tarball",
            "bookworm",
            "arm64",
            variant: "sbuild",
            backend: "unshare"
        ),
        // default@debusine:task-configuration.
        configurationItem(
            ConfigurationItem.sbuildGlobal,
            Collection.defaultConfiguration,
            name: "Worker:sbuild::",
            [
                "task_type": "Worker", "task_name": "sbuild", "default_values": ["build_components": ["any", "all"]],
                "use_templates": ["common"],
            ]
        ),
        configurationItem(
            ConfigurationItem.sbuildSid,
            Collection.defaultConfiguration,
            name: "Worker:sbuild::sid",
            [
                "task_type": "Worker", "task_name": "sbuild", "context": "sid",
                "default_values": ["build_dep_resolver": "apt"],
            ]
        ),
        configurationItem(
            ConfigurationItem.sbuildHello,
            Collection.defaultConfiguration,
            name: "Worker:sbuild:hello:",
            [
                "task_type": "Worker", "task_name": "sbuild", "subject": "hello",
                "override_values": ["build_dep_resolver": "aptitude"],
            ]
        ),
        configurationItem(
            ConfigurationItem.commonTemplate,
            Collection.defaultConfiguration,
            name: "template:common",
            ["template": "common", "default_values": ["build_profiles": ["nocheck"]]]
        ),
        configurationItem(
            ConfigurationItem.sbuildLibreoffice,
            Collection.defaultConfiguration,
            name: "Worker:sbuild:libreoffice:",
            [
                "task_type": "Worker", "task_name": "sbuild", "subject": "libreoffice",
                "require_tags": ["worker:class:large"],
            ]
        ),
        // experimental@debusine:task-configuration.
        configurationItem(
            ConfigurationItem.experimentalSbuild,
            Collection.experimentalConfiguration,
            name: "Worker:sbuild::",
            [
                "task_type": "Worker", "task_name": "sbuild", "override_values": ["build_architecture": "arm64"],
                "provide_tags": ["task:scope:acme", "pool:experimental"],
            ]
        ),
        // broken@debusine:task-configuration.
        configurationItem(
            ConfigurationItem.brokenSbuild,
            Collection.brokenConfiguration,
            name: "Worker:sbuild::",
            ["task_type": "Worker", "task_name": "sbuild", "override_values": ["build_components": ["binary"]]]
        ),
        configurationItem(
            ConfigurationItem.corruptLintian,
            Collection.brokenConfiguration,
            name: "Worker:lintian::",
            ["task_type": "Worker", "task_name": "lintian", "surprise": true]
        ),
    ]

    // MARK: Builders

    static func seconds(_ value: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(value)) }

    static func source(_ id: Int, _ name: String, _ version: String) -> ArtifactRecord {
        ArtifactRecord(
            id: id,
            category: KnownCategories.sourcePackage,
            workspaceID: Workspace.developers,
            data: [
                "name": .string(name), "version": .string(version), "type": "dpkg",
                "dsc_fields": ["Package": .string(name), "Version": .string(version)],
            ]
        )
    }

    static func environment(_ id: Int, _ category: String, _ codename: String, _ architecture: String) -> ArtifactRecord
    {
        ArtifactRecord(
            id: id,
            category: category,
            workspaceID: Workspace.base,
            data: ["codename": .string(codename), "architecture": .string(architecture), "vendor": "debian"]
        )
    }

    static func environmentItem(
        _ id: Int,
        _ artifact: Int,
        _ format: String,
        _ codename: String,
        _ architecture: String,
        variant: String?,
        backend: String
    ) -> CollectionItemRecord {
        CollectionItemRecord(
            id: id,
            parentCollectionID: Collection.environments,
            name: [format, codename, architecture, variant ?? "", backend].joined(separator: ":"),
            childType: .artifact,
            category: format == "image" ? KnownCategories.systemImage : KnownCategories.systemTarball,
            data: [
                "codename": .string(codename), "architecture": .string(architecture),
                "variant": variant.map(JSONValue.string) ?? .null, "backend": .string(backend),
            ],
            artifactID: artifact,
            createdAt: seconds(id)
        )
    }

    static func configurationItem(
        _ id: Int,
        _ collection: Int,
        name: String,
        _ data: [String: JSONValue]
    ) -> CollectionItemRecord {
        CollectionItemRecord(
            id: id,
            parentCollectionID: collection,
            name: name,
            childType: .bare,
            category: KnownCategories.taskConfiguration,
            data: data,
            createdAt: seconds(id)
        )
    }
}
