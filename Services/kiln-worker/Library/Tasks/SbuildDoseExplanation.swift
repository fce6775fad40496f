import Foundation
import KilnCore
import Yams

/// Why sbuild could not install a package's build dependencies, as dose3 explained it in the build log
/// (`--bd-uninstallable-explainer=dose3`): the `bd_uninstallable` of a failed build's
/// `debian:package-build-log`, as Debusine's `Sbuild._extract_dose3_explanation` reads it and its
/// `DoseDistCheck` model (`artifacts/models.py`) stores it — every scalar read as a string (YAML's base
/// loader), numbers and booleans converted as pydantic converts them, hyphenated keys, absent optional
/// fields as null. Output that does not fit the model, or no dose3 output at all, gives nil, as in Debusine.
enum SbuildDoseExplanation {
    /// The explanation in `log`, or nil.
    ///
    /// - Throws: Yams' error when the output is not YAML at all (Debusine's `yaml.load` raises then too).
    static func parse(log: String) throws -> JSONValue? {
        guard let yaml = section(of: log), let node = try Yams.compose(yaml: yaml) else { return nil }
        return try? distCheck(node)
    }

    /// The dose3 output: the lines after `(I)Dose_applications: Solving...`, the first of which must start with
    /// `output-version`, up to the next `+----` section rule.
    static func section(of log: String) -> String? {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "(I)Dose_applications: Solving..."), start + 1 < lines.endIndex,
            lines[start + 1].hasPrefix("output-version")
        else { return nil }
        let output = lines[(start + 1)...].prefix { !$0.hasPrefix("+----") }
        return output.joined(separator: "\n") + "\n"
    }

    // MARK: The model

    private static func distCheck(_ node: Node) throws -> JSONValue {
        var fields = try Fields(node)
        let value: JSONValue = [
            "output-version": try fields.string("output-version"),
            "native-architecture": try fields.optionalString("native-architecture"),
            "foreign-architecture": try fields.optionalString("foreign-architecture"),
            "host-architecture": try fields.optionalString("host-architecture"),
            "report": try fields.list("report", of: package),
            "total-packages": try fields.int("total-packages"),
            "broken-packages": try fields.int("broken-packages"),
            "background-packages": try fields.int("background-packages"),
            "foreground-packages": try fields.int("foreground-packages"),
        ]
        try fields.finish()
        return value
    }

    private static func package(_ node: Node) throws -> JSONValue {
        var fields = try Fields(node)
        var value = try basePackage(&fields)
        value["essential"] = try fields.optionalBool("essential")
        value["type"] = try fields.optionalString("type")
        value["source"] = try fields.optionalString("source")
        let status = try fields.string("status")
        guard status == "broken" || status == "ok" else { throw Invalid() }
        value["status"] = status
        value["success"] = try fields.optionalString("success")
        value["reasons"] = try fields.list("reasons", of: reason)
        try fields.finish()
        return .object(value)
    }

    /// `DoseDistCheckReasonMissing | DoseDistCheckReasonConflict`: each forbids other keys, so the key decides.
    private static func reason(_ node: Node) throws -> JSONValue {
        var fields = try Fields(node)
        if let missing = fields.take("missing") {
            try fields.finish()
            var inner = try Fields(missing)
            let value: JSONValue = [
                "missing": [
                    "pkg": try inner.object("pkg") { try reasonPackage($0, extra: "unsat-dependency") },
                    "depchains": try inner.list("depchains", of: depchain, default: []),
                ]
            ]
            try inner.finish()
            return value
        }
        guard let conflict = fields.take("conflict") else { throw Invalid() }
        try fields.finish()
        var inner = try Fields(conflict)
        let value: JSONValue = [
            "conflict": [
                "pkg1": try inner.object("pkg1") { try reasonPackage($0, extra: "unsat-conflict") },
                "pkg2": try inner.object("pkg2") { try reasonPackage($0, extra: "unsat-conflict") },
                "depchain1": try inner.list("depchain1", of: depchain, default: []),
                "depchain2": try inner.list("depchain2", of: depchain, default: []),
            ]
        ]
        try inner.finish()
        return value
    }

    private static func reasonPackage(_ node: Node, extra: String) throws -> JSONValue {
        var fields = try Fields(node)
        var value = try basePackage(&fields)
        value[extra] = try fields.optionalString(extra)
        try fields.finish()
        return .object(value)
    }

    private static func depchain(_ node: Node) throws -> JSONValue {
        var fields = try Fields(node)
        let value: JSONValue = [
            "depchain": try fields.list("depchain") { node in
                var package = try Fields(node)
                var value = try basePackage(&package)
                value["depends"] = try package.optionalString("depends")
                try package.finish()
                return .object(value)
            }
        ]
        try fields.finish()
        return value
    }

    private static func basePackage(_ fields: inout Fields) throws -> [String: JSONValue] {
        [
            "package": try fields.string("package"), "version": try fields.string("version"),
            "architecture": try fields.optionalString("architecture"),
        ]
    }

    private struct Invalid: Error {}

    /// A mapping's entries, taken one by one, so what is left over at the end is an unknown key (refused, as
    /// the model's `extra="forbid"`).
    private struct Fields {
        private var remaining: [String: Node] = [:]

        init(_ node: Node) throws {
            guard case .mapping(let mapping) = node else { throw Invalid() }
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw Invalid() }
                remaining[name.string] = value
            }
        }

        mutating func take(_ key: String) -> Node? { remaining.removeValue(forKey: key) }

        func finish() throws { guard remaining.isEmpty else { throw Invalid() } }

        mutating func string(_ key: String) throws -> JSONValue {
            guard case .scalar(let scalar)? = take(key) else { throw Invalid() }
            return .string(scalar.string)
        }

        mutating func optionalString(_ key: String) throws -> JSONValue {
            guard let node = take(key) else { return .null }
            guard case .scalar(let scalar) = node else { throw Invalid() }
            return .string(scalar.string)
        }

        /// pydantic's lax integer from a string: decimal digits with an optional sign.
        mutating func int(_ key: String) throws -> JSONValue {
            guard case .scalar(let scalar)? = take(key),
                let number = Int(scalar.string.trimmingCharacters(in: .whitespaces))
            else { throw Invalid() }
            return .int(number)
        }

        /// pydantic's lax boolean from a string.
        mutating func optionalBool(_ key: String) throws -> JSONValue {
            guard let node = take(key) else { return .null }
            guard case .scalar(let scalar) = node else { throw Invalid() }
            switch scalar.string.lowercased() {
            case "1", "on", "t", "true", "y", "yes": return .bool(true)
            case "0", "off", "f", "false", "n", "no": return .bool(false)
            default: throw Invalid()
            }
        }

        mutating func object(_ key: String, _ convert: (Node) throws -> JSONValue) throws -> JSONValue {
            guard let node = take(key) else { throw Invalid() }
            return try convert(node)
        }

        mutating func list(_ key: String, of convert: (Node) throws -> JSONValue, default fallback: [JSONValue]? = nil)
            throws -> JSONValue
        {
            guard let node = take(key) else {
                guard let fallback else { throw Invalid() }
                return .array(fallback)
            }
            guard case .sequence(let items) = node else { throw Invalid() }
            return .array(try items.map(convert))
        }
    }
}
