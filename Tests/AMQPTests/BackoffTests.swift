import Testing

@testable import AMQP

@Suite("Backoff")
struct BackoffTests {
    @Test("delays double from the initial value up to the cap, without jitter at random 0.5")
    func doublesUpToCap() {
        var backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(4), multiplier: 2, jitter: 0.2)
        let delays = (0..<6).map { _ in backoff.next(random: 0.5) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
    }

    @Test("jitter stays within ±20 % and never exceeds the cap")
    func jitterBounds() {
        var low = Backoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
        var high = low
        #expect(low.next(random: 0) == .milliseconds(800))
        #expect(high.next(random: 0.999_999_999) <= .milliseconds(1200))
        var capped = Backoff(initial: .seconds(30), maximum: .seconds(30), jitter: 0.2)
        #expect(capped.next(random: 0.99) <= .seconds(30))
        #expect(capped.next(random: 0) == .seconds(24))
    }

    @Test("reset starts over at the initial delay")
    func reset() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10), jitter: 0)
        _ = backoff.next()
        _ = backoff.next()
        #expect(backoff.attempt == 2)
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
    }
}

@Suite("ConfirmTracker")
struct ConfirmTrackerTests {
    @Test("a multiple ack settles every outstanding tag up to it, in order")
    func multipleAck() {
        var tracker = ConfirmTracker<String>()
        for tag in 1...5 { tracker.add(tag: UInt64(tag), payload: "m\(tag)") }
        #expect(tracker.settle(tag: 3, multiple: true) == ["m1", "m2", "m3"])
        #expect(tracker.outstanding == 2)
        #expect(tracker.pendingPayloads == ["m4", "m5"])
    }

    @Test("single acks out of order settle exactly their tag; unknown tags settle nothing")
    func singleAcks() {
        var tracker = ConfirmTracker<Int>()
        for tag in 1...4 { tracker.add(tag: UInt64(tag), payload: tag) }
        #expect(tracker.settle(tag: 3, multiple: false) == [3])
        #expect(tracker.settle(tag: 3, multiple: false) == [])
        #expect(tracker.settle(tag: 9, multiple: false) == [])
        #expect(tracker.settle(tag: 1, multiple: false) == [1])
        #expect(tracker.settle(tag: 4, multiple: true) == [2, 4])
        #expect(tracker.outstanding == 0)
    }

    @Test("removeAll hands back what is unconfirmed (to publish again)")
    func removeAll() {
        var tracker = ConfirmTracker<Int>()
        for tag in 1...3 { tracker.add(tag: UInt64(tag), payload: tag) }
        _ = tracker.settle(tag: 2, multiple: false)
        #expect(tracker.removeAll() == [1, 3])
        #expect(tracker.outstanding == 0)
    }
}

@Suite("AMQPURL")
struct AMQPURLTests {
    @Test("parses user, password, host, port and vhost")
    func parsesAll() throws {
        let url = try AMQPURL(parsing: "amqp://kiln:s%40cret@127.0.0.1:56720/kiln")
        #expect(url == AMQPURL(host: "127.0.0.1", port: 56720, user: "kiln", password: "s@cret", virtualHost: "kiln"))
        #expect(url.description == "amqp://kiln:***@127.0.0.1:56720/kiln")
    }

    @Test("defaults: port 5672, guest/guest, vhost /; %2f is /")
    func defaults() throws {
        #expect(try AMQPURL(parsing: "amqp://broker") == AMQPURL(host: "broker", user: "guest", password: "guest"))
        #expect(try AMQPURL(parsing: "amqp://u:p@broker/%2f").virtualHost == "/")
    }

    @Test(
        "bad URLs name what is wrong",
        arguments: [
            ("http://h/v", "unsupported scheme 'http'"), ("amqps://h/v", "unsupported scheme 'amqps'"),
            ("amqp:///v", "missing host"), ("amqp://h/a/b", "one path segment"), ("broker:5672", "scheme"),
        ])
    func badURLs(text: String, reason: String) {
        #expect {
            try AMQPURL(parsing: text)
        } throws: { error in
            guard case .invalidURL(_, let why) = error as? AMQPError else { return false }
            return why.contains(reason)
        }
    }

    @Test("a comma-separated list gives failover brokers, tried after the first; an empty entry is refused without the password")
    func brokerList() throws {
        let configuration = try AMQPConnectionConfiguration(
            url: "amqp://kiln:pw@rabbit-1:5672/kiln, amqp://kiln:pw@rabbit-2:5673/kiln,amqp://kiln:pw@rabbit-3/kiln")
        #expect(configuration.urls.map(\.host) == ["rabbit-1", "rabbit-2", "rabbit-3"])
        #expect(configuration.urls.map(\.port) == [5672, 5673, 5672])
        #expect(try AMQPConnectionConfiguration(url: "amqp://kiln:pw@one/kiln").failoverURLs.isEmpty)
        #expect {
            try AMQPConnectionConfiguration(url: "amqp://kiln:topsecret@rabbit-1/kiln,,amqp://kiln:topsecret@rabbit-2/kiln")
        } throws: { error in
            guard case .invalidURL(let text, let why) = error as? AMQPError else { return false }
            return why.contains("empty entry") && !text.contains("topsecret") && !"\(error)".contains("topsecret")
        }
    }

    @Test("the password never appears in the error")
    func masksPassword() {
        #expect {
            try AMQPURL(parsing: "amqps://kiln:topsecret@h/v")
        } throws: { error in
            !"\(error)".contains("topsecret")
        }
    }
}
