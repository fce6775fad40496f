import Store

/// Authenticates a worker by its token: SHA-256 of the presented secret, looked up by digest (the store
/// never holds secrets), then compared in constant time so a near-miss digest leaks nothing through timing.
/// Secrets are never logged; only the worker's name is.
enum TokenAuthentication {
    /// Who sent a message.
    enum Outcome: Sendable {
        /// A `worker` token bound to this worker.
        case worker(GatewayWorker, token: TokenRecord)
        /// No token has this digest.
        case unknownToken
        /// A token exists but is not a worker's own (an activation or work-request token used as one).
        case wrongKind(TokenKind)
    }

    /// Finds the worker whose `worker` token is `secret`, locking its row so one worker's messages apply
    /// one at a time.
    static func authenticate(secret: String, on conn: PGConnection) async throws -> Outcome {
        let digest = TokenRepository.digest(of: secret)
        guard let token = try await TokenRepository.find(digest: digest, on: conn),
            constantTimeEqual(token.digest, digest)
        else { return .unknownToken }
        guard token.kind == .worker, let workerID = token.workerID,
            let worker = try await WorkerRepository.gatewayWorker(id: workerID, lock: true, on: conn)
        else { return .wrongKind(token.kind) }
        return .worker(worker, token: token)
    }

    /// `true` when both strings have the same bytes, in time that depends only on their lengths.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
