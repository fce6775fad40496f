import Store
import Testing

@Suite("SHA-256 token digests (swift-crypto)")
struct TokenDigestTests {
    @Test("FIPS 180-4 test vectors, including two-block and million-byte messages")
    func knownVectors() {
        #expect(TokenRepository.digest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TokenRepository.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            TokenRepository.digest(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        #expect(
            TokenRepository.digest(of: 
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            )
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        )
        #expect(
            TokenRepository.digest(of: String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }

    @Test("Generated secrets are 64 hex digits and differ; their digest is what the tokens table accepts")
    func generatedSecrets() {
        let first = TokenRepository.generateSecret()
        let second = TokenRepository.generateSecret()
        #expect(first != second)
        for secret in [first, second] {
            #expect(secret.count == 64)
            #expect(secret.allSatisfy { "0123456789abcdef".contains($0) })
            let digest = TokenRepository.digest(of: secret)
            #expect(digest.count == 64 && digest != secret)
        }
    }
}
