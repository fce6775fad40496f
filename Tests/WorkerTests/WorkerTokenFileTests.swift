import Foundation
import KilnWorker
import Testing

@Suite("kiln-worker token file (Debusine `Worker._register`)")
struct WorkerTokenFileTests {
    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "kiln-worker-test-\(UUID().uuidString)/sub/token"
    }

    @Test("created once with 64 hex characters and mode 0600, then reused")
    func createdOnceThenReused() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let first = try WorkerTokenFile.loadOrCreate(at: path)
        #expect(first.created)
        #expect(first.token.count == 64)
        #expect(first.token.allSatisfy { "0123456789abcdef".contains($0) })
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try WorkerTokenFile.loadOrCreate(at: path)
        #expect(!second.created)
        #expect(second.token == first.token)
        #expect(second.permissionWarning == nil)
    }

    @Test("two generated tokens differ")
    func tokensAreRandom() {
        #expect(WorkerTokenFile.generate() != WorkerTokenFile.generate())
    }

    @Test("bad content gives an error naming the file and the problem", arguments: [
        ("", "it is empty"), (String(repeating: "a", count: 65), "65 characters"), ("abc def", "' ' is not allowed"),
    ])
    func badContent(content: String, expected: String) throws {
        let path = Self.temporaryPath()
        let folder = (path as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try WorkerTokenFile.loadOrCreate(at: path)
            Issue.record("a bad token file was accepted")
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test("a folder where the file should be is refused clearly")
    func folderInsteadOfFile() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(throws: WorkerTokenFileError.notAFile(path: path)) { try WorkerTokenFile.loadOrCreate(at: path) }
    }

    @Test("a token file readable by others is used, with a warning")
    func looseModeWarns() throws {
        let path = Self.temporaryPath()
        let folder = (path as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("abc123\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let loaded = try WorkerTokenFile.loadOrCreate(at: path)
        #expect(loaded.token == "abc123")
        #expect(loaded.permissionWarning?.contains("chmod 600") == true)
    }
}
