import Testing

@testable import KilnWorker

/// What a run says it is doing, for the heartbeats.
struct ProgressTests {
    @Test("the board keeps each work request's last report until cleared; a snapshot names only the asked ids")
    func board() {
        let board = ProgressBoard()
        #expect(board.snapshot(for: [1]) == nil)
        board.report("fetching artifact 3", for: 1)
        board.report("running sbuild", for: 1)
        board.report("running lintian", for: 2)
        #expect(board.snapshot(for: [1]) == ["1": "running sbuild"])
        #expect(board.snapshot(for: [1, 2, 3]) == ["1": "running sbuild", "2": "running lintian"])
        board.clear(1)
        #expect(board.snapshot(for: [1]) == nil)
    }

    @Test("a command is summarised by its program, what runs inside unshare, or its shell script")
    func summaries() {
        #expect(TaskRunContext.summary(of: ["/usr/bin/sbuild", "--arch=amd64", "x.dsc"]) == "sbuild")
        #expect(
            TaskRunContext.summary(of: ["unshare", "--map-auto", "sh", "-c", "setup", "kiln-unshare", "/root", "--", "lintian", "-i"])
                == "lintian in the environment")
        #expect(TaskRunContext.summary(of: ["sh", "-c", "apt-get update"]) == "apt-get update")
    }
}
