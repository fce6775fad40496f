import Foundation
import KilnCore
import Testing

/// The times Debusine writes: Python's `datetime.isoformat()` of an aware UTC time (its admin commands, e.g.
/// `debusine-admin worker list`) and Django REST framework's `DateTimeField` (its API).
@Suite("ISO 8601 times as Debusine writes them")
struct ISO8601TimestampTests {
    static let whole = Date(timeIntervalSince1970: 1_796_472_098)  // 2026-12-05T12:01:38Z

    @Test("isoformat: microseconds only when there are any, +00:00 for UTC; REST: Z instead")
    func formats() throws {
        #expect(ISO8601Timestamp.pythonISOFormat(Self.whole) == "2026-12-05T12:01:38+00:00")
        #expect(ISO8601Timestamp.restFramework(Self.whole) == "2026-12-05T12:01:38Z")
        let fraction = Self.whole.addingTimeInterval(0.123)
        #expect(ISO8601Timestamp.pythonISOFormat(fraction) == "2026-12-05T12:01:38.123000+00:00")
        #expect(ISO8601Timestamp.restFramework(fraction) == "2026-12-05T12:01:38.123000Z")
        let micro = Self.whole.addingTimeInterval(0.000_007)
        #expect(ISO8601Timestamp.restFramework(micro) == "2026-12-05T12:01:38.000007Z")
        // Before 1970 the fraction still counts forward from the whole second below.
        let early = Date(timeIntervalSince1970: -0.25)
        #expect(ISO8601Timestamp.pythonISOFormat(early) == "1969-12-31T23:59:59.750000+00:00")
        let parsed = try #require(ISO8601Timestamp.parse(ISO8601Timestamp.restFramework(fraction)))
        #expect(abs(parsed.timeIntervalSince(fraction)) < 0.001)
    }
}
