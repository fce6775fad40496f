/// The category vocabularies (Debusine `artifacts/models.py` `ArtifactCategory`, `CollectionCategory`), in one
/// place for the Input* model, the lookups, the collection managers and the tasks.
///
/// An `Input*` value may only name a category Debusine knows, so a worker never receives (and a store never
/// keeps) a value it cannot interpret.
public enum KnownCategories {
    /// Artifact categories (Debusine 0.16's `ArtifactCategory`, `debusine:test` included, which Debusine's own
    /// tests use): those with a data model.
    public static let artifacts: Set<String> = Set(ArtifactDataModels.byCategory.keys)

    /// Collection categories (Debusine 0.16, plus `debusine:test`).
    public static let collections: Set<String> = [
        "debian:environments", "debian:suite", "debian:package-build-logs", "debusine:workflow-internal",
        "debusine:task-configuration", "debusine:task-history", "debian:archive", "debian:qa-results",
        "debusine:test",
    ]

    /// `debian:source-package`.
    public static let sourcePackage = "debian:source-package"
    /// `debian:binary-package`.
    public static let binaryPackage = "debian:binary-package"
    /// `debian:repository-index`: a suite's or archive's index file.
    public static let repositoryIndex = "debian:repository-index"
    /// `debusine:workflow-internal`: a workflow's runtime data, named by the workflow.
    public static let workflowInternal = "debusine:workflow-internal"
    /// `debusine:task-history`: the singleton collection recording finished task runs.
    public static let taskHistory = "debusine:task-history"
    /// `debian:package-build-logs`: the singleton collection of build logs (filled by Debusine's workflows).
    public static let packageBuildLogs = "debian:package-build-logs"
    /// `debian:qa-results`: the results of QA tasks (lintian, autopkgtest, piuparts, blhc) per package.
    public static let qaResults = "debian:qa-results"
    /// `debian:qa-result`: the bare data of one QA result (Debusine's `BareDataCategory.QA_RESULT`).
    public static let qaResult = "debian:qa-result"
    /// `debusine:historical-task-run`: the bare data of one finished task run in a task history.
    public static let historicalTaskRun = "debusine:historical-task-run"
    /// `debusine:test`: the category Debusine's own tests use for artifacts and collections.
    public static let test = "debusine:test"
    /// Collections of which a workspace holds one, named `_` (Debusine's `SINGLETON_COLLECTION_CATEGORIES`).
    public static let singletonCollections: Set<String> = [
        "debian:archive", "debian:package-build-logs", "debusine:task-history",
    ]
    /// `debian:suite`: the only collection category a suite/archive input accepts.
    public static let suite = "debian:suite"
    /// `debian:archive`: the singleton collection found next to a suite.
    public static let archive = "debian:archive"
    /// `debian:environments`: the default category of environment lookups.
    public static let environments = "debian:environments"
    /// `debusine:task-configuration`: the default category of the `task_configuration` input.
    public static let taskConfiguration = "debusine:task-configuration"
    /// `debian:binary-packages`: several binary packages of one build.
    public static let binaryPackages = "debian:binary-packages"
    /// `debian:upload`: a `.changes` and its files.
    public static let upload = "debian:upload"
    /// `debian:package-build-log`.
    public static let packageBuildLog = "debian:package-build-log"
    /// `debusine:work-request-debug-logs`: the logs of a task's stages, uploaded whatever its result.
    public static let workRequestDebugLogs = "debusine:work-request-debug-logs"
    /// `debian:lintian`: lintian's report on one architecture group.
    public static let lintian = "debian:lintian"
    /// `debian:autopkgtest`: autopkgtest's results.
    public static let autopkgtest = "debian:autopkgtest"
    /// `debian:blhc`: blhc's report on a build log.
    public static let blhc = "debian:blhc"
    /// `debian:piuparts`: piuparts' report.
    public static let piuparts = "debian:piuparts"
    /// `debusine:signing-output`: what a signing task signed, or why it could not.
    public static let signingOutput = "debusine:signing-output"
    /// `debian:debdiff`: debdiff's report.
    public static let debdiff = "debian:debdiff"
    /// `debian:debug-symbols`: the `.debug` files of a `-dbgsym` package, each named by its build ID, so a
    /// debugger can be given exactly the symbols of one binary package (sbuild's output).
    public static let debugSymbols = "debian:debug-symbols"
    /// `debusine:signing-input`: files a signing task is to sign (sbuild's `.changes`).
    public static let signingInput = "debusine:signing-input"
    /// `debian:system-tarball`: what an environment `format=tarball` stands for.
    public static let systemTarball = "debian:system-tarball"
    /// `debian:system-image`: what an environment `format=image` stands for.
    public static let systemImage = "debian:system-image"
    /// `debusine:promise`: bare data standing for an artifact a work request has not produced yet; a
    /// dictionary lookup's `child_type: artifact-or-promise` admits it beside artifacts.
    public static let promise = "debusine:promise"
    /// The categories of environments: tarballs (unshare, incus-lxc) and images (VMs), those an
    /// `debian:environments` collection holds and the environment fields of sbuild, autopkgtest and lintian accept.
    public static let environmentArtifacts: Set<String> = [systemTarball, systemImage]

    /// The name of a workflow's internal collection, which `internal@collections` designates.
    public static func workflowInternalCollectionName(rootID: Int) -> String { "workflow-\(rootID)" }
}
