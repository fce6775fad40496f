import Foundation
import KilnCore
import Yams

/// Reads the JSON (or YAML) documents the commands accept: `--data` is either a file path or inline JSON,
/// files ending in `.yaml`/`.yml` are YAML, and `--set key.path=value` edits the result.
enum DataInput {
    /// `argument` as a document: inline JSON when it starts with `{` or `[`, `-` for stdin, else a file.
    static func document(_ argument: String, what: String) throws -> JSONValue {
        try orderedDocument(argument, what: what).value
    }

    /// `document`, with the order its objects' keys were written in (nil when it cannot be read back), for
    /// messages that print the document as Python prints the dictionary Debusine's client would send.
    static func orderedDocument(_ argument: String, what: String) throws -> (value: JSONValue, keyOrder: JSONKeyOrder?) {
        let trimmed = argument.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            do {
                return (try JSONValue.parse(trimmed), YAMLDocument.keyOrder(of: trimmed))
            } catch {
                throw CLIError("\(what) is not valid JSON: \(error)")
            }
        }
        let data = try contents(of: argument, what: what)
        // Debusine's client (`client/commands/base.py` `read_input_data`): empty stdin is `{}`, an empty file
        // "data must be a dictionary. It is empty".
        if isBlank(data) {
            guard argument != "-" else { return ([:], .object(keys: [], members: [:])) }
            throw CLIError("\(what) '\(argument)': data must be a dictionary. It is empty")
        }
        return (try parse(data, from: argument, what: what), String(data: data, encoding: .utf8).flatMap(YAMLDocument.keyOrder(of:)))
    }

    /// The document in file `path` (`-` = stdin): YAML for `.yaml`/`.yml`; otherwise JSON, and YAML when it is not
    /// JSON (Debusine's client reads any `--data` file and stdin as YAML, of which JSON is a part).
    static func file(_ path: String, what: String) throws -> JSONValue {
        let data = try contents(of: path, what: what)
        guard !isBlank(data) else { throw CLIError("\(what): '\(path)' is empty") }
        return try parse(data, from: path, what: what)
    }

    /// Whether `data` holds nothing but whitespace.
    private static func isBlank(_ data: Data) -> Bool {
        data.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
    }

    /// The bytes of file `path` (`-` = stdin).
    private static func contents(of path: String, what: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(what): no such file '\(path)' (give a file path or inline JSON starting with '{')")
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(what): cannot read '\(path)'")
        }
        return contents
    }

    /// The document `data` read from `path`, as `file` reads it.
    private static func parse(_ data: Data, from path: String, what: String) throws -> JSONValue {
        let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        if isYAML {
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(what): '\(path)' is not UTF-8 text")
            }
            do {
                return try YAMLDocument.parse(text)
            } catch let error as CLIError {
                throw CLIError("\(what): '\(path)': \(error.description)")
            } catch {
                throw CLIError("\(what): '\(path)' is not valid YAML: \(error)")
            }
        }
        do {
            return try JSONValue.parse(data)
        } catch let jsonError {
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(what): '\(path)' is not UTF-8 text")
            }
            do {
                return try YAMLDocument.parse(text)
            } catch {
                throw CLIError("\(what): '\(path)' is neither valid JSON (\(jsonError)) nor valid YAML (\(error))")
            }
        }
    }

    /// A document that must be an object.
    static func object(_ argument: String, what: String) throws -> [String: JSONValue] {
        let value = try document(argument, what: what)
        guard let object = value.objectValue else {
            throw CLIError("\(what) must be a JSON object, not \(value.typeName) \(value.compactJSON)")
        }
        return object
    }

    /// `order` after `applying(assignments, …)`: keys the assignments add come after those written, and an
    /// object given as a value keeps its own order.
    static func keyOrder(_ order: JSONKeyOrder?, afterApplying assignments: [String]) -> JSONKeyOrder? {
        assignments.reduce(order) { order, assignment in
            guard let order, let equals = assignment.firstIndex(of: "=") else { return order }
            let value = String(assignment[assignment.index(after: equals)...])
            let valueOrder = (try? JSONValue.parse(value)) == nil ? nil : YAMLDocument.keyOrder(of: value)
            return order.setting(path: JSONValue.pathKeys(String(assignment[..<equals])), to: valueOrder ?? .scalar)
        }
    }

    /// Applies `key.path=value` assignments; the value is parsed as JSON when it is valid JSON (`3`,
    /// `true`, `["a"]`, `"quoted"`), else taken as a string.
    static func applying(_ assignments: [String], to value: JSONValue) throws -> JSONValue {
        var result = value
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CLIError("--set '\(assignment)' must be KEY=VALUE (KEY may be dotted: input.source_artifact)")
            }
            let key = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            let parsed = (try? JSONValue.parse(text)) ?? .string(text)
            do {
                result = try result.setting(parsed, atPath: key)
            } catch {
                throw CLIError("--set '\(assignment)': \(error)")
            }
        }
        return result
    }
}

/// YAML to `JSONValue`, keeping YAML's scalar types (an unquoted `3` is a number, `"3"` a string).
enum YAMLDocument {
    static func parse(_ text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return try convert(node)
    }

    /// The order in which `text` (YAML, or JSON, which YAML reads too) writes its mappings' keys; nil when it does
    /// not read.
    static func keyOrder(of text: String) -> JSONKeyOrder? {
        guard let node = try? Yams.compose(yaml: text) else { return nil }
        return keyOrder(of: node)
    }

    private static func keyOrder(of node: Node) -> JSONKeyOrder {
        switch node {
        case .sequence(let sequence):
            return .array(sequence.map(keyOrder(of:)))
        case .mapping(let mapping):
            var keys: [String] = []
            var members: [String: JSONKeyOrder] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { continue }
                keys.append(keyScalar.string)
                members[keyScalar.string] = keyOrder(of: value)
            }
            return .object(keys: keys, members: members)
        case .scalar, .alias:
            return .scalar
        }
    }

    static func convert(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if let bool = Bool.construct(from: scalar) { return .bool(bool) }
            if let int = Int.construct(from: scalar) { return .int(int) }
            if let double = Double.construct(from: scalar) { return .double(double) }
            if NSNull.construct(from: scalar) != nil { return .null }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.map(convert))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw CLIError("YAML mapping keys must be plain strings")
                }
                object[keyScalar.string] = try convert(value)
            }
            return .object(object)
        case .alias:
            throw CLIError("YAML aliases are not supported")
        }
    }
}
