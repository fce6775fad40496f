/// PostgreSQL's text format for one-dimensional arrays: `{a,"b c","d\"e",NULL}`.
///
/// The store reads `text[]` tag sets and `bigint[]` id lists in text format, so it needs an exact parser:
/// an element is quoted when it is empty, contains `{ } , " \` or white space, or spells NULL; backslash
/// escapes the next character inside quotes; an unquoted `NULL` is SQL NULL.
public enum PGArrayText {
    /// A malformed array literal, with the position of the problem.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// What was wrong.
        public var reason: String
        /// The offset (in characters) where it was noticed.
        public var offset: Int
        public var description: String { "malformed array literal at offset \(offset): \(reason)" }
    }

    /// The array literal for `elements`, every element quoted (so empty strings, `NULL` and punctuation
    /// survive unchanged).
    public static func format(_ elements: [String]) -> String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in element {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    /// Parses a one-dimensional array literal; `nil` elements are SQL NULLs.
    ///
    /// - Throws: `ParseError` for nested arrays or malformed text.
    public static func parse(_ text: String) throws -> [String?] {
        var characters = Array(text)
        var position = 0
        // Arrays whose lower bound is not 1 print a dimension prefix, e.g. `[0:1]={a,b}`.
        if characters.first == "[" {
            guard let equals = characters.firstIndex(of: "=") else {
                throw ParseError(reason: "dimension prefix without '='", offset: 0)
            }
            characters = Array(characters[(equals + 1)...])
        }
        guard characters.first == "{" else { throw ParseError(reason: "expected '{'", offset: 0) }
        position = 1
        var elements: [String?] = []
        if characters.count >= 2, characters[1] == "}" {
            guard characters.count == 2 else { throw ParseError(reason: "text after '}'", offset: 2) }
            return []
        }
        while true {
            guard position < characters.count else { throw ParseError(reason: "unterminated array", offset: position) }
            if characters[position] == "{" {
                throw ParseError(reason: "multi-dimensional arrays are not supported", offset: position)
            }
            if characters[position] == "\"" {
                position += 1
                var element = ""
                while true {
                    guard position < characters.count else {
                        throw ParseError(reason: "unterminated quoted element", offset: position)
                    }
                    let character = characters[position]
                    if character == "\\" {
                        guard position + 1 < characters.count else {
                            throw ParseError(reason: "dangling backslash", offset: position)
                        }
                        element.append(characters[position + 1])
                        position += 2
                    } else if character == "\"" {
                        position += 1
                        break
                    } else {
                        element.append(character)
                        position += 1
                    }
                }
                elements.append(element)
            } else {
                var element = ""
                while position < characters.count, characters[position] != ",", characters[position] != "}" {
                    element.append(characters[position])
                    position += 1
                }
                guard !element.isEmpty else { throw ParseError(reason: "empty unquoted element", offset: position) }
                elements.append(element.uppercased() == "NULL" ? nil : element)
            }
            guard position < characters.count else { throw ParseError(reason: "unterminated array", offset: position) }
            if characters[position] == "," {
                position += 1
                continue
            }
            if characters[position] == "}" {
                guard position == characters.count - 1 else {
                    throw ParseError(reason: "text after '}'", offset: position + 1)
                }
                return elements
            }
            throw ParseError(reason: "expected ',' or '}'", offset: position)
        }
    }
}
