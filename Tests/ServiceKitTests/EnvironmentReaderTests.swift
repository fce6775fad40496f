import ServiceKit
import Testing

@Suite("Settings from environment variables")
struct EnvironmentReaderTests {
    let port = Setting("KILN_OPS_PORT", default: "8081", help: "ops port")
    let url = Setting("KILN_AMQP_URL", default: nil, help: "broker URL", secret: true)

    @Test("defaults apply when a variable is unset or empty")
    func defaults() throws {
        #expect(try EnvironmentReader(variables: [:]).int(port, in: 1...65535) == 8081)
        #expect(try EnvironmentReader(variables: ["KILN_OPS_PORT": ""]).int(port, in: 1...65535) == 8081)
        #expect(try EnvironmentReader(variables: ["KILN_OPS_PORT": "9000"]).int(port, in: 1...65535) == 9000)
    }

    @Test("a server URL with compose.env's change-me placeholder password is refused, naming the variable, password masked")
    func placeholderPasswordsAreRefused() throws {
        let amqp = Setting("KILN_AMQP_URL", default: nil, help: "the broker", secret: true)
        let ours = "amqp://kiln:s3cret@rabbitmq:5672/kiln"
        #expect(try EnvironmentReader(variables: ["KILN_AMQP_URL": ours]).serverURL(amqp) == ours)
        for placeholder in [
            "amqp://kiln:change-me-amqp-service@rabbitmq:5672/kiln",
            "amqp://kiln:s3cret@rabbit-1/kiln,amqp://kiln:Change-Me-too@rabbit-2/kiln",
        ] {
            #expect {
                try EnvironmentReader(variables: ["KILN_AMQP_URL": placeholder]).serverURL(amqp)
            } throws: { error in
                guard case .invalid(let variable, let value, let expected) = error as? ConfigurationError else { return false }
                return variable == "KILN_AMQP_URL" && value.contains("***") && expected.contains("deploy/compose.env")
                    && !"\(error)".lowercased().contains("change-me-amqp-service") && !"\(error)".lowercased().contains("change-me-too")
            }
        }
    }

    @Test("a required variable that is unset names itself")
    func missing() {
        #expect(throws: ConfigurationError.missing(variable: "KILN_AMQP_URL", help: "broker URL")) {
            try EnvironmentReader(variables: [:]).url(url, schemes: ["amqp"])
        }
    }

    @Test("bad values name the variable, the value and what was expected")
    func invalid() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(variables: ["KILN_OPS_PORT": "80a"]).int(port, in: 1...65535)
        }
        #expect(error?.description == "configuration error: KILN_OPS_PORT='80a' is invalid: expected a whole number from 1 to 65535")
        #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(variables: ["KILN_AMQP_URL": "http://x"]).url(url, schemes: ["amqp"])
        }
    }

    @Test("durations accept ms, s, m, h and plain seconds")
    func durations() throws {
        let lease = Setting("KILN_LEASE", default: "90s", help: "lease")
        #expect(try EnvironmentReader(variables: [:]).duration(lease) == .seconds(90))
        #expect(try EnvironmentReader(variables: ["KILN_LEASE": "250ms"]).duration(lease) == .milliseconds(250))
        #expect(try EnvironmentReader(variables: ["KILN_LEASE": "2m"]).duration(lease) == .seconds(120))
        #expect(try EnvironmentReader(variables: ["KILN_LEASE": "3"]).duration(lease) == .seconds(3))
        #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(variables: ["KILN_LEASE": "soon"]).duration(lease)
        }
    }

    @Test("an infinite or overflowing duration is a configuration error naming the variable, not a crash")
    func nonFiniteDurations() {
        let lease = Setting("KILN_LEASE_DURATION", default: "90s", help: "lease")
        for text in ["inf", "infs", "-inf", "nan", "1e300h"] {
            let error = #expect(throws: ConfigurationError.self) {
                try EnvironmentReader(variables: ["KILN_LEASE_DURATION": text]).duration(lease)
            }
            #expect(error?.description.contains("KILN_LEASE_DURATION='\(text)'") == true)
        }
        #expect(EnvironmentReader.parseDuration("inf") == nil)
        #expect(EnvironmentReader.parseDuration("1.5s") == .milliseconds(1500))
    }

    @Test("secrets are redacted when configuration is described")
    func redaction() {
        let env = EnvironmentReader(variables: ["KILN_AMQP_URL": "amqp://kiln:hunter2@broker:5672/kiln"])
        #expect(env.describe([url, port]) == ["KILN_AMQP_URL": "amqp://kiln:***@broker:5672/kiln", "KILN_OPS_PORT": "8081"])
        // A cluster's list: every password, not only the first.
        let list = EnvironmentReader(variables: [
            "KILN_AMQP_URL": "amqp://kiln:hunter2@rabbit-1/kiln,amqp://kiln:hunter3@rabbit-2/kiln"
        ])
        #expect(list.describe([url])["KILN_AMQP_URL"] == "amqp://kiln:***@rabbit-1/kiln,amqp://kiln:***@rabbit-2/kiln")
        // A comma inside a password does not split the URL (nor leak the password).
        #expect(EnvironmentReader.redact("postgresql://kiln:se,cret@db/kiln") == "postgresql://kiln:***@db/kiln")
    }
}
