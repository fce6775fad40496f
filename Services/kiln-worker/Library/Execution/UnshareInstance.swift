import Foundation

/// A tarball environment unpacked under the run's folder and entered with `unshare` (Debusine's
/// `tasks/executors/unshare.py` `UnshareInstance`): a user namespace mapping the worker's user to root and
/// its subordinate ids to the rest (`--map-auto`), new mount and PID namespaces, `/dev` nodes and `/proc`
/// mounted, the host's resolver copied, the run's download and output folders bind-mounted at the same
/// paths, then `chroot`. The network is the host's, as in Debusine.
public struct UnshareInstance: Sendable {
    /// The unpacked root.
    public let root: URL
    /// Folders visible inside at the same path.
    public let binds: [URL]
    /// The fixed `PATH` commands run with, in an otherwise empty environment (as Debusine's executor).
    public static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Unpacks `tarball` into `<directory>/root` (device nodes excluded: they are bind-mounted when entering).
    ///
    /// - Throws: ``EnvironmentError/unpackFailed(id:status:)``; `CommandError` when `unshare` is missing.
    public static func start(
        tarball: URL, environmentID: Int, in directory: URL, binds: [URL], context: TaskRunContext
    ) async throws -> UnshareInstance {
        let root = directory.appendingPathComponent("root", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let unpack = Command(
            ["unshare", "--map-auto", "--map-root-user", "tar", "--exclude=./dev/*", "-C", root.path, "-xf", tarball.path],
            in: directory, environment: ["PATH": path], timeout: .seconds(1800))
        let instance = UnshareInstance(root: root, binds: binds)
        let termination: CommandTermination
        do {
            termination = try await context.run(unpack)
        } catch {
            await instance.stop(context: context)
            throw error
        }
        switch termination {
        case .exited(0): return instance
        case .exited(let status):
            // A partly unpacked root holds files of subordinate ids: only the namespace can remove them.
            await instance.stop(context: context)
            throw EnvironmentError.unpackFailed(id: environmentID, status: status)
        case .timedOut:
            await instance.stop(context: context)
            throw EnvironmentError.unpackFailed(id: environmentID, status: -1)
        }
    }

    /// `arguments` run as root inside the instance, in `directory` (inside paths), output to `standardOutput`.
    public func command(
        _ arguments: [String], in directory: URL, standardOutput: URL? = nil, timeout: Duration = .seconds(6 * 3600)
    ) -> Command {
        let setup = """
            set -e
            root=$1; shift
            for node in null zero full random urandom tty; do
                : > "$root/dev/$node"; mount --bind "/dev/$node" "$root/dev/$node"
            done
            mount -t proc proc "$root/proc"
            rm -f "$root/etc/resolv.conf"; cp --dereference /etc/resolv.conf "$root/etc/resolv.conf"
            while [ "$1" != "--" ]; do
                mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift
            done
            shift
            cd "$root$KILN_DIRECTORY"
            exec chroot "$root" sh -c 'cd "$0" && exec "$@"' "$KILN_DIRECTORY" "$@"
            """
        return Command(
            ["unshare", "--map-auto", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", setup,
             "kiln-unshare", root.path] + binds.map(\.path) + ["--"] + arguments,
            in: binds.first ?? root,
            environment: ["PATH": Self.path, "KILN_DIRECTORY": directory.path, "DEBIAN_FRONTEND": "noninteractive"],
            standardOutput: standardOutput, timeout: timeout)
    }

    /// Removes the unpacked tree (files owned by subordinate ids need the namespace to be removed), also
    /// after an abort: the removal runs outside the cancelled task.
    public func stop(context: TaskRunContext) async {
        let command = Command(
            ["unshare", "--map-auto", "--map-root-user", "rm", "-rf", root.path], in: root.deletingLastPathComponent(),
            environment: ["PATH": Self.path], timeout: .seconds(600))
        await Task.detached { _ = try? await context.run(command) }.value
    }
}
