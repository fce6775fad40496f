import Foundation
import KilnCore
import KilnTestSupport
import Testing

/// Kiln as a build farm, with the real Debian tools: an environment tarball (mmdebstrap through Kiln on a new
/// machine; cached between runs on the same one), the demo's `kiln-hello` source package uploaded with
/// `kiln artifact create`, then sbuild, lintian, autopkgtest and blhc on a real `kiln-worker`, and the
/// failure cases: a package that does not build, an environment that does not unpack, content corrupted in
/// the file store. `deploy/test` installs the tools (sbuild, mmdebstrap, lintian, autopkgtest, uidmap) and
/// the subordinate ids the unshare executor needs; deploy/docs/testing.md says what the chain costs.
@Suite("End to end: a real Debian build chain", .serialized, .timeLimit(.minutes(40)))
struct BuildChainTests {
    /// Where the environment tarball is kept between runs on this machine.
    static let cachedTarball = TestServers.repositoryRoot.appending(
        path: ".kiln/test-cache/bookworm-amd64-buildd.tar.xz"
    )
    static let mirror = "http://deb.debian.org/debian"
    static let longRun: Duration = .seconds(1800)

    @Test(
        "mmdebstrap → sbuild → lintian, autopkgtest, blhc of kiln-hello; a broken build fails with its log; debdiff of the two; bad environments and corrupt downloads are errors naming the cause"
    )
    func chain() async throws {
        try BuildTools.require()
        try await KilnStack.with { stack in
            let cli = stack.cli
            let worker = try await Self.farm(stack, worker: "builder")
            let tags = try await cli.worker(worker.name).providedTags
            for tag in [
                "worker:executor:unshare", "worker:cap:sbuild", "worker:cap:autopkgtest", "worker:cap:mmdebstrap",
            ] {
                #expect(tags.contains(tag), "the builder provides \(tags)")
            }

            // The environment: made by Kiln's mmdebstrap on a new machine, reused from the cache otherwise.
            try await Self.prepareEnvironment(stack)

            // kiln-hello, built from the demo data into a source package and uploaded.
            let source = try await Self.uploadSource(stack, from: Self.demoSource)
            let build = try await cli.submit(
                "sbuild",
                data: ["input": ["source_artifact": .int(source)], "environment": "bookworm/match:codename=bookworm"]
            )
            let built = try await cli.waitFor(build, "is built", timeout: Self.longRun) { $0.isFinished }
            #expect(built.result == "success", "\(built)")
            let log = try #require(built.artifacts(KnownCategories.packageBuildLog).first)
            #expect(built.artifacts(KnownCategories.upload).count == 1)
            // Every .deb of the build is a binary package, the -dbgsym one included (Debusine's suffix rules).
            var binaries: [String: ArtifactView] = [:]
            for id in built.artifacts(KnownCategories.binaryPackage) {
                let shown = try await cli.json(ArtifactView.self, ["artifact", "show", String(id)])
                for file in shown.files { binaries[file.path] = shown }
            }
            #expect(Set(binaries.keys) == ["kiln-hello_1.0_amd64.deb", "kiln-hello-dbgsym_1.0_amd64.deb"])
            let shownBinary = try #require(binaries["kiln-hello_1.0_amd64.deb"])
            let binary = shownBinary.id
            #expect(shownBinary.data["srcpkg_name"] == "kiln-hello")
            #expect(shownBinary.relations.contains { $0.type == "built-using" && $0.target == source })
            // The -dbgsym package's .debug files by build ID, relating to the binary they describe.
            let symbols = try await cli.json(
                ArtifactView.self,
                ["artifact", "show", String(try #require(built.artifacts(KnownCategories.debugSymbols).first))]
            )
            let buildIDs = try #require(symbols.data["build_ids"]?.arrayValue).compactMap(\.stringValue)
            #expect(!buildIDs.isEmpty && Set(symbols.files.map(\.path)) == Set(buildIDs))
            #expect(buildIDs.allSatisfy { $0.count == 40 })
            #expect(symbols.relations.contains { $0.type == "relates-to" && $0.target == binary })
            // The .changes alone, for a signing task, relating to the upload.
            let signing = try await cli.json(
                ArtifactView.self,
                ["artifact", "show", String(try #require(built.artifacts(KnownCategories.signingInput).first))]
            )
            #expect(signing.files.map(\.path) == ["kiln-hello_1.0_amd64.changes"])
            #expect(
                signing.relations.contains {
                    $0.type == "relates-to" && $0.target == built.artifacts(KnownCategories.upload).first
                }
            )
            // Its runtime statistics as Debusine's worker gathers them (`CollectStatistics`): sbuild's own run is
            // the `run` phase, and a build in an environment samples the host's RAM.
            let statistics = try #require(built.outputData?.value(atPath: "runtime_statistics")?.objectValue)
            #expect((statistics["duration_run"]?.intValue ?? 0) > 0, "\(statistics)")
            #expect((statistics["duration"]?.intValue ?? 0) >= (statistics["duration_run"]?.intValue ?? .max))
            #expect((statistics["memory"]?.intValue ?? 0) > 0, "\(statistics)")
            #expect(statistics["cpu_count"] != nil && statistics["cpu_time"] != nil, "\(statistics)")
            // The worker reported its stages with its heartbeats (every second here); the last one stays.
            #expect(built.progress?.isEmpty == false, "no progress was recorded for the build")
            let printedLog = try await cli.run(["log", String(build)])
            #expect(printedLog.stdout.contains("Status: successful"))

            // lintian, autopkgtest and blhc of what was built, all at once, submitted while the file store is down:
            // the worker retries (logging it) and, once the store is back, fetches, runs and uploads; all three
            // succeed. (Uploads retried across an outage: FileStoreOutageTests and abortAndSupersede below.)
            for store in stack.processes(named: "file-store") { await store.kill() }
            let environmentLookup: JSONValue = "bookworm/match:codename=bookworm"
            let lintian = try await cli.submit(
                "lintian",
                data: [
                    "input": ["source_artifact": .int(source), "binary_artifacts": [.int(binary)]],
                    "environment": environmentLookup,
                ]
            )
            let autopkgtest = try await cli.submit(
                "autopkgtest",
                data: [
                    "input": ["source_artifact": .int(source), "binary_artifacts": [.int(binary)]],
                    "environment": environmentLookup,
                ]
            )
            let blhc = try await cli.submit(
                "blhc",
                data: [
                    "input": ["artifact": .int(log)], "environment": environmentLookup, "build_architecture": "amd64",
                ]
            )
            try await waitUntil("the worker retries the file store", timeout: Self.longRun) {
                worker.process.logged("file store request failed; retrying")
            }
            try await stack.startFileStore(replica: 1)
            let linted = try await cli.waitFor(lintian, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(linted.result == "success", "\(linted)")
            // lintian ran in the unpacked environment: the disk it used is sampled as it finishes.
            #expect(linted.outputData?.value(atPath: "runtime_statistics.disk_space")?.intValue ?? 0 > 0, "\(linted)")
            let reports = linted.artifacts(KnownCategories.lintian)
            #expect(reports.count == 2, "one debian:lintian for source, one for amd64")
            for report in reports {
                let shown = try await cli.json(ArtifactView.self, ["artifact", "show", String(report)])
                #expect(Set(shown.files.map(\.path)) == ["analysis.json", "lintian.txt"])
                #expect(shown.data["summary"]?.objectValue?["tags_count_by_severity"]?.objectValue?["error"] == 0)
            }
            let tested = try await cli.waitFor(autopkgtest, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(tested.result == "success", "\(tested)")
            let testReport = try #require(tested.artifacts(KnownCategories.autopkgtest).first)
            let testData = try await cli.json(ArtifactView.self, ["artifact", "show", String(testReport)]).data
            #expect(testData["results"]?.objectValue?["smoke"]?.objectValue?["status"] == "PASS")
            let checked = try await cli.waitFor(blhc, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(checked.result == "success", "\(checked)")
            #expect(checked.artifacts(KnownCategories.blhc).count == 1)

            // A package whose build fails: failure, with its build log and nothing else.
            let brokenTree = stack.folder.appending(path: "broken/kiln-hello")
            try FileManager.default.createDirectory(
                at: brokenTree.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try FileManager.default.copyItem(
                at: Self.demoSource,
                to: brokenTree
            )
            try Data("int main(void) { this does not compile }\n".utf8).write(to: brokenTree.appending(path: "hello.c"))
            let brokenSource = try await Self.uploadSource(stack, from: brokenTree)
            let failing = try await cli.submit(
                "sbuild",
                data: [
                    "input": ["source_artifact": .int(brokenSource)], "environment": "bookworm/match:codename=bookworm",
                ]
            )
            let failed = try await cli.waitFor(failing, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(failed.result == "failure", "\(failed)")
            #expect(failed.artifacts(KnownCategories.packageBuildLog).count == 1)
            #expect(failed.artifacts(KnownCategories.binaryPackage).isEmpty)
            let failedLog = try await cli.run(["log", String(failing)])
            #expect(failedLog.stdout.contains("Status: attempted") || failedLog.stdout.contains("Status: failed"))

            // Build dependencies that cannot be installed: failure, and the build log carries dose3's explanation.
            let uninstallableTree = stack.folder.appending(path: "uninstallable/kiln-hello")
            try FileManager.default.createDirectory(
                at: uninstallableTree.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try FileManager.default.copyItem(
                at: Self.demoSource,
                to: uninstallableTree
            )
            let control = uninstallableTree.appending(path: "debian/control")
            try Data(
                try String(contentsOf: control, encoding: .utf8).replacingOccurrences(
                    of: "Build-Depends: debhelper-compat (= 13)",
                    with: "Build-Depends: debhelper-compat (= 13), kiln-no-such-package (>= 2)"
                ).utf8
            ).write(to: control)
            let uninstallable = try await cli.waitFor(
                try await cli.submit(
                    "sbuild",
                    data: [
                        "input": [
                            "source_artifact": .int(
                                try await Self.uploadSource(stack, from: uninstallableTree, name: "uninstallable")
                            )
                        ],
                        "environment": "bookworm/match:codename=bookworm",
                    ]
                ),
                "is finished",
                timeout: Self.longRun
            ) { $0.isFinished }
            #expect(uninstallable.result == "failure", "\(uninstallable)")
            let explained = try await cli.json(
                ArtifactView.self,
                [
                    "artifact", "show",
                    String(try #require(uninstallable.artifacts(KnownCategories.packageBuildLog).first)),
                ]
            )
            let report = try #require(
                explained.data["bd_uninstallable"]?.objectValue?["report"]?.arrayValue?.first?.objectValue
            )
            #expect(report["status"] == "broken")
            #expect(
                report["reasons"]?.arrayValue?.first?.objectValue?["missing"]?.objectValue?["pkg"]?.objectValue?[
                    "unsat-dependency"
                ]
                    == "kiln-no-such-package:amd64 (>= 2)"
            )

            // debdiff of the good and the broken source packages: a difference is a success, with its report.
            let diffed = try await cli.waitFor(
                try await cli.submit(
                    "debdiff",
                    data: [
                        "input": ["source_artifacts": [.int(source), .int(brokenSource)]],
                        "environment": environmentLookup, "build_architecture": "amd64",
                    ]
                ),
                "is finished",
                timeout: Self.longRun
            ) { $0.isFinished }
            #expect(diffed.result == "success", "\(diffed)")
            let diffReport = try #require(diffed.artifacts(KnownCategories.debdiff).first)
            let diffView = try await cli.json(ArtifactView.self, ["artifact", "show", String(diffReport)])
            #expect(diffView.files.map(\.path) == ["debdiff.txt"])
            #expect(diffView.data["original"] == "kiln-hello_1.0.dsc")

            // An environment that does not unpack: error, naming it.
            let garbage = stack.folder.appending(path: "garbage/system.tar.xz")
            try FileManager.default.createDirectory(
                at: garbage.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data("this is not a tarball".utf8).write(to: garbage)
            let bad = try await cli.json(
                CreatedArtifact.self,
                [
                    "artifact", "create", "debian:system-tarball", "--workspace", "debian/developers", "--upload",
                    garbage.path,
                    "--data",
                    #"{"filename": "system.tar.xz", "vendor": "debian", "codename": "trixie", "architecture": "amd64", "mirror": "http://deb.debian.org/debian", "components": ["main"], "variant": null, "pkglist": {}, "with_dev": true, "with_init": false}"#,
                ]
            )
            try await cli.run([
                "collection", "add", "bookworm@debian:environments", "--workspace", "debian/developers", "--artifact",
                String(bad.id), "--data", #"{"backend": "unshare"}"#,
            ])
            let unpackable = try await cli.submit(
                "lintian",
                data: ["input": ["source_artifact": .int(source)], "environment": "bookworm/match:codename=trixie"]
            )
            let refused = try await cli.waitFor(unpackable, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(refused.result == "error", "\(refused)")
            #expect(
                refused.errorMessages.contains { $0.contains("environment \(bad.id) did not unpack") },
                "\(refused)"
            )

            // Content corrupted in the file store: the worker's SHA-256 check refuses the download.
            let corrupt = try await Self.uploadSource(stack, from: Self.demoSource, name: "corrupt")
            let dsc = try #require(
                try await cli.json(ArtifactView.self, ["artifact", "show", String(corrupt)]).files.first {
                    $0.path.hasSuffix(".dsc")
                }
            )
            let blob = stack.folder.appending(
                path: "files/\(dsc.sha256.prefix(2))/\(dsc.sha256.dropFirst(2).prefix(2))/\(dsc.sha256)"
            )
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
            var bytes = try Data(contentsOf: blob)
            bytes[0] ^= 0xFF
            try bytes.write(to: blob)
            let corrupted = try await cli.submit(
                "sbuild",
                data: ["input": ["source_artifact": .int(corrupt)], "environment": "bookworm/match:codename=bookworm"]
            )
            let erred = try await cli.waitFor(corrupted, "is finished", timeout: Self.longRun) { $0.isFinished }
            #expect(erred.result == "error", "\(erred)")
            #expect(erred.errorMessages.contains { $0.contains("has SHA-256") && $0.contains("discarded") }, "\(erred)")
        }
    }

    @Test(
        "a real tool aborted stops with its whole process group and its folder; a worker that dies after creating an output is superseded and the retry builds; outputs the file store refuses are an error naming why"
    )
    func abortAndSupersede() async throws {
        try BuildTools.require()
        try await KilnStack.with { stack in
            let cli = stack.cli
            let worker = try await Self.farm(stack, worker: "builder")
            let work = stack.folder.appending(path: "workers/builder/work")

            // mmdebstrap, aborted while it runs: the tool and everything it started die, its folder goes.
            let bootstrap = try await cli.submit("mmdebstrap", data: Self.bootstrapData)
            try await waitUntil("mmdebstrap runs", timeout: Self.longRun) {
                try await cli.show(bootstrap).progress?.hasPrefix("running mmdebstrap") == true
            }
            let group = try await Self.processGroup(ofCommand: "mmdebstrap")
            #expect(group != getpgrp(), "the tool runs in its own process group")
            try await cli.run(["abort", String(bootstrap)])
            #expect(try await cli.waitFor(bootstrap, "is aborted") { $0.isFinished }.status == "aborted")
            try await waitUntil("the worker drops the run", timeout: .seconds(300)) {
                worker.process.logged("assignment aborted; no result will be reported") {
                    $0["wr.id"] as? String == String(bootstrap)
                }
            }
            try await waitUntil("nothing of mmdebstrap's process group is left", timeout: .seconds(120)) {
                try await ExecutableRun.runSystem(["pgrep", "-g", String(group)], in: work).status != 0
            }
            try await waitUntil("its work folder is removed", timeout: .seconds(120)) {
                !(try FileManager.default.contentsOfDirectory(atPath: work.path)).contains {
                    $0.hasPrefix("wr-\(bootstrap)-")
                }
            }

            // An sbuild whose outputs the store cannot stage (a file where its staging folder was: every upload
            // answers 500): the worker has created its first output and retries the upload when it is killed.
            // On reconnection the work request, having produced an artifact, is superseded (Debusine's
            // `GetNextWorkRequestView` and `test_get_running_partially_completed_work_request`); the retry builds.
            try await Self.prepareEnvironment(stack)
            let source = try await Self.uploadSource(
                stack,
                from: Self.demoSource
            )
            let incoming = stack.folder.appending(path: "files/incoming")
            let away = stack.folder.appending(path: "files/incoming.away")
            try FileManager.default.moveItem(at: incoming, to: away)
            try Data().write(to: incoming)
            let build = try await cli.submit(
                "sbuild",
                data: ["input": ["source_artifact": .int(source)], "environment": "bookworm/match:codename=bookworm"]
            )
            try await waitUntil("the worker retries an upload the store cannot stage", timeout: Self.longRun) {
                worker.process.logged("file store request failed; retrying")
            }
            let created = try await stack.database.pool.query(
                "SELECT count(*), bool_or(complete) FROM artifacts WHERE created_by_work_request_id = $1",
                build
            ).first!
            #expect(try created.decode(Int.self, at: 0) >= 1 && created.decode(Bool.self, at: 1) == false)
            await worker.process.kill()
            try FileManager.default.removeItem(at: incoming)
            try FileManager.default.moveItem(at: away, to: incoming)
            try await worker.restart()
            let superseded = try await cli.waitFor(build, "is superseded", timeout: Self.longRun) {
                $0.supersededBy != nil
            }
            #expect(superseded.status == "aborted")
            #expect(
                !superseded.artifacts.isEmpty && superseded.artifacts.allSatisfy { !$0.complete },
                "its output stays incomplete, seen by no lookup: \(superseded.artifacts)"
            )
            let retry = try await cli.waitFor(try #require(superseded.supersededBy), "is built", timeout: Self.longRun)
            {
                $0.isFinished
            }
            #expect(retry.result == "success" && retry.retryCount == 1, "\(retry)")
            #expect(retry.artifacts(KnownCategories.binaryPackage).count == 2, "the package and its -dbgsym")

            // A file store that refuses the outputs (a 16 KiB limit; a build log is larger): error, naming why.
            for store in stack.processes(named: "file-store") { await store.kill() }
            try await stack.startFileStore(replica: 1, environment: ["KILN_FILE_STORE_MAX_FILE_SIZE": "16K"])
            let refused = try await cli.waitFor(
                try await cli.submit(
                    "sbuild",
                    data: [
                        "input": ["source_artifact": .int(source)], "environment": "bookworm/match:codename=bookworm",
                    ]
                ),
                "is finished",
                timeout: Self.longRun
            ) { $0.isFinished }
            #expect(refused.result == "error", "\(refused)")
            #expect(
                refused.errorMessages.contains {
                    $0.hasPrefix("uploading the results failed: the file store refused") && $0.contains("(HTTP 413)")
                },
                "\(refused.errorMessages)"
            )
        }
    }

    @Test(
        "a worker whose disk is full reports an error naming it",
        .enabled(if: getuid() == 0, "mounting a 4 MiB file system for the worker's folder needs root")
    )
    func fullDisk() async throws {
        try BuildTools.require()
        try await KilnStack.with { stack in
            let cli = stack.cli
            let work = stack.folder.appending(path: "workers/cramped/work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let mounted = try await ExecutableRun.runSystem(
                ["mount", "-t", "tmpfs", "-o", "size=4m", "kiln-full-disk", work.path],
                in: stack.folder
            )
            guard mounted.status == 0 else { throw HarnessError("cannot mount a small tmpfs: \(mounted)") }
            let unmount = { _ = try? await ExecutableRun.runSystem(["umount", "--lazy", work.path], in: stack.folder) }
            do {
                let worker = try await Self.farm(stack, worker: "cramped")
                try await Self.prepareEnvironment(stack)
                let source = try await Self.uploadSource(
                    stack,
                    from: Self.demoSource
                )
                let lintian = try await cli.submit(
                    "lintian",
                    data: [
                        "input": ["source_artifact": .int(source)], "environment": "bookworm/match:codename=bookworm",
                    ]
                )
                let failed = try await cli.waitFor(lintian, "is finished", timeout: Self.longRun) { $0.isFinished }
                #expect(failed.result == "error", "\(failed)")
                #expect(
                    failed.errorMessages.contains { $0.contains("No space left on device") },
                    "\(failed.errorMessages)"
                )
                #expect(worker.process.isRunning, "a full disk fails the run, not the worker")
            } catch {
                await unmount()
                throw error
            }
            await unmount()
        }
    }

    /// The demo's source package tree.
    static let demoSource = TestServers.repositoryRoot.appending(path: "deploy/demo-data/kiln-hello")

    /// Workspace `debian/developers` and a worker named `host` whose environment cache is the stack's.
    static func farm(_ stack: KilnStack, worker host: String) async throws -> StackWorker {
        try await stack.cli.run(["workspace", "create", "debian/developers"], as: "admin")
        return try await StackWorker.start(
            WorkerSpec(host: host, cacheDirectory: stack.folder.appending(path: "cache").path),
            in: stack
        )
    }

    /// The environment in collection `bookworm@debian:environments` of `debian/developers`.
    static func prepareEnvironment(_ stack: KilnStack) async throws {
        let environment = try await Self.environment(stack)
        try await stack.cli.run([
            "collection", "create", "bookworm@debian:environments", "--workspace", "debian/developers",
        ])
        try await stack.cli.run([
            "collection", "add", "bookworm@debian:environments", "--workspace", "debian/developers", "--artifact",
            String(environment), "--data", #"{"backend": "unshare"}"#,
        ])
    }

    /// What the tests ask mmdebstrap for: bookworm's buildd variant for amd64.
    static let bootstrapData: JSONValue = [
        "bootstrap_options": ["architecture": "amd64", "variant": "buildd"],
        "bootstrap_repositories": [["mirror": .string(mirror), "suite": "bookworm", "components": ["main"]]],
    ]

    /// The process group of the oldest running process named `command`.
    static func processGroup(ofCommand command: String) async throws -> pid_t {
        let found = try await ExecutableRun.runSystem(["pgrep", "-o", "-x", command], in: URL(fileURLWithPath: "/"))
        guard found.status == 0, let pid = Int32(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("no running \(command): \(found)")
        }
        let group = getpgid(pid)
        guard group > 0 else { throw HarnessError("process \(pid) (\(command)) has gone") }
        return group
    }

    /// The environment artifact: the cached tarball uploaded with its data, or a real mmdebstrap run through
    /// Kiln whose tarball is then cached.
    static func environment(_ stack: KilnStack) async throws -> Int {
        let cli = stack.cli
        let dataFile = cachedTarball.appendingPathExtension("json")
        if FileManager.default.fileExists(atPath: cachedTarball.path),
            FileManager.default.fileExists(atPath: dataFile.path)
        {
            return try await cli.json(
                CreatedArtifact.self,
                [
                    "artifact", "create", "debian:system-tarball", "--workspace", "debian/developers", "--upload",
                    cachedTarball.path, "--data", dataFile.path,
                ],
                timeout: .seconds(600)
            ).id
        }
        let bootstrap = try await cli.submit("mmdebstrap", data: Self.bootstrapData)
        let done = try await cli.waitFor(bootstrap, "has bootstrapped", timeout: longRun) { $0.isFinished }
        guard done.result == "success", let tarball = done.artifacts(KnownCategories.systemTarball).first else {
            throw HarnessError(
                "mmdebstrap did not succeed: \(done); its log:\n\((try? await cli.run(["log", String(bootstrap)]).stdout) ?? "")"
            )
        }
        let shown = try await cli.json(ArtifactView.self, ["artifact", "show", String(tarball)])
        try FileManager.default.createDirectory(
            at: cachedTarball.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        let staging = cachedTarball.deletingLastPathComponent().appending(
            path: "download-\(TestServers.uniqueSuffix())"
        )
        try await cli.run(["artifact", "download", String(tarball), staging.path], timeout: .seconds(600))
        try? FileManager.default.removeItem(at: cachedTarball)
        try FileManager.default.moveItem(at: staging.appending(path: "system.tar.xz"), to: cachedTarball)
        try Data(JSONValue.object(shown.data).compactJSON.utf8).write(to: dataFile)
        try? FileManager.default.removeItem(at: staging)
        return tarball
    }

    /// `dpkg-source -b` of `tree` (a copy), then `kiln artifact create debian:source-package --upload X.dsc`.
    static func uploadSource(_ stack: KilnStack, from tree: URL, name: String = "source") async throws -> Int {
        let folder = stack.folder.appending(path: "sources-\(name)-\(TestServers.uniqueSuffix())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appending(path: "kiln-hello")
        try FileManager.default.copyItem(at: tree, to: copy)
        let built = try await ExecutableRun.runSystem(["dpkg-source", "-b", "kiln-hello"], in: folder)
        guard built.status == 0 else { throw HarnessError("dpkg-source -b failed: \(built)") }
        return try await stack.cli.json(
            CreatedArtifact.self,
            [
                "artifact", "create", "debian:source-package", "--workspace", "debian/developers", "--upload",
                folder.appending(path: "kiln-hello_1.0.dsc").path,
            ]
        ).id
    }
}

/// `kiln artifact show --json`, the parts the chain reads.
struct ArtifactView: Decodable {
    struct File: Decodable {
        let path: String
        let sha256: String
    }

    struct Relation: Decodable {
        let artifact: Int
        let target: Int
        let type: String
    }

    let id: Int
    let category: String
    let data: [String: JSONValue]
    let files: [File]
    let relations: [Relation]
}

/// The Debian tools the chain runs, checked before it starts so a missing one is named, not timed out on.
enum BuildTools {
    static let commands = ["sbuild", "mmdebstrap", "autopkgtest", "dpkg-source", "unshare", "newuidmap"]

    static func require() throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let missing = commands.filter { command in
            !path.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(command)") }
        }
        guard missing.isEmpty else {
            throw HarnessError(
                "the build chain needs \(missing.joined(separator: ", ")): deploy/test installs sbuild, mmdebstrap, autopkgtest, lintian, dpkg-dev and uidmap and sets up /etc/subuid"
            )
        }
        guard HostCapabilities.unshareUsable else {
            throw HarnessError(
                "unshare --map-auto --map-root-user does not work for this user: add it to /etc/subuid and /etc/subgid (deploy/test does)"
            )
        }
    }
}
