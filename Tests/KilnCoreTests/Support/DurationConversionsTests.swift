import KilnCore
import Testing

@Suite("Duration conversions at the SQL, Date and metrics edges")
struct DurationConversionsTests {
    @Test("a fraction of a second is kept: 1.5 s is 1.5 seconds and 1500 ms")
    func fractionKept() {
        let duration: Duration = .milliseconds(1500)
        #expect(duration.timeInterval == 1.5)
        #expect(duration.wholeMilliseconds == 1500)
        #expect(duration.saturatingNanoseconds == 1_500_000_000)
        #expect(Duration.milliseconds(250).timeInterval == 0.25)
    }

    @Test("whole milliseconds truncate toward zero, in integers")
    func truncation() {
        #expect(Duration.microseconds(1999).wholeMilliseconds == 1)
        #expect(Duration.microseconds(-1999).wholeMilliseconds == -1)
        #expect(Duration.seconds(86_400 * 7).wholeMilliseconds == 604_800_000)
    }

    @Test("conversions past the Int64 range saturate instead of trapping")
    func saturation() {
        let long: Duration = .seconds(Int64.max)
        #expect(long.wholeMilliseconds == .max)
        #expect(long.saturatingNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).wholeMilliseconds == .min)
        #expect(Duration.seconds(400 * 365 * 86_400).saturatingNanoseconds == .max)
    }
}
