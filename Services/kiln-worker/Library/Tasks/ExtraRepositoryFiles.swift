import Foundation
import KilnCore

/// The APT configuration of a task's extra repositories, written on the worker for the tool to copy into the
/// build or test environment (Debusine `tasks/_task.py` `ExtraRepositoryMixin.write_extra_repository_config`): one
/// deb822 `extra_repository_N.sources` per repository that serves the build architecture, its signing key inline
/// in `Signed-By`, or, for releases whose APT (before 2.3.10) reads no inline key, in `extra_apt_key_N.asc`
/// installed under `/etc/apt/keyrings/`.
struct ExtraRepositoryFiles: Equatable {
    /// The deb822 sources files, in order.
    var sources: [URL] = []
    /// The key files to install under `/etc/apt/keyrings/` (only for releases without inline keys).
    var keys: [URL] = []

    /// Releases whose APT predates inline keys in `Signed-By` (Debusine `supports_inline_signed_by`).
    static let releasesWithoutInlineKeys: Set<String> = ["stretch", "buster", "bullseye", "xenial", "bionic", "focal"]

    /// Writes the files for `repositories` into `folder` (created if needed); nothing for none.
    ///
    /// - Parameters:
    ///   - architecture: the task's build architecture: a repository limited to other architectures is left out.
    ///   - codename: the environment's release, which decides where the keys go.
    /// - Throws: file-system errors.
    static func write(
        _ repositories: [ExternalRepository]?, architecture: String, codename: String, into folder: URL
    ) throws -> ExtraRepositoryFiles {
        let serving = (repositories ?? []).filter { $0.serves(architecture: architecture) }
        var files = ExtraRepositoryFiles()
        guard !serving.isEmpty else { return files }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let inline = !releasesWithoutInlineKeys.contains(codename)
        for (index, repository) in serving.enumerated() {
            var signedBy: String?
            if !inline, let key = repository.signingKey, !key.isEmpty {
                let path = folder.appendingPathComponent("extra_apt_key_\(index).asc")
                try Data((key + "\n").utf8).write(to: path)
                files.keys.append(path)
                signedBy = "/etc/apt/keyrings/\(path.lastPathComponent)"
            }
            let path = folder.appendingPathComponent("extra_repository_\(index).sources")
            try Data(repository.deb822Source(signedByFile: signedBy).utf8).write(to: path)
            files.sources.append(path)
        }
        return files
    }

    /// The files of `task`'s resolved `extra_repositories`, in the run's `extra-repositories` folder: what the sbuild
    /// and autopkgtest runners both call.
    ///
    /// - Throws: a missing or malformed saved field; file-system errors.
    static func write(
        for task: any ExternalTask, architecture: String, codename: String, context: TaskRunContext
    ) throws -> ExtraRepositoryFiles {
        try write(
            try task.inputs.extraRepositories("extra_repositories"), architecture: architecture, codename: codename,
            into: context.directory.appendingPathComponent("extra-repositories", isDirectory: true))
    }

    /// sbuild's options (Debusine `Sbuild._cmdline_extra_repository`): sbuild reads no deb822 sources itself, so a
    /// `--pre-build-commands` copies each file into the chroot.
    var sbuildArguments: [String] {
        sources.map { path in
            Self.preBuildCopy(path, to: "/etc/apt/sources.list.d/\(path.lastPathComponent)", makingFolder: false)
        }
            + keys.map { path in
                Self.preBuildCopy(path, to: "/etc/apt/keyrings/\(path.lastPathComponent)", makingFolder: true)
            }
    }

    /// autopkgtest's options (Debusine `Autopkgtest._cmdline_extra_repository`): `--copy` of each file.
    var autopkgtestArguments: [String] {
        sources.map { "--copy=\($0.path):/etc/apt/sources.list.d/\($0.lastPathComponent)" }
            + keys.map { "--copy=\($0.path):/etc/apt/keyrings/\($0.lastPathComponent)" }
    }

    private static func preBuildCopy(_ path: URL, to inner: String, makingFolder: Bool) -> String {
        let write = (makingFolder ? "mkdir -p /etc/apt/keyrings && " : "") + "cat > \(ShellQuoting.quoted(inner))"
        return "--pre-build-commands=cat \(ShellQuoting.quoted(path.path)) | %SBUILD_CHROOT_EXEC sh -c "
            + ShellQuoting.quoted(write)
    }
}
