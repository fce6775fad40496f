import Foundation
import Logging
import ServiceKit
import Synchronization
import Testing

@Suite("Structured log lines")
struct StructuredLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ format: LogFormat, into lines: Lines) -> Logger {
        Logger(label: "test") { _ in
            StructuredLogHandler(service: "scheduler", format: format, level: .info, sink: { lines.append($0) })
        }
    }

    @Test("JSON lines carry service, level, message and metadata, one object per line")
    func json() throws {
        let lines = Lines()
        var log = logger(.json, into: lines)
        log[metadataKey: "worker"] = "w1"
        log.info("assigned", metadata: ["wr.id": "12"])
        log.debug("not written below the level")
        #expect(lines.all.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String])
        #expect(object["service"] == "scheduler")
        #expect(object["level"] == "info")
        #expect(object["msg"] == "assigned")
        #expect(object["wr.id"] == "12")
        #expect(object["worker"] == "w1")
        #expect(object["ts"] != nil)
    }

    @Test("logfmt quotes values with spaces and escapes quotes")
    func logfmt() {
        let lines = Lines()
        logger(.logfmt, into: lines).warning("lease \"expired\"", metadata: ["wr.id": "7"])
        let line = lines.all[0]
        #expect(line.contains(#"msg="lease \"expired\"""#))
        #expect(line.contains("level=warning service=scheduler"))
        #expect(line.hasSuffix("wr.id=7"))
    }
}
