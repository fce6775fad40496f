import Foundation
import KilnCore

#if canImport(Glibc)
import Glibc
#endif

/// The file `kiln worker edit-metadata --file` reads, taken and refused as Debusine's
/// `debusine-admin worker edit_metadata --set` takes it (`server/management/commands/worker.py`
/// `_set_metadata_from_file`, `utils/yaml.py` `YamlEditor.read_edited`): YAML whatever its name, a mapping,
/// and not an empty one.
enum WorkerMetadataFile {
    /// Why the file cannot be used, in Debusine's words (its tests `test_edit_metadata_file_*`); the command
    /// exits with Debusine's status 3.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// The mapping in `path` (`-`: standard input).
    static func read(_ path: String) throws(Refusal) -> [String: JSONValue] {
        let data = try contents(of: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw Refusal(description: "Invalid YAML: \(JSONValue.pythonStringRepr(path)) is not UTF-8 text")
        }
        let value: JSONValue
        do {
            value = try YAMLDocument.parse(text)
        } catch {
            throw Refusal(description: "Invalid YAML: \(error)")
        }
        switch value {
        // Empty YAML reads as an empty mapping, which Debusine then refuses as an empty file.
        case .null: throw Refusal(description: "file is empty")
        case .object(let object) where object.isEmpty: throw Refusal(description: "file is empty")
        case .object(let object): return object
        default: throw Refusal(description: "Data must be a dict or empty")
        }
    }

    /// The bytes of `path`, or the refusal Python's `OSError` prints (`[Errno 2] No such file or directory:
    /// 'PATH'`, `[Errno 21] Is a directory: 'PATH'`), which is what Debusine shows.
    private static func contents(of path: String) throws(Refusal) -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        func refusal(_ code: Int32) -> Refusal {
            Refusal(description: "[Errno \(code)] \(String(cString: strerror(code))): \(JSONValue.pythonStringRepr(path))")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw refusal(errno) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw refusal(errno) }
        if status.st_mode & S_IFMT == S_IFDIR { throw refusal(EISDIR) }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw Refusal(description: "cannot read \(JSONValue.pythonStringRepr(path)): \(error)")
        }
    }
}
