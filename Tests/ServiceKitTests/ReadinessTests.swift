import ServiceKit
import Testing

@Test("readiness holds only when every condition does, and names the failing ones")
func readinessNamesFailingConditions() {
    let readiness = Readiness(conditions: ["broker", "database"])
    #expect(readiness.failing == ["broker", "database"])
    readiness.set("database", true)
    #expect(!readiness.isReady)
    readiness.set("broker", true)
    #expect(readiness.isReady)
    readiness.set("broker", false)
    #expect(readiness.failing == ["broker"])
}
