import KilnCore
import Testing

/// pydantic 2's lax `int` from a string, each case checked against pydantic 2.13 (`class M(BaseModel): x: int`).
struct PydanticLaxIntTests {
    @Test("strings pydantic reads as integers")
    func accepted() {
        let cases: [(String, Int)] = [
            ("60.0", 60), ("60.00", 60), (" 60 ", 60), ("6_0", 60), ("+60", 60), ("-0.0", 0), ("6_0.0", 60),
            ("060", 60), ("-060", -60), ("0_1", 1), ("60.0 ", 60), ("\t60\n", 60),
        ]
        for (text, number) in cases {
            #expect(PydanticLaxInt.parse(.string(text)) == .success(number), "\(text)")
        }
    }

    @Test("strings pydantic refuses: an empty fraction, a fraction not all zeros, misplaced underscores, signs, other digits")
    func refused() {
        for text in ["60.", ".0", "60.e0", "0x10", "60.5", "1e2", "60.0_0", "- 60", "60 .0", "1__0", "_1", "+-1", "1_", "٣"] {
            guard case .failure(let failure) = PydanticLaxInt.parse(.string(text)) else {
                Issue.record("\(text) was read as an integer")
                continue
            }
            #expect(failure.message == "Input should be a valid integer, unable to parse string as an integer")
            #expect(failure.type == "int_parsing")
        }
    }
}

/// How pydantic prints a failing input, each case checked against pydantic 2.13 (`M(x=value)` for `x: int`).
struct PydanticInputValueTests {
    @Test("a repr over 50 bytes of UTF-8 keeps its first 25 and last 24 bytes, cut back to whole characters")
    func truncation() {
        let cases: [(String, String)] = [
            (String(repeating: "é", count: 30), "'éééééééééééé...ééééééééééé'"),
            (String(repeating: "a", count: 24) + String(repeating: "é", count: 20), "'aaaaaaaaaaaaaaaaaaaaaaaa...ééééééééééé'"),
            (String(repeating: "日", count: 20), "'日日日日日日日日...日日日日日日日'"),
            (String(repeating: "a", count: 23) + String(repeating: "😀", count: 10), "'aaaaaaaaaaaaaaaaaaaaaaa...😀😀😀😀😀'"),
            (String(repeating: "ab", count: 30), "'abababababababababababab...bababababababababababab'"),
            (String(repeating: "é", count: 20), "'" + String(repeating: "é", count: 20) + "'"),
        ]
        for (text, printed) in cases {
            let error = PydanticValidationError(
                model: "M", failures: [.init(location: "x", message: "m", type: "t", input: .string(text))])
            #expect(error.description.contains("input_value=\(printed), input_type=str]"), "\(error)")
        }
    }
}
