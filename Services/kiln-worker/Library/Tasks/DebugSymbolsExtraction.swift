import Foundation
import KilnCore

/// Debusine's `Sbuild._upload_debug_symbols`: for a built `NAME_REST.deb` whose `NAME-dbgsym_REST.deb` (or
/// `.ddeb`) was built beside it, the regular files under `./usr/lib/debug/.build-id/` of that package, each
/// named by its 40-hexadecimal-digit build ID, as one `debian:debug-symbols` artifact (`build_ids` in the
/// package's order).
enum DebugSymbolsExtraction {
    /// Where a `-dbgsym` package keeps its files, by build ID.
    static let prefix = "./usr/lib/debug/.build-id/"

    /// The artifact for `deb`, or nil when it has no `-dbgsym` package or that package holds no build-ID file.
    ///
    /// - Throws: ``DebugSymbolsError`` for a file under the prefix not named `XX/<38 hex digits>.debug`
    ///   (Debusine's `DebugSymbolPathError`); `CommandError` when `dpkg-deb` cannot read the package.
    static func artifact(for deb: URL, context: TaskRunContext) async throws
        -> (category: String, data: [String: JSONValue], files: [String: URL])?
    {
        guard let dbgsym = matchingDbgsym(of: deb) else { return nil }
        let listing = context.directory.appendingPathComponent("dbgsym-\(dbgsym.lastPathComponent).list")
        guard
            case .exited(0) = try await context.run(
                Command(
                    ["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -tv", "sh", dbgsym.path], in: context.outputs,
                    standardOutput: listing))
        else { throw CommandError.cannotStart("dpkg-deb", reason: "could not list \(dbgsym.lastPathComponent)") }
        let members = try buildIDMembers(listing: try String(contentsOf: listing, encoding: .utf8), package: dbgsym.lastPathComponent)
        guard !members.isEmpty else { return nil }
        let folder = context.directory.appendingPathComponent("dbgsym-\(dbgsym.lastPathComponent)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard
            case .exited(0) = try await context.run(
                Command(
                    ["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" \"$3\"", "sh", dbgsym.path, folder.path, prefix],
                    in: context.outputs))
        else { throw CommandError.cannotStart("dpkg-deb", reason: "could not unpack \(dbgsym.lastPathComponent)") }
        var files: [String: URL] = [:]
        for member in members { files[member.buildID] = folder.appendingPathComponent(member.path) }
        return (KnownCategories.debugSymbols, ["build_ids": .array(members.map { .string($0.buildID) })], files)
    }

    /// `NAME-dbgsym_REST.deb` or `.ddeb` beside `NAME_REST.deb`, when it exists.
    static func matchingDbgsym(of deb: URL) -> URL? {
        let name = deb.lastPathComponent
        guard name.hasSuffix(".deb") else { return nil }
        let stem = name.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let package = stem[..<underscore]
        let rest = stem[stem.index(after: underscore)...]
        for ext in [".deb", ".ddeb"] {
            let candidate = deb.deletingLastPathComponent().appendingPathComponent("\(package)-dbgsym_\(rest)\(ext)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The regular files under ``prefix`` in a `tar -tv` listing, in order, with their build IDs.
    ///
    /// - Throws: ``DebugSymbolsError/malformedPath(package:path:)`` for one not named as a build ID.
    static func buildIDMembers(listing: String, package: String) throws -> [(path: String, buildID: String)] {
        var members: [(path: String, buildID: String)] = []
        for line in listing.split(separator: "\n") where line.first == "-" {
            // `-rw-r--r-- root/root 1234 2026-01-01 00:00 ./usr/lib/debug/.build-id/ab/….debug`
            let columns = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard columns.count == 6 else { continue }
            let path = String(columns[5])
            guard path.hasPrefix(prefix) else { continue }
            guard let buildID = buildID(of: path) else { throw DebugSymbolsError.malformedPath(package: package, path: path) }
            members.append((path, buildID))
        }
        return members
    }

    /// `XX` + `YYYY…` of `./usr/lib/debug/.build-id/XX/YYYY….debug` (2 and 38 lower-case hexadecimal digits).
    static func buildID(of path: String) -> String? {
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].hasSuffix(".debug") else { return nil }
        let head = parts[0]
        let tail = parts[1].dropLast(".debug".count)
        let hex = Set("0123456789abcdef")
        guard head.count == 2, tail.count == 38, (head + tail).allSatisfy(hex.contains) else { return nil }
        return String(head + tail)
    }
}

/// Why a `-dbgsym` package's debug symbols cannot be taken.
enum DebugSymbolsError: Error, Hashable, CustomStringConvertible {
    /// Debusine's `DebugSymbolPathError`.
    case malformedPath(package: String, path: String)

    var description: String {
        switch self {
        case .malformedPath(let package, let path):
            "\(package): malformed .build-id path \(JSONValue.string(path).pythonRepr); expected ./usr/lib/debug/.build-id/<XX>/<YYYY>.debug"
        }
    }
}
