import Foundation

/// pydantic 2's lax-mode integer: what a Debusine model field typed `int` accepts from JSON.
///
/// Integers; floats with no fractional part (`1.0`); booleans (`true` is 1); strings holding an integer,
/// with surrounding whitespace, underscores between digits, or a `.0…` fraction of zeros (`" 3 "`, `"1_000"`,
/// `"3.0"`). Anything else fails with pydantic's message and error type.
public enum PydanticLaxInt {
    /// Why a value is not a lax integer, as pydantic says it.
    public struct Failure: Error, Hashable, Sendable {
        /// pydantic's message (`Input should be a valid integer, …`).
        public var message: String
        /// pydantic's error type (`int_type`, `int_parsing`, `int_from_float`).
        public var type: String
    }

    /// The integer `value` stands for, or pydantic's failure.
    public static func parse(_ value: JSONValue) -> Result<Int, Failure> {
        switch value {
        case .int(let number):
            return .success(number)
        case .bool(let flag):
            return .success(flag ? 1 : 0)
        case .double(let number):
            guard number.isFinite, number.rounded(.towardZero) == number else {
                return .failure(
                    Failure(
                        message: "Input should be a valid integer, got a number with a fractional part",
                        type: "int_from_float"))
            }
            guard let exact = Int(exactly: number) else {
                return .failure(
                    Failure(
                        message: "Unable to parse input string as an integer, exceeded maximum size",
                        type: "int_parsing_size"))
            }
            return .success(exact)
        case .string(let text):
            guard let number = integer(in: text) else {
                return .failure(
                    Failure(
                        message: "Input should be a valid integer, unable to parse string as an integer",
                        type: "int_parsing"))
            }
            return .success(number)
        default:
            return .failure(Failure(message: "Input should be a valid integer", type: "int_type"))
        }
    }

    /// The integer a string spells in pydantic's lax rules, or `nil`.
    static func integer(in text: String) -> Int? {
        // Most text is no number at all (a string lookup tried as `int | str`): refuse it before trimming, which
        // goes through Foundation.
        guard let head = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }),
            ("0"..."9").contains(head) || head == "-" || head == "+"
        else { return nil }
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if let dot = body.firstIndex(of: ".") {
            let fraction = body[body.index(after: dot)...]
            // pydantic wants at least one zero after the point: `"60."` is refused.
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 == "0" }) else { return nil }
            body = body[..<dot]
        }
        // No second trim: `"60 .0"` is refused.
        return PythonInt.signedDigits(body)
    }
}
